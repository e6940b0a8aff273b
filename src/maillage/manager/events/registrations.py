"""What organisers do with an event's registrations (/gestion/ateliers/<id>/…): see them and
the waiting list in order, accept or decline those awaiting their approval, cancel one, mark
attendance from the start, change the capacity, message the registrants, export the list as
CSV, cancel the event. Thin: events.services decides and writes; a refusal is shown on the
page it came from (400, nothing written), next to its field."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.core.text import count
from maillage.core.validators import SingleLine
from maillage.events import exports, selectors, services
from maillage.events.agenda import seats_state
from maillage.events.models import REASON_MAX, Event, EventMessage, Registration
from maillage.manager.events.views import SECTION, organised_event
from maillage.manager.places.forms import describe_errors


@dataclass(frozen=True)
class OrganiserAction:
    """An organiser's action on a registration: the `offered` name of
    events.services.organiser_actions it needs, whether it asks a `reason`, what is said
    once `done`, and the `call` of events.services."""

    offered: str
    reason: bool
    done: str
    call: Callable[[SignedInRequest, Registration, str], object]


# By the page's name of the action.
ACTIONS = {
    "accepter": OrganiserAction(
        "approve",
        False,
        "Inscription acceptée : la personne en est informée.",
        lambda request, registration, reason: services.approve(request.user, registration),
    ),
    "refuser": OrganiserAction(
        "decline",
        True,
        "Inscription refusée : la personne reçoit votre motif.",
        lambda request, registration, reason: services.decline(request.user, registration, reason),
    ),
    "annuler": OrganiserAction(
        "cancel",
        True,
        "Inscription annulée : la personne reçoit votre motif.",
        lambda request, registration, reason: services.cancel(request.user, registration, reason),
    ),
    "present": OrganiserAction(
        "attendance",
        False,
        "Présence notée.",
        lambda request, registration, reason: services.mark_attendance(
            request.user, registration, True
        ),
    ),
    "absent": OrganiserAction(
        "attendance",
        False,
        "Absence notée.",
        lambda request, registration, reason: services.mark_attendance(
            request.user, registration, False
        ),
    ),
}
# The reason's field of the actions asking one: its id prefix and label.
REASON_FIELDS = {"refuser": ("refus", "Motif du refus"), "annuler": ("annulation", "Motif")}


@dataclass(frozen=True)
class ActionError:
    """A refused action, shown next to its registration's row (`field`: «reason» when it is
    about the reason given)."""

    registration_id: int
    action: str
    message: str


class CapacityForm(forms.Form):
    """The event's number of seats (events.services.change_capacity judges it)."""

    capacite = forms.IntegerField(label="Nombre de places")


class MessageForm(forms.ModelForm):
    """A message to the event's registrants, with the model's rules (one-line subject,
    lengths); events.services.message_registrants judges it again and sends it."""

    liste_attente = forms.BooleanField(
        label="Écrire aussi aux personnes sur la liste d'attente", required=False
    )

    class Meta:
        model = EventMessage
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class CancelEventForm(forms.Form):
    """Why the event is cancelled, told to each registrant (optional)."""

    motif = forms.CharField(
        label="Motif, envoyé aux personnes inscrites",
        max_length=REASON_MAX,
        required=False,
        validators=[SingleLine("Le motif")],
    )


def _registrations(event: Event) -> list[Registration]:
    """The event's registrations in the organisers' order, each with `who` (the person),
    `rank` (on the waiting list) and `actions` (the page's action names offered now)."""
    now = timezone.now()
    ranks = {entry.pk: entry.rank for entry in selectors.waiting_list(event)}  # type: ignore[attr-defined]
    rows = list(selectors.registrations(event))
    for registration in rows:
        registration.event = event
        offered = services.organiser_actions(registration, now)
        registration.who = selectors.person_label(registration.user)  # type: ignore[attr-defined]
        registration.rank = ranks.get(registration.pk)  # type: ignore[attr-defined]
        registration.actions = {  # type: ignore[attr-defined]
            name for name, action in ACTIONS.items() if action.offered in offered
        }
    return rows


