"""The person's page of programmes, «Mes tarifs et pass» (`/compte/tarifs/`): the social
rates they hold, what is left of their credits and quotas, and their children's passes, under
the programmes' public labels (never the category), each with the places where it can be
used. Thin: selectors.left_of and selectors.places_of read it."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.core.text import french_number
from maillage.eligibility.selectors import children_of
from maillage.places.models import Place
from maillage.programmes import selectors, services
from maillage.programmes.models import BenefitKind, Programme


@dataclass(frozen=True)
class Rate:
    """A social rate the person holds: its public label, funder, what they pay and the
    places where it applies."""

    public_label: str
    funder: str
    pays: str
    places: list[Place]
    caps: list[selectors.CapLeft]


def pays(programme: Programme) -> str:
    """What the person pays under a rate, in French."""
    match programme.kind:
        case BenefitKind.PERCENT:
            share = french_number((programme.person_basis_points or 0) / 100)
            return f"vous payez {share}\u00a0% du prix public"
        case BenefitKind.FIXED:
            return "vous payez un montant fixe, jamais plus que le prix public"
        case _:
            return "gratuit pour vous"


RATES = {BenefitKind.PERCENT, BenefitKind.FIXED, BenefitKind.FREE}


@require_safe
@login_required
def my_programmes(request: SignedInRequest) -> HttpResponse:
    today = timezone.localdate()
    children = list(children_of(request.user))
    names = {child.pk: child.first_name for child in children}
    lines = selectors.left_of(request.user, today, [child.pk for child in children])
    held = [
        programme
        for programme in services.eligible_anywhere(services.Beneficiary(request.user, 0), today)
        if programme.kind in RATES
    ]
    ids = {line.programme_id for line in lines} | {programme.pk for programme in held}
    places = selectors.places_of(
        Programme.objects.filter(pk__in=ids).select_related("employer"), request.user
    )
    me = services.Beneficiary(request.user, 0)
    rates = [
        Rate(
            programme.public_label,
            programme.funder,
            pays(programme),
            places[programme.pk],
            selectors.caps_left(programme, me, today),
        )
        for programme in held
    ]
    return render(
        request,
        "programmes/my_programmes.html",
        {
            "rates": rates,
            "mine": [(line, places[line.programme_id]) for line in lines if not line.child_key],
            "children": [
                (names[line.child_key], line, places[line.programme_id])
                for line in lines
                if line.child_key
            ],
        },
    )
