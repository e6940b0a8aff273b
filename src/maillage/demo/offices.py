"""The demo's offices (fictional): long-term offers of a few demo places, and a few
companies' requests to them, one of them answered.

Idempotent and safe after any back-office change: the offers are made only when no demo
place has any, the requests only when no request of a demo company is left (they are
anonymised a year after they were sent: a later run makes new ones). Made through
offices.services, as a manager and a company would; prices in integer cents excluding tax.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser

from maillage.accounts.models import User
from maillage.offices import services
from maillage.offices.models import OfferStatus, OfficeKind, OfficeOffer, OfficeRequest
from maillage.places.models import Place


@dataclass(frozen=True)
class DemoOffer:
    """A demo offer's fields (price in cents excluding tax; available `days_ahead` days
    from the run's day)."""

    title: str
    kind: OfficeKind
    surface_m2: int | None
    workstations: int | None
    monthly_price_cents: int
    days_ahead: int
    commitment_months: int
    description: str


OFFERS = [
    DemoOffer(
        "Bureau de deux postes sur cour",
        OfficeKind.PRIVATE_OFFICE,
        14,
        2,
        560_00,
        0,
        3,
        "Bureau fermé et lumineux, fibre, accès aux salles de réunion 4 heures par mois. "
        "Charges comprises.",
    ),
    DemoOffer(
        "Poste dédié en open space",
        OfficeKind.DEDICATED_DESK,
        None,
        1,
        240_00,
        0,
        1,
        "Votre bureau et votre caisson dans l'espace partagé, accès 7 jours sur 7.",
    ),
    DemoOffer(
        "Plateau pour une équipe de huit",
        OfficeKind.TEAM_SPACE,
        65,
        8,
        2_100_00,
        45,
        12,
        "Plateau cloisonnable avec sa salle de réunion, à deux pas de la gare.",
    ),
    DemoOffer(
        "Atelier d'activité en rez-de-chaussée",
        OfficeKind.WORKSHOP,
        40,
        3,
        980_00,
        30,
        6,
        "Atelier avec accès livraison, eau et force motrice ; idéal artisanat ou prototypage.",
    ),
    DemoOffer(
        "Domiciliation de votre entreprise",
        OfficeKind.DOMICILIATION,
        None,
        None,
        35_00,
        0,
        3,
        "Adresse du siège social, réception et réexpédition du courrier.",
    ),
]
# A demo company's request: its name, contact, workstations, budget (cents), days to its
# wished start, and which demo offers (their index in OFFERS) it is sent to.
REQUESTS = [
    ("Atelier Lumen (exemple fictif)", "Claire Fontaine", 2, 600_00, 30, (0, 1)),
    ("Studio Orée (exemple fictif)", "Hugo Lambert", 8, 2_000_00, 60, (2,)),
    ("Projet Boucle verte (exemple fictif)", "Amina Diallo", 1, None, 14, (1, 4)),
]
COMPANY_DOMAIN = "entreprise.exemple.test"


def _offers(staff: User, places: list[Place], today: date) -> int:
    """The demo offers, one place each in turn, when no demo place has any; how many."""
    if not places or OfficeOffer.objects.filter(place__is_fictional=True).exists():
        return 0
    for number, spec in enumerate(OFFERS):
        services.save_offer(
            staff,
            OfficeOffer(
                place=places[number % len(places)],
                title=spec.title,
                kind=spec.kind,
                surface_m2=spec.surface_m2,
                workstations=spec.workstations,
                monthly_price_cents=spec.monthly_price_cents,
                available_from=today + timedelta(days=spec.days_ahead),
                min_commitment_months=spec.commitment_months,
                description=spec.description,
                status=OfferStatus.PUBLISHED,
            ),
        )
    return len(OFFERS)


def _requests(today: date) -> int:
    """The demo companies' requests, confirmed, the first one answered by its first place's
    manager, when none is left; how many."""
    if OfficeRequest.objects.filter(email__endswith=f"@{COMPANY_DOMAIN}").exists():
        return 0
    titles = [spec.title for spec in OFFERS]
    demo = {
        offer.title: offer
        for offer in OfficeOffer.objects.published()
        .filter(place__is_fictional=True, title__in=titles)
        .select_related("place__commune")
        .order_by("pk")
    }
    made = 0
    for company, contact, workstations, budget, days, chosen in REQUESTS:
        offers = [demo[titles[n]] for n in chosen if titles[n] in demo]
        if not offers:
            continue
        first = offers[0].place
        sent = services.submit_request(
            AnonymousUser(),
            OfficeRequest(
                company_name=company,
                contact_name=contact,
                email=f"{contact.split()[0].lower()}@{COMPANY_DOMAIN}",
                workstations=workstations,
                start_date=today + timedelta(days=days),
                budget_cents=budget,
                message="Nous cherchons à nous installer dans le département plutôt qu'à Paris.",
            ),
            offers,
            [first.commune],
            notify=False,
        )
        services.confirm(sent, notify=False)
        made += 1
        manager = first.managers.filter(is_active=True).order_by("pk").first()
        if made == 1 and manager is not None:
            services.answer(
                manager,
                sent.places.get(place=first),
                "Bonjour, le bureau est libre : passez le visiter quand vous voulez cette "
                "semaine, nous vous ferons une proposition sur place.",
                notify=False,
            )
    return made


def load_offices(staff: User, places: list[Place], today: date) -> tuple[int, int]:
    """The demo offers (on `places`, open demo places) and requests, each only when none is
    left; how many of each were made."""
    return _offers(staff, places, today), _requests(today)
