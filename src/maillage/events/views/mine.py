"""A person's registrations: registering from an event's page, «Mes inscriptions», and what
they do with a registration (cancel it, leave the waiting list, accept or decline seats
offered). Thin: events.services decides and writes; its refusals are shown in French."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.models import User
from maillage.eligibility.selectors import children_of
from maillage.events import services
from maillage.events.forms import SeatsForm
from maillage.events.models import ACTIVE_STATUSES, Registration
from maillage.events.presentation import state_of
from maillage.events.price_lines import registered_prices
from maillage.events.views.public import event_context, public_event

# How many ended registrations «Mes inscriptions» lists.
PAST_SHOWN = 50


@require_POST
@login_required
def register(request: SignedInRequest, pk: int) -> HttpResponse:
    """Register for the event's seats the form asks (registered, awaiting the organiser's
    approval, or on the waiting list, as events.services.register decides); a refusal is
    shown on the event's page (400), nothing written."""
    event = public_event(pk)
    form = SeatsForm(request.POST, event=event, children=list(children_of(request.user)))
    if form.is_valid():
        try:
            registration = services.register(
                request.user, event, form.cleaned_data["places"], child_id=form.child_id
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except services.RegistrationRefused as refusal:
            # With one seat a registration, the page shows no seats field to name.
            shown = refusal.field == "seats" and event.max_seats_per_registration > 1
            field = "places" if shown else "pour" if refusal.field == "pour" else None
            form.add_error(field, refusal.message)
        else:
            messages.success(request, state_of(registration, timezone.now()).done)
            return redirect(event)
    return render(request, "events/event.html", event_context(request, event, form), status=400)


@require_safe
@login_required
def my_registrations(request: SignedInRequest) -> HttpResponse:
    """The person's registrations: those in force for events not over (with their state,
    price (events.price_lines.registered_prices), rank on the waiting list, offer's
    deadline and what they may do), then the last PAST_SHOWN others."""
    now = timezone.now()
    theirs = Registration.objects.filter(user=request.user).select_related(
        "event__place__commune", "child"
    )
    current = Q(status__in=ACTIVE_STATUSES, event__end__gt=now)
    coming = list(theirs.filter(current).order_by("event__start", "pk"))
    past = list(theirs.exclude(current).order_by("-event__start", "-pk")[:PAST_SHOWN])
    prices = registered_prices(coming + past, for_person=True)
    for registration in coming + past:
        registration.state = state_of(registration, now)  # type: ignore[attr-defined]
        registration.price_text = prices[registration.pk]  # type: ignore[attr-defined]
    return render(request, "events/my_registrations.html", {"coming": coming, "past": past})


@dataclass(frozen=True)
class PersonAction:
    """What the person does with a registration: the `service` (events.services), the
    confirmation page's `title` and `button`, what is said once `done` (empty: the new
    state's own words)."""

    service: Callable[[User, Registration], Registration]
    title: str
    button: str
    done: str


# By the URL's action name (events.presentation.ACTION_NAMES).
ACTIONS = {
    "annuler": PersonAction(
        services.cancel, "Annuler mon inscription", "Confirmer l'annulation", "Inscription annulée."
    ),
    "quitter": PersonAction(
        services.leave_waiting_list,
        "Quitter la liste d'attente",
        "Quitter la liste",
        "Vous avez quitté la liste d'attente.",
    ),
    "accepter": PersonAction(
        services.accept_offer, "Confirmer les places proposées", "Confirmer les places", ""
    ),
    "refuser": PersonAction(
        services.decline_offer,
        "Refuser les places proposées",
        "Refuser les places",
        "Places refusées : elles ne vous sont plus réservées.",
    ),
}
# Where the confirmation page sends back: «Mes inscriptions» when it came from there.
FROM_MINE = "mes-inscriptions"


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def registration_action(request: SignedInRequest, pk: int, action: str) -> HttpResponse:
    """GET asks to confirm `action` (ACTIONS) on the person's own registration `pk` (404
    for another's); POST with the confirmation does it through events.services, its
    refusal said in French."""
    if action not in ACTIONS:
        raise Http404("Cette action n'existe pas.")
    registration = get_object_or_404(
        Registration.objects.select_related("event__place__commune", "child"),
        pk=pk,
        user=request.user,
    )
    chosen = ACTIONS[action]
    back = request.POST.get("depuis") or request.GET.get("depuis")
    if not (request.method == "POST" and request.POST.get("confirmer") == "oui"):
        return render(
            request,
            "events/confirm.html",
            {
                "registration": registration,
                "state": state_of(registration, timezone.now()),
                "title": chosen.title,
                "button": chosen.button,
                "from_mine": back == FROM_MINE,
            },
        )
    try:
        changed = chosen.service(request.user, registration)
    except services.RegistrationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, chosen.done or state_of(changed, timezone.now()).done)
    if back == FROM_MINE:
        return redirect("events:mine")
    return redirect(registration.event)