def event_page(
    request: SignedInRequest,
    event: Event,
    *,
    capacity_form: CapacityForm | None = None,
    error: ActionError | None = None,
) -> HttpResponse:
    """The organiser's page of `event` with its registrations and waiting list; 400 when it
    shows a refusal (`capacity_form`'s or `error`)."""
    rows = _registrations(event)
    capacity_form = capacity_form or CapacityForm(initial={"capacite": event.capacity})
    describe_errors(capacity_form)
    refused = bool(error or capacity_form.errors)
    return render(
        request,
        "manager/events/event.html",
        {
            **SECTION,
            "event": event,
            "seats": seats_state(event, timezone.now()),
            "registrations": rows,
            "waiting": [row for row in rows if row.rank],  # type: ignore[attr-defined]
            "capacity_form": capacity_form,
            "reason_fields": REASON_FIELDS,
            "error": error,
        },
        status=400 if refused else 200,
    )


@require_safe
@login_required
def event(request: SignedInRequest, pk: int) -> HttpResponse:
    """An event as its organiser sees it: what it is, its state, its registrations and
    waiting list, and what to do next."""
    return event_page(request, organised_event(request, pk))


@require_POST
@login_required
def registration_action(request: SignedInRequest, pk: int, rid: int, action: str) -> HttpResponse:
    """Accept, decline or cancel (with a reason) registration `rid` of event `pk`, or mark
    its person present or absent; 404 for a registration of another event."""
    event = organised_event(request, pk)
    if action not in ACTIONS:
        raise Http404("Cette action n'existe pas.")
    registration = get_object_or_404(
        Registration.objects.select_related("user"), pk=rid, event=event
    )
    chosen = ACTIONS[action]
    reason = request.POST.get("motif", "") if chosen.reason else ""
    try:
        chosen.call(request, registration, reason)
    except services.RegistrationRefused as refusal:
        return event_page(
            request, event, error=ActionError(registration.pk, action, str(refusal.message))
        )
    messages.success(request, chosen.done)
    return redirect("manager:event", pk=event.pk)


@require_POST
@login_required
def capacity(request: SignedInRequest, pk: int) -> HttpResponse:
    """Change the event's number of seats (raised: offered at once to the waiting list)."""
    event = organised_event(request, pk)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            services.change_capacity(request.user, event, form.cleaned_data["capacite"])
        except services.RegistrationRefused as refusal:
            form.add_error("capacite" if refusal.field == "capacity" else None, refusal.message)
        else:
            messages.success(request, "Nombre de places enregistré.")
            return redirect("manager:event", pk=event.pk)
    return event_page(request, event, capacity_form=form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def message(request: SignedInRequest, pk: int) -> HttpResponse:
    """Write to the event's registrants (and its waiting list, when asked): one email each."""
    event = organised_event(request, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.message_registrants(
                request.user,
                event,
                data["subject"],
                data["body"],
                waiting_list=data["liste_attente"],
            )
        except services.RegistrationRefused as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(
                request,
                f"Message envoyé à {count(sent.recipients, 'personne')}.",
            )
            return redirect("manager:event", pk=event.pk)
    describe_errors(form)
    return render(
        request,
        "manager/events/message.html",
        {**SECTION, "event": event, "form": form},
        status=400 if form.errors else 200,
    )


@require_safe
@login_required
def registrations_csv(request: SignedInRequest, pk: int) -> HttpResponse:
    """The event's registrations and waiting list as a CSV file (events.exports)."""
    event = organised_event(request, pk)
    response = HttpResponse(
        exports.registrations_csv(event), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.csv_filename(event)}"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def cancel_event(request: SignedInRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page, saying who will be told; POST with the confirmation:
    the event is cancelled, every registration with it, each person told."""
    event = organised_event(request, pk)
    form = CancelEventForm(request.POST or None)
    confirmed = request.method == "POST" and request.POST.get("confirmer") == "oui"
    if confirmed and form.is_valid():
        try:
            services.cancel_event(request.user, event, form.cleaned_data["motif"])
        except services.RegistrationRefused as refusal:
            form.add_error("motif" if refusal.field == "reason" else None, refusal.message)
        else:
            messages.success(
                request, "Événement annulé : les personnes inscrites en sont informées."
            )
            return redirect("manager:event", pk=event.pk)
    describe_errors(form)
    active = selectors.registrations(event, active_only=True)
    return render(
        request,
        "manager/events/cancel.html",
        {**SECTION, "event": event, "form": form, "people": active.count()},
        status=400 if form.errors else 200,
    )
