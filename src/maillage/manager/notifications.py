"""The managers' email choices (/gestion/notifications/): for each place they manage, whether
they receive each new request, each cancellation and a morning digest (booking.models.
ManagerEmails, saved through booking.services.set_manager_emails)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.models import User
from maillage.booking import services
from maillage.booking.models import ManagerEmails
from maillage.places.models import Place
from maillage.places.permissions import MANAGERS_ONLY, NOT_YOUR_PLACE

SWITCHES = ("new_requests", "cancellations", "daily_digest")


class ManagerEmailsForm(forms.ModelForm):
    """A manager's three switches for one place; its fields' ids name the place."""

    class Meta:
        model = ManagerEmails
        fields = SWITCHES


def _forms(user: User, places: list[Place]) -> list[tuple[Place, ManagerEmailsForm]]:
    """Each place with its form, filled with the choices saved (the defaults otherwise)."""
    saved = {e.place_id: e for e in ManagerEmails.objects.filter(user=user, place__in=places)}
    return [
        (
            place,
            ManagerEmailsForm(
                instance=saved.get(place.pk, ManagerEmails(user=user, place=place)),
                auto_id=f"id_{place.slug}_%s",
            ),
        )
        for place in places
    ]


def _own_places(user: User) -> list[Place]:
    """The places `user` manages (Département staff receive no place's emails), or
    PermissionDenied with a French message."""
    places = list(user.managed_places.order_by("name"))
    if not places:
        raise PermissionDenied(MANAGERS_ONLY)
    return places


@require_safe
@login_required
def preferences(request: SignedInRequest) -> HttpResponse:
    """The page of the user's email choices, one form per place they manage (403 for
    anyone who manages none, staff included)."""
    places = _own_places(request.user)
    return render(
        request,
        "manager/notifications/preferences.html",
        {"manager_section": "home", "forms": _forms(request.user, places)},
    )


@require_POST
@login_required
def save(request: SignedInRequest, slug: str) -> HttpResponse:
    """Save one place's switches: back to the page with a message (400 and the page with
    the errors when the form refuses, nothing saved)."""
    places = _own_places(request.user)
    place = get_object_or_404(Place, slug=slug)
    if place not in places:
        raise PermissionDenied(NOT_YOUR_PLACE)
    form = ManagerEmailsForm(request.POST, auto_id=f"id_{place.slug}_%s")
    if not form.is_valid():
        pairs = [(p, form if p == place else f) for p, f in _forms(request.user, places)]
        return render(
            request,
            "manager/notifications/preferences.html",
            {"manager_section": "home", "forms": pairs},
            status=400,
        )
    services.set_manager_emails(request.user, place, **form.cleaned_data)
    messages.success(request, f"Vos choix de courriels pour {place.name} sont enregistrés.")
    return redirect("manager:notifications")
