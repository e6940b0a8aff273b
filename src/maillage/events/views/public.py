"""The public pages of the events: the agenda with its filters, each event's page, and the
agenda's iCalendar feeds (every event, or one place's)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from maillage.booking.price_lines import price_line
from maillage.core.paging import page_of
from maillage.eligibility.selectors import children_of
from maillage.events import agenda, selectors
from maillage.events.calendar import FEED_KEEPS_PAST, calendar_of
from maillage.events.forms import SeatsForm
from maillage.events.models import Event
from maillage.events.presentation import state_of
from maillage.events.price_lines import registered_prices
from maillage.places.models import Place

EVENTS_PER_PAGE = 20


@require_safe
def agenda_page(request: HttpRequest) -> HttpResponse:
    """The coming events, filtered as the URL says (AgendaFilter); invalid filters show no
    event and say why, next to each filter."""
    now = timezone.now()
    form = agenda.AgendaFilter(request.GET, timezone.localdate(now))
    events = form.select(agenda.coming(now)) if form.is_valid() else Event.objects.none()
    page = page_of(request, events, EVENTS_PER_PAGE)
    for event in page:
        event.seats = agenda.seats_state(event, now)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/agenda.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "shows_fictional": any(event.place.is_fictional for event in page),
        },
        status=400 if form.errors else 200,
    )


def public_event(pk: int) -> Event:
    """The published (or cancelled) event `pk` in a place of the active département, its
    place and commune loaded; 404 otherwise (a draft included)."""
    return get_object_or_404(agenda.public_events(), pk=pk)


@require_safe
def event_page(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    """An event's page, with the signed-in person's registration or the form to register;
    its short address (no slug, as emails give it) or one with another slug (the title
    changed) is sent to the event's own address."""
    event = public_event(pk)
    if slug != event.slug:
        return redirect(event, permanent=True)
    return render(request, "events/event.html", event_context(request, event))


def event_context(
    request: HttpRequest, event: Event, form: SeatsForm | None = None
) -> dict[str, object]:
    """What the event's page shows: the event, its seats, and for a signed-in person the
    states and prices of their registrations (theirs, their children's) and, when they may
    register someone not registered yet, the form (for whom, when they hold child
    profiles) with the price of one seat for each one it offers. `form`: the one posted,
    its refusal shown above whatever the page then offers."""
    now = timezone.now()
    seats = agenda.seats_state(event, now)
    context: dict[str, object] = {
        "event": event,
        "place": event.place,
        "seats": seats,
        "shows_fictional": event.place.is_fictional,
    }
    if form is not None and form.errors:
        context["refused"] = form
    user = request.user
    registrations = selectors.current_registrations(user, event)
    prices = registered_prices(registrations, for_person=True)
    for registration in registrations:
        registration.event = event
        registration.state = state_of(registration, now)  # type: ignore[attr-defined]
        registration.price_text = prices[registration.pk]  # type: ignore[attr-defined]
    context["registrations"] = registrations
    if seats.can_register and user.is_authenticated:
        taken = {registration.child_id for registration in registrations}
        children = [child for child in children_of(user) if child.pk not in taken]
        if None not in taken or children:
            context["form"] = form or SeatsForm(
                event=event, children=children, myself=None not in taken
            )
            if not event.is_free:
                # The price for one seat for each beneficiary the form offers (a child's pass
                # pays its share of the child's).
                whom: list[tuple[int | None, str]] = []
                if None not in taken:
                    whom.append((None, "Votre prix pour une place"))
                whom += [(c.pk, f"Prix pour une place pour {c.first_name}") for c in children]
                context["price_lines"] = [
                    (label, price_line(selectors.quote_for(user, event, 1, now, child_id)))
                    for child_id, label in whom
                ]
    return context


def _feed(events, name: str) -> HttpResponse:
    response = HttpResponse(calendar_of(events, name), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    """Every published event not over for a month, as an iCalendar feed."""
    events = agenda.coming(timezone.now() - FEED_KEEPS_PAST)
    return _feed(events, "Ateliers et événements des tiers-lieux")


@require_safe
def place_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """The published events of one place not over for a month, as an iCalendar feed; 404
    for a place unknown or outside the active département."""
    place = get_object_or_404(
        Place.objects.in_departement(settings.MAILLAGE_DEPARTEMENT), slug=slug
    )
    events = agenda.coming(timezone.now() - FEED_KEEPS_PAST).filter(place=place)
    return _feed(events, f"Ateliers — {place.name}")
