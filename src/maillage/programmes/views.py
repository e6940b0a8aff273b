"""The managers' page of programmes: which programmes their places take part in, with each
programme's terms (what it pays, where, when, the late-cancellation rule, staff's payment
terms), joining one (accepting those terms) and leaving it, after a confirmation, for bookings
made from then on. Managers see each programme's public label, funder and what it pays: never
the categories that open it."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.core.dates import long_date
from maillage.core.text import euros, french_number
from maillage.places import permissions
from maillage.places.models import Place, SpaceKind
from maillage.programmes import services
from maillage.programmes.models import BenefitKind, LateRule, Period, Programme, ProgrammePlace

PERIODS = {
    Period.SCHOOL_YEAR: "par année scolaire",
    Period.CALENDAR_YEAR: "par année civile",
    Period.MONTH: "par mois",
    Period.WEEK: "par semaine",
}


def describe(programme: Programme) -> str:
    """What the programme pays, in French, for the place's managers."""
    match programme.kind:
        case BenefitKind.PERCENT:
            share = french_number((programme.person_basis_points or 0) / 100)
            return f"La personne paie {share} % du prix, le dispositif le reste."
        case BenefitKind.FIXED:
            amounts = [
                f"{euros(cents)} {unit}"
                for cents, unit in (
                    (programme.fixed_hour_cents, "l'heure"),
                    (programme.fixed_half_day_cents, "la demi-journée"),
                    (programme.fixed_day_cents, "la journée"),
                )
                if cents is not None
            ]
            return f"La personne paie {', '.join(amounts)}, le dispositif le reste."
        case BenefitKind.FREE:
            return "Le dispositif paie tout le prix."
        case BenefitKind.CREDIT:
            bursary = (
                ""
                if programme.credit_bursary_cents is None
                else f" ({euros(programme.credit_bursary_cents)} pour les boursiers)"
            )
            return (
                f"Un crédit de {euros(programme.credit_cents)} "
                f"{PERIODS[Period(programme.credit_period)]} par bénéficiaire{bursary}."
            )
        case _:
            employer = programme.employer.name if programme.employer else ""
            return (
                f"{employer} paie jusqu'à {programme.quota_days} jours "
                f"{PERIODS[Period(programme.quota_period)]} à ses membres."
            )


# Who pays the programme's share of a booking cancelled late or not attended.
LATE_RULES = {
    LateRule.PLACE_PAID: "le dispositif paie tout de même sa part au lieu.",
    LateRule.GIVEN_BACK: "le dispositif ne paie pas sa part : le lieu ne la reçoit pas.",
}
MISSING_ACCEPTANCE = (
    "« J'accepte les conditions » : cochez cette case pour faire participer le lieu au "
    "dispositif ; rien n'a été enregistré."
)


@dataclass(frozen=True)
class Term:
    """One of a programme's terms as the managers read them: a label and its French text
    (several lines for staff's payment terms)."""

    label: str
    text: str


def terms(programme: Programme) -> list[Term]:
    """The terms a manager accepts by joining `programme`: what it pays (describe), its
    funder, the eligible space kinds, whether it pays part of priced event registrations
    too, its validity (Paris days), who pays on a late
    cancellation or a no-show, and staff's payment and reimbursement terms when set."""
    kinds = (
        ", ".join(str(SpaceKind(kind).label) for kind in programme.space_kinds)
        if programme.space_kinds
        else "tous les types d'espaces"
    )
    found = [
        Term("Ce que paie le dispositif", describe(programme)),
        Term("Financeur", programme.funder),
        Term("Espaces concernés", kinds),
        Term(
            "Ateliers et événements payants",
            "le dispositif paie aussi sa part des inscriptions, comme pour les réservations"
            if programme.covers_events
            else "non concernés : le prix public s'applique",
        ),
        Term(
            "Validité",
            f"du {long_date(programme.valid_from)} au {long_date(programme.valid_until)}",
        ),
        Term("Annulation tardive ou absence", LATE_RULES[LateRule(programme.late_rule)]),
    ]
    if programme.terms.strip():
        found.append(Term("Paiement et remboursement du lieu", programme.terms.strip()))
    return found


def _managed(request: SignedInRequest, slug: str) -> Place:
    return permissions.require_editable(request.user, get_object_or_404(Place, slug=slug))


def _page(
    request: SignedInRequest, refused: tuple[int, int] | None = None, status: int = 200
) -> HttpResponse:
    """The page for the places the user manages; `refused`: the (place, programme) whose
    join was sent without the terms accepted, shown with its error (status 400)."""
    places = list(Place.objects.filter(managers=request.user).order_by("name"))
    if not places:
        raise PermissionDenied(permissions.MANAGERS_ONLY)
    today = timezone.localdate()
    programmes = list(Programme.objects.filter(valid_until__gte=today).select_related("employer"))
    described = {programme.pk: terms(programme) for programme in programmes}
    joined = {
        (row.place_id, row.programme_id)
        for row in ProgrammePlace.objects.filter(place__in=places, left_at__isnull=True)
    }
    rows = [
        {
            "place": place,
            "programmes": [
                {
                    "programme": programme,
                    "terms": described[programme.pk],
                    "joined": (place.pk, programme.pk) in joined,
                    "box": f"accepte-{place.pk}-{programme.pk}",
                    "error": MISSING_ACCEPTANCE if refused == (place.pk, programme.pk) else "",
                }
                for programme in programmes
            ],
        }
        for place in places
    ]
    return render(request, "programmes/manager.html", {"rows": rows}, status=status)


@require_safe
@login_required
def manager_programmes(request: SignedInRequest) -> HttpResponse:
    return _page(request)


@require_POST
@login_required
def join(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """Joins once the terms are accepted (`accepte=oui`); without it, the page again (400),
    the error on that programme's box, nothing written."""
    place = _managed(request, slug)
    programme = get_object_or_404(Programme, pk=pk)
    if request.POST.get("accepte") != "oui":
        return _page(request, refused=(place.pk, programme.pk), status=400)
    try:
        services.join(request.user, programme, place)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{place.name} participe désormais à « {programme.public_label} »."
        )
    return redirect(reverse("programmes:manager"))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def leave(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what leaving means, to confirm; POST: the place leaves the programme for the
    bookings made from now on."""
    place = _managed(request, slug)
    programme = get_object_or_404(Programme, pk=pk)
    if request.method != "POST":
        get_object_or_404(ProgrammePlace, programme=programme, place=place, left_at__isnull=True)
        return render(request, "programmes/leave.html", {"place": place, "programme": programme})
    try:
        services.leave(request.user, programme, place)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{place.name} ne participe plus à « {programme.public_label} » pour les "
            "réservations à venir ; celles déjà faites gardent leur tarif.",
        )
    return redirect(reverse("programmes:manager"))
