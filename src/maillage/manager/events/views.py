"""The organisers' pages over their events (/gestion/ateliers/…): the list of the events they
organise, creating, editing and publishing one (their registrations: .registrations). Thin:
the form reads the request, events.organising writes; object-level rights first (someone who
does not organise the event is told «Vous n'organisez pas cet atelier.», 403)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.roles import has_departement_rights
from maillage.core.forms import attach
from maillage.events import organising, permissions
from maillage.events.agenda import seats_state
from maillage.events.models import Event, EventStatus, Organiser
from maillage.manager.events.forms import EventForm
from maillage.manager.places.forms import describe_errors
from maillage.places.permissions import MANAGERS_ONLY, can_use_manager_space

SECTION = {"manager_section": "events"}
# The most past events the list shows.
PAST_SHOWN = 50


def organised_event(request: SignedInRequest, pk: int) -> Event:
    """The event `pk` (its place and commune loaded), if `request.user` organises it: 404
    when there is none, 403 with «Vous n'organisez pas cet atelier.» when it is another's."""
    event = get_object_or_404(Event.objects.select_related("place__commune"), pk=pk)
    return permissions.require_organiser(request.user, event)


def _require_organiser_space(request: SignedInRequest) -> None:
    """403 with MANAGERS_ONLY for someone who neither manages a place nor is staff."""
    if not can_use_manager_space(request.user):
        raise PermissionDenied(MANAGERS_ONLY)


@require_safe
@login_required
def event_list(request: SignedInRequest) -> HttpResponse:
    """The events the user organises: those to come (drafts included) by start, each with
    how many registrations await approval («N à valider»), then the last PAST_SHOWN over,
    latest first; 403 for someone who manages no place."""
    _require_organiser_space(request)
    now = timezone.now()
    theirs = permissions.organised_events(request.user).select_related("place__commune")
    coming = list(theirs.filter(end__gt=now).with_awaiting().order_by("start", "pk"))
    for event in coming:
        event.seats = seats_state(event, now)  # type: ignore[attr-defined]
    past = theirs.filter(end__lte=now).order_by("-start", "-pk")[:PAST_SHOWN]
    return render(request, "manager/events/list.html", {**SECTION, "coming": coming, "past": past})


def _form_page(request: SignedInRequest, form: EventForm, event: Event | None) -> HttpResponse:
    describe_errors(form)
    return render(
        request,
        "manager/events/form.html",
        {**SECTION, "form": form, "event": event},
        status=400 if form.errors else 200,
    )


def _event_form(request: SignedInRequest, instance: Event) -> EventForm:
    places = organising.organisable_places(request.user)
    return EventForm(
        request.POST or None,
        instance=instance,
        places=places,
        departement=has_departement_rights(request.user),
    )


def _save(request: SignedInRequest, form: EventForm, event: Event | None, done: str):
    """Save a valid form's event through events.organising: a redirect to its page with
    `done`, or the form again with the service's refusal next to its fields (400)."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = organising.save_event(request.user, form.instance)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, done)
            return redirect("manager:event", pk=saved.pk)
    return _form_page(request, form, event)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def add_event(request: SignedInRequest) -> HttpResponse:
    """A new event, saved as a draft, in a place the user manages (any place, and for the
    Département, for staff); 403 for someone who manages no place."""
    _require_organiser_space(request)
    form = _event_form(request, Event(organiser=Organiser.PLACE))
    return _save(
        request,
        form,
        None,
        "Brouillon enregistré : publiez-le pour l'afficher dans l'agenda et ouvrir les "
        "inscriptions.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit_event(request: SignedInRequest, pk: int) -> HttpResponse:
    """An event's description, dates and rules (those a published event keeps are shown,
    not editable); a cancelled event is not edited."""
    event = organised_event(request, pk)
    if event.status == EventStatus.CANCELLED:
        messages.error(request, "Cet événement est annulé : il ne se modifie plus.")
        return redirect("manager:event", pk=event.pk)
    return _save(request, _event_form(request, event), event, "Événement enregistré.")


@require_POST
@login_required
def publish_event(request: SignedInRequest, pk: int) -> HttpResponse:
    """Publish a draft (events.organising.publish); its refusal is shown on the event's
    page."""
    event = organised_event(request, pk)
    try:
        organising.publish(request.user, event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Événement publié : il est dans l'agenda.")
    return redirect("manager:event", pk=event.pk)
