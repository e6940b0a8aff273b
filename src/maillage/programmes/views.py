"""Programmes' pages: the person's «Mes tarifs» (what they and their children hold, the
credit and quota left), and the managers' page where a place joins a programme by accepting
its terms, or leaves it for future bookings. Thin: the rules are the services'."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.places import permissions
from maillage.places.models import Place
from maillage.programmes import selectors, services
from maillage.programmes.models import Programme


class JoinForm(forms.Form):
    """A manager accepting a programme's terms for their place."""

    conditions = forms.BooleanField(
        label="J'accepte les conditions du dispositif pour ce lieu",
        error_messages={"required": "cochez la case pour accepter les conditions."},
    )


@require_safe
@login_required
def my_programmes(request: SignedInRequest) -> HttpResponse:
    """«Mes tarifs»: the programmes the person and their children benefit from today."""
    today = timezone.localdate()
    holdings = selectors.holdings_of(request.user, today)
    return render(
        request,
        "programmes/my_programmes.html",
        {
            "mine": [h for h in holdings if h.child is None],
            "children": [h for h in holdings if h.child is not None],
            "today": today,
        },
    )


def _managed(request: SignedInRequest) -> list[selectors.PlaceProgramme]:
    places = permissions.editable_places(request.user)
    if not places.exists():
        raise PermissionDenied("Seuls les gestionnaires d'un lieu engagent leur lieu.")
    return selectors.joinable(places, timezone.localdate())


def _manager_page(
    request: SignedInRequest, failed: tuple[int, int, JoinForm] | None = None
) -> HttpResponse:
    rows = [
        {
            "row": row,
            "terms": selectors.terms_of(row.programme),
            "form": failed[2]
            if failed and (failed[0], failed[1]) == (row.place.pk, row.programme.pk)
            else JoinForm(prefix=f"p{row.place.pk}-{row.programme.pk}"),
        }
        for row in _managed(request)
    ]
    return render(
        request,
        "programmes/manager_programmes.html",
        {"rows": rows},
        status=400 if failed else 200,
    )


@require_safe
@login_required
def manager_programmes(request: SignedInRequest) -> HttpResponse:
    """Every programme each of the manager's places may join, with its terms."""
    return _manager_page(request)


def _place_and_programme(slug: str, programme_id: int) -> tuple[Place, Programme]:
    return get_object_or_404(Place, slug=slug), get_object_or_404(Programme, pk=programme_id)


@require_POST
@login_required
def join(request: SignedInRequest, slug: str, programme_id: int) -> HttpResponse:
    place, programme = _place_and_programme(slug, programme_id)
    if not permissions.can_edit_place(request.user, place):
        raise PermissionDenied("Vous ne gérez pas ce lieu.")
    form = JoinForm(request.POST, prefix=f"p{place.pk}-{programme.pk}")
    if not form.is_valid():
        return _manager_page(request, failed=(place.pk, programme.pk, form))
    services.join(request.user, programme, place)
    messages.success(
        request, f"{place.name} participe à « {programme.public_label} » ({programme.funder})."
    )
    return redirect("programmes:manager")


@require_POST
@login_required
def leave(request: SignedInRequest, slug: str, programme_id: int) -> HttpResponse:
    place, programme = _place_and_programme(slug, programme_id)
    try:
        services.leave(request.user, programme, place)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{place.name} quitte « {programme.public_label} » : les réservations déjà faites "
            "gardent leur tarif, les suivantes sont au prix public.",
        )
    return redirect("programmes:manager")
