"""The managers' page of programmes: which programmes their places take part in, joining one
(accepting its terms) and leaving it for bookings made from then on. Managers see each
programme's public label, funder and what it pays: never the categories that open it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.core.text import euros, french_number
from maillage.places import permissions
from maillage.places.models import Place
from maillage.programmes import services
from maillage.programmes.models import BenefitKind, Period, Programme, ProgrammePlace

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
            return (
                f"Un crédit de {euros(programme.credit_cents)} "
                f"{PERIODS[Period(programme.credit_period)]} par bénéficiaire."
            )
        case _:
            employer = programme.employer.name if programme.employer else ""
            return (
                f"{employer} paie jusqu'à {programme.quota_days} jours "
                f"{PERIODS[Period(programme.quota_period)]} à ses membres."
            )


def _managed(request: SignedInRequest, slug: str) -> Place:
    place = get_object_or_404(Place, slug=slug)
    if not permissions.can_edit_place(request.user, place):
        raise PermissionDenied("Vous ne gérez pas ce lieu.")
    return place


@require_safe
@login_required
def manager_programmes(request: SignedInRequest) -> HttpResponse:
    places = list(Place.objects.filter(managers=request.user).order_by("name"))
    if not places:
        raise PermissionDenied("Cette page est réservée aux gestionnaires de lieux.")
    today = timezone.localdate()
    programmes = list(Programme.objects.filter(valid_until__gte=today).select_related("employer"))
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
                    "what": describe(programme),
                    "joined": (place.pk, programme.pk) in joined,
                }
                for programme in programmes
            ],
        }
        for place in places
    ]
    return render(request, "programmes/manager.html", {"rows": rows})


@require_POST
@login_required
def join(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    place = _managed(request, slug)
    programme = get_object_or_404(Programme, pk=pk)
    if request.POST.get("accepte") != "oui":
        messages.error(
            request,
            "« Conditions » : cochez « J'accepte les conditions du dispositif » pour y "
            "faire participer le lieu.",
        )
        return redirect(reverse("programmes:manager"))
    try:
        services.join(request.user, programme, place)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{place.name} participe désormais à « {programme.public_label} »."
        )
    return redirect(reverse("programmes:manager"))


@require_POST
@login_required
def leave(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    place = _managed(request, slug)
    programme = get_object_or_404(Programme, pk=pk)
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
