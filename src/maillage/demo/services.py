"""Loading the fictional demo network (idempotent: a second run adds nothing)."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from shapely.geometry import shape

from maillage.accounts.models import User
from maillage.booking import availability as booking_core
from maillage.booking import services as booking_services
from maillage.booking.feed_slots import refresh_feed_slots
from maillage.booking.models import Booking, Channel
from maillage.demo.community import load_community
from maillage.demo.events import load_events
from maillage.demo.network import (
    CommuneSeed,
    PlaceSpec,
    build_candidate_sites,
    build_network,
)
from maillage.demo.offices import load_offices
from maillage.demo.programmes import load_programmes
from maillage.demo.statements import load_statements
from maillage.observatory.models import CandidateSite
from maillage.places import services
from maillage.places.models import Equipment, Place, Service, Space, today_in_paris
from maillage.reimbursements.services import of_month
from maillage.territory.models import Commune

DEMO_DOMAIN = "exemple.test"
STAFF_EMAIL = f"agent.departement@{DEMO_DOMAIN}"
MANAGER_EMAILS = [f"gestion.{n}@{DEMO_DOMAIN}" for n in ("lea", "karim", "sofia", "marc")]
RESIDENT_EMAILS = [f"{n}@{DEMO_DOMAIN}" for n in ("camille.martin", "yanis.dupont", "ines.moreau")]
# Who the demo's programmes are for: a resident with a verified RSA status (the social rate),
# a parent whose child profile holds the Pass+, an agent of the Département (telework quota).
SOCIAL_EMAIL = f"nadia.benali@{DEMO_DOMAIN}"
PARENT_EMAIL = f"sophie.leroy@{DEMO_DOMAIN}"
AGENT_EMAIL = f"julien.teletravail@{DEMO_DOMAIN}"
PLACES_PER_MANAGER = 3


class TerritoryMissing(Exception):
    pass


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


@dataclass(frozen=True)
class DemoResult:
    created_places: int
    existing_places: int
    logins: list[DemoLogin]


def _demo_user(email: str, password: str, **fields) -> User:
    user = User.objects.filter(email=email).first() or User(email=email, **fields)
    # A fresh password at each run: demo logins are never guessable.
    user.set_password(password)
    # Demo addresses are fictional: they count as verified so that demo users can book.
    user.email_verified_at = user.email_verified_at or timezone.now()
    user.save()
    return user


def _christmas_closure(today: date) -> tuple[date, date]:
    start = date(today.year, 12, 24)
    if start < today:
        start = date(today.year + 1, 12, 24)
    return start, start + timedelta(days=8)


def _create_place(actor: User, spec: PlaceSpec, commune: Commune, today: date) -> Place:
    place = services.create_place(
        actor,
        name=spec.name,
        slug=spec.slug,
        description=spec.description,
        address=spec.address,
        postal_code=spec.postal_code,
        commune=commune,
        latitude=spec.latitude,
        longitude=spec.longitude,
        status=spec.status,
        opening_date=spec.opening_date,
        broadband_technology=spec.broadband_technology,
        broadband_down_mbps=spec.broadband_down_mbps,
        broadband_up_mbps=spec.broadband_up_mbps,
        phone=spec.phone,
        email=spec.email,
        is_fictional=True,
        services=Service.objects.filter(slug__in=spec.services),
        **spec.accessibility,  # type: ignore[arg-type]  # Place fields, not services or managers
    )
    for space in spec.spaces:
        services.add_space(
            actor,
            place,
            name=space.name,
            kind=space.kind,
            capacity=space.capacity,
            price_hour_cents=space.price_hour_cents,
            price_half_day_cents=space.price_half_day_cents,
            price_day_cents=space.price_day_cents,
            equipment=Equipment.objects.filter(slug__in=space.equipment),
        )
    services.replace_opening_hours(actor, place, spec.hours)
    if spec.status == "open":
        start, end = _christmas_closure(today)
        services.add_closure(
            actor,
            place,
            start_date=start,
            end_date=end,
            reason="Fermeture des fêtes de fin d'année",
        )
    return place


# Places whose bookings a manager validates, among the managed ones (so the manager pages
# have requests to decide on).
PLACES_WITH_APPROVAL = 2
DEMO_BOOKING_DAYS = (1, 2, 3, 7, 8)


def _create_network(
    staff: User,
    network: list[PlaceSpec],
    communes: dict[str, Commune],
    seeds,
    today: date,
    progress: Callable[[str], None],
) -> None:
    """The places, the candidate sites and who manages what: written once, the first time.
    Later runs leave them as the back-office has made them."""
    # A slug the back-office gave to another place since: that demo place is left out.
    taken = set(
        Place.objects.filter(slug__in=[s.slug for s in network]).values_list("slug", flat=True)
    )
    places = []
    for index, spec in enumerate(network, start=1):
        if spec.slug in taken:
            continue
        places.append(_create_place(staff, spec, communes[spec.insee_code], today))
        progress(f"  [{index}/{len(network)}] {spec.name}")
    for place in places[:PLACES_WITH_APPROVAL]:
        place.requires_approval = True
        place.save(update_fields=["requires_approval"])
    for number, email in enumerate(MANAGER_EMAILS):
        manager = User.objects.get(email=email)
        for place in places[number * PLACES_PER_MANAGER : (number + 1) * PLACES_PER_MANAGER]:
            place.managers.add(manager)
    for site in build_candidate_sites(seeds):
        CandidateSite.objects.get_or_create(
            reference=site.reference,
            defaults={
                "name": site.name,
                "commune": communes[site.insee_code],
                "latitude": site.latitude,
                "longitude": site.longitude,
                "kind": site.kind,
                "owner": site.owner,
                "surface_m2": site.surface_m2,
                "thd_available": site.thd_available,
                "estimated_cost_cents": site.estimated_cost_cents,
                "is_fictional": True,
            },
        )
    progress("  sites candidats de l'inventaire (fictifs) chargés")


def _managed_places(today: date) -> QuerySet[Place]:
    """The open demo places the demo managers hold, in a stable order."""
    return (
        Place.objects.filter(is_fictional=True, managers__email__in=MANAGER_EMAILS)
        .open(today)
        .distinct()
        .order_by("pk")
    )


def _demo_bookings(residents: list[User], today: date) -> int:
    """A few bookings in the coming days at the open demo places the demo managers hold,
    made through the booking service, when the demo residents hold none ahead: so a run
    after any change (a place opened or closed, a space edited, a booking cancelled, a
    manager removed) books only where it still can, and repeats nothing. Returns how many."""
    residents = [resident for resident in residents if resident.can_book]
    if Booking.objects.filter(user__in=residents, end__gt=timezone.now()).holding().exists():
        return 0
    today = timezone.localdate()
    spaces = [
        space
        for place in _managed_places(today)
        if (space := Space.objects.bookable(today).filter(place=place).order_by("pk").first())
    ]
    made = 0
    for number, (resident, offset) in enumerate(
        (r, d) for r in residents for d in DEMO_BOOKING_DAYS
    ):
        if not spaces:
            break
        space = spaces[number % len(spaces)]
        day = today + timedelta(days=offset)
        start = booking_core.wall_clock_instant(datetime.combine(day, time(9 + number % 4)))
        try:
            booking_services.book(
                resident,
                space.pk,
                start,
                start + timedelta(hours=2),
                channel=Channel.COMMAND,
                notify=False,
            )
        except booking_services.BookingRefused:
            continue  # closed that day, or outside its hours: the demo simply skips it
        made += 1
    return made


@transaction.atomic
def load_demo(progress: Callable[[str], None] = lambda message: None) -> DemoResult:
    """The demo network, created when no demo place exists; then fresh passwords for the
    demo logins (users re-created if deleted), a few bookings ahead if none are left, and
    last month's issued statements (demo.statements).

    Whatever the back-office has done to the demo data since, a run succeeds and undoes
    nothing. Raises TerritoryMissing when the département's communes are not loaded."""
    code = settings.MAILLAGE_DEPARTEMENT
    communes = {c.insee_code: c for c in Commune.objects.of_departement(code)}
    if not communes:
        raise TerritoryMissing(
            f"Aucune commune du département {code} : lancez d'abord `maillage load_territory`."
        )
    logins = [DemoLogin("Agent du Département", STAFF_EMAIL, secrets.token_urlsafe(9))]
    staff = _demo_user(
        STAFF_EMAIL,
        logins[0].password,
        first_name="Agnès",
        last_name="Durand",
        is_departement_staff=True,
    )
    for email in MANAGER_EMAILS:
        login = DemoLogin("Gestionnaire", email, secrets.token_urlsafe(9))
        _demo_user(
            email, login.password, first_name=email.split("@")[0].split(".")[-1].capitalize()
        )
        logins.append(login)
    residents = []
    for email in RESIDENT_EMAILS:
        login = DemoLogin("Utilisateur", email, secrets.token_urlsafe(9))
        residents.append(
            _demo_user(
                email, login.password, first_name=email.split("@")[0].split(".")[0].capitalize()
            )
        )
        logins.append(login)
    beneficiaries = {}
    for role, email, first_name in (
        ("Tarif solidaire (RSA)", SOCIAL_EMAIL, "Nadia"),
        ("Parent d'un collégien", PARENT_EMAIL, "Sophie"),
        ("Agent en télétravail", AGENT_EMAIL, "Julien"),
    ):
        login = DemoLogin(role, email, secrets.token_urlsafe(9))
        beneficiaries[email] = _demo_user(email, login.password, first_name=first_name)
        logins.append(login)
    existing = Place.objects.filter(is_fictional=True).count()
    created = 0
    if not existing:
        seeds = [
            CommuneSeed(c.insee_code, c.name, c.postal_codes.split()[0], shape(c.geometry))
            for c in communes.values()
        ]
        network = build_network(seeds, today_in_paris())
        _create_network(staff, network, communes, seeds, today_in_paris(), progress)
        created = Place.objects.filter(is_fictional=True).count()
    programmes = load_programmes(
        staff,
        social=beneficiaries[SOCIAL_EMAIL],
        parent=beneficiaries[PARENT_EMAIL],
        agent=beneficiaries[AGENT_EMAIL],
        managed=list(_managed_places(today_in_paris())),
        today=today_in_paris(),
    )
    progress("  dispositifs de démonstration : tarif solidaire, Pass+, télétravail des agents")
    load_community(
        staff, [User.objects.get(email=email) for email in MANAGER_EMAILS], today_in_paris()
    )
    progress("  communauté : référent·e, annuaire, annonce, documents et financements")
    made = _demo_bookings([*residents, beneficiaries[SOCIAL_EMAIL]], today_in_paris())
    progress(f"  réservations de démonstration faites : {made}")
    offers, office_requests = load_offices(
        staff, list(_managed_places(today_in_paris())), today_in_paris()
    )
    progress(f"  offres de bureaux : {offers} créées ; demandes d'entreprises : {office_requests}")
    events = load_events(
        staff,
        list(_managed_places(today_in_paris())),
        [*residents, beneficiaries[SOCIAL_EMAIL], beneficiaries[PARENT_EMAIL]],
        today_in_paris(),
    )
    full = " (l'un complet, avec sa liste d'attente)" if events else ""
    progress(f"  ateliers et événements créés : {events}{full}")
    issued = load_statements(
        social=beneficiaries[SOCIAL_EMAIL],
        agent=beneficiaries[AGENT_EMAIL],
        programmes=programmes,
        today=today_in_paris(),
    )
    progress(
        f"  relevés de remboursement {of_month(issued.month)} : {issued.statements} émis "
        f"({issued.booked} réservations faites) ; à voir sur /departement/remboursements/"
    )
    slots = refresh_feed_slots(timezone.now())
    progress(
        f"  flux des créneaux (/api/v1/flux/creneaux) : {slots.inserted} créneaux publiés, "
        f"{slots.deleted} retirés"
    )
    return DemoResult(created_places=created, existing_places=existing, logins=logins)
