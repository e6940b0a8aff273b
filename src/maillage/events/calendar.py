"""The agenda as an iCalendar feed (RFC 5545) calendar applications subscribe to, and a
person's registrations in their own feed (booking.calendar's, which carries them as a
source: registrations_of, registered in EventsConfig.ready).

One VEVENT per published event, UID `event-<id>@…`; times in UTC (no VTIMEZONE needed, RFC
5545 §3.3.5); a cancelled event stays in the feed with STATUS:CANCELLED, so that subscribed
calendars drop it. In a person's feed, one VEVENT per registration registered or awaiting
approval, UID `registration-<id>@…` (a parent's and their child's registrations for one
event are two). Text is put on one line where a line break would break the format.
"""

from collections.abc import Iterable
from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Event as VEvent

from maillage.accounts.models import User
from maillage.booking.calendar import UID_DOMAIN, new_calendar
from maillage.core.text import single_line
from maillage.events.models import Event, EventStatus, Organiser, Registration, RegistrationStatus

# How long the feeds keep an event once it is over: a subscribed calendar keeps the recent ones.
FEED_KEEPS_PAST = timedelta(days=31)


def uid_of(event: Event) -> str:
    """The event's UID, stable for its whole life."""
    return f"event-{event.pk}@{UID_DOMAIN}"


def organiser_name(event: Event) -> str:
    """«le Département» or the place's name: who organises `event`."""
    return "le Département" if event.organiser == Organiser.DEPARTEMENT else event.place.name


def _vevent(
    event: Event, uid: str | None = None, title: str | None = None, status: str | None = None
) -> VEvent:
    """`event` as a VEVENT: its own UID, title and status unless given."""
    place = event.place
    vevent = VEvent()
    vevent.add("uid", uid or uid_of(event))
    # Without METHOD, DTSTAMP is when the event was last revised (RFC 5545 §3.8.7.2).
    vevent.add("dtstamp", event.updated_at.astimezone(UTC))
    vevent.add("last-modified", event.updated_at.astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(UTC))
    vevent.add("dtend", event.end.astimezone(UTC))
    vevent.add("summary", single_line(title or event.title))
    vevent.add(
        "location",
        single_line(f"{place.name}, {place.address}, {place.postal_code} {place.commune.name}"),
    )
    vevent.add("geo", (place.latitude, place.longitude))
    vevent.add("url", f"{settings.MAILLAGE_SITE_URL}{event.get_absolute_url()}")
    vevent.add(
        "description",
        f"Organisé par {single_line(organiser_name(event))}.\n\n{event.description}".strip(),
    )
    if status is None:
        status = "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED"
    vevent.add("status", status)
    return vevent


def registrations_of(person: User) -> list[VEvent]:
    """`person`'s registrations registered or awaiting approval (TENTATIVE) for published
    events not over more than FEED_KEEPS_PAST ago, as their own feed's VEVENTs; «pour
    Lucas» in the title of a child's. One query."""
    registrations = (
        Registration.objects.filter(
            user=person,
            status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.AWAITING_APPROVAL],
            event__status=EventStatus.PUBLISHED,
            event__end__gt=timezone.now() - FEED_KEEPS_PAST,
        )
        .select_related("event__place__commune", "child")
        .order_by("event__start", "pk")
    )
    vevents = []
    for registration in registrations:
        event, child = registration.event, registration.child
        vevents.append(
            _vevent(
                event,
                uid=f"registration-{registration.pk}@{UID_DOMAIN}",
                title=f"{event.title} — pour {child.first_name}" if child else None,
                status=(
                    "TENTATIVE"
                    if registration.status == RegistrationStatus.AWAITING_APPROVAL
                    else "CONFIRMED"
                ),
            )
        )
    return vevents


def calendar_of(events: Iterable[Event], name: str) -> bytes:
    """A subscribed feed of `events` (their place and commune loaded), `name` shown by the
    calendar application."""
    calendar = new_calendar(name)
    for event in events:
        calendar.add_component(_vevent(event))
    feed: bytes = calendar.to_ical()  # untyped in icalendar
    return feed
