"""iCalendar for bookings: subscribed feeds (RFC 5545) and the scheduling messages emails
carry (iTIP, RFC 5546, sent as iMIP, RFC 6047).

A booking is one event, UID `booking-<id>@…`; a weekly series is one recurring event, UID
`series-<id>@…`, whose dates are listed (RDATE). Times are in UTC, which needs no VTIMEZONE
(RFC 5545 §3.3.5); calendars show them locally. One booking downloaded as a file
(booking_file) is in Paris time, with its VTIMEZONE, as it is booked. Text is escaped by
`icalendar`; names that go where a line break would break the format are put on one line
first.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress

from maillage.accounts.models import User
from maillage.booking.models import HOLDING_STATUSES, Booking, BookingStatus
from maillage.core.text import single_line

PRODID = "-//Maillage//Reservations tiers-lieux//FR"
UID_DOMAIN = "maillage.fr"

REQUEST = "REQUEST"
CANCEL = "CANCEL"
# Statuses whose event is gone from the person's calendar.
ENDED_STATUSES = (BookingStatus.CANCELLED, BookingStatus.REFUSED, BookingStatus.EXPIRED)
PARIS = ZoneInfo("Europe/Paris")


def uid_of(booking: Booking) -> str:
    """The event's UID: the series' for a date of a series, else the booking's."""
    if booking.series_id:
        return f"series-{booking.series_id}@{UID_DOMAIN}"
    return f"booking-{booking.pk}@{UID_DOMAIN}"


def _utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)


def _describe(event: Event, booking: Booking, zone: tzinfo = UTC) -> None:
    """What every event of this booking says: place, space, times (in `zone`). Text is put
    on one line: RFC 5545 TEXT admits no control character, and a title holds one line."""
    place = booking.space.place
    space_name, place_name = single_line(booking.space.name), single_line(place.name)
    event.add("dtstart", booking.start.astimezone(zone))
    event.add("dtend", booking.end.astimezone(zone))
    event.add("summary", f"{space_name} — {place_name}")
    event.add(
        "location",
        single_line(f"{place.address}, {place.postal_code} {place.commune.name}"),
    )
    seats = (
        "" if booking.exclusive else f", {booking.seats} poste{'s' if booking.seats > 1 else ''}"
    )
    event.add(
        "description",
        f"Réservation : {space_name}{seats}. "
        f"Vos réservations : {settings.MAILLAGE_SITE_URL}/reservations/",
    )
    event.add("geo", (place.latitude, place.longitude))


def _feed_status(booking: Booking) -> str:
    if booking.status in ENDED_STATUSES:
        return "CANCELLED"
    return "TENTATIVE" if booking.status == BookingStatus.PENDING else "CONFIRMED"


def _feed_event(booking: Booking, zone: tzinfo = UTC) -> Event:
    event = Event()
    event.add("uid", f"booking-{booking.pk}@{UID_DOMAIN}")
    # Without METHOD, DTSTAMP is when the event was last revised (RFC 5545 §3.8.7.2).
    event.add("dtstamp", _utc(booking.updated_at))
    _describe(event, booking, zone)
    event.add("sequence", booking.ical_sequence)
    event.add("status", _feed_status(booking))
    return event


def new_calendar(name: str, method: str | None = None) -> Calendar:
    """An empty VCALENDAR of the platform, `name` shown by calendar applications (any text:
    it is put on one line), with the iTIP `method` when it carries one (REQUEST, CANCEL)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    # X-WR-CALNAME is not escaped like text: a line break in a place's name would break it.
    calendar.add("x-wr-calname", single_line(name))
    calendar.add("x-wr-timezone", "Europe/Paris")
    if method:
        calendar.add("method", method)
    return calendar


def calendar_of(bookings: Iterable[Booking], name: str) -> bytes:
    """A subscribed feed (RFC 5545, no METHOD): one event per booking, `name` shown by the
    calendar application (any text: it is put on one line)."""
    calendar = new_calendar(name)
    for booking in bookings:
        calendar.add_component(_feed_event(booking))
    feed: bytes = calendar.to_ical()  # untyped in icalendar
    return feed


def booking_file(booking: Booking) -> bytes:
    """One booking as an iCalendar file to open or import (RFC 5545, no METHOD): its single
    VEVENT is the one the person's feed carries (same UID, `booking-<id>@…`, so importing it
    again updates it), its times in Paris time with the Europe/Paris VTIMEZONE."""
    calendar = new_calendar("Maillage")
    calendar.add_component(_feed_event(booking, PARIS))
    # The time zone's rules over the booking's year only, not every change since 1970.
    calendar.add_missing_timezones(
        first_date=(booking.start.astimezone(PARIS) - timedelta(days=366)).date(),
        last_date=(booking.end.astimezone(PARIS) + timedelta(days=366)).date(),
    )
    ics: bytes = calendar.to_ical()  # untyped in icalendar
    return ics


# What higher apps add to a person's own feed (events: their registrations), registered in
# their AppConfig.ready: each takes the person and gives its VEVENTs (UIDs of its own).
PersonFeedSource = Callable[[User], Iterable[Event]]
_person_sources: dict[str, PersonFeedSource] = {}


def register_person_source(name: str, source: PersonFeedSource) -> None:
    """Have the person's feed (person_calendar) also carry `source`'s events; `name` keeps
    one source per app (registering again replaces it)."""
    _person_sources[name] = source


def person_calendar(person: User, bookings: Iterable[Booking], name: str) -> bytes:
    """`person`'s subscribed feed: one event per booking (as calendar_of) and the events of
    every registered source (register_person_source), `name` shown by the application."""
    calendar = new_calendar(name)
    for booking in bookings:
        calendar.add_component(_feed_event(booking))
    for source in _person_sources.values():
        for event in source(person):
            calendar.add_component(event)
    feed: bytes = calendar.to_ical()  # untyped in icalendar
    return feed


def organizer_address() -> str:
    """The platform's address (DEFAULT_FROM_EMAIL without its display name)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


@dataclass(frozen=True)
class Invitation:
    """The iTIP message of one email: its METHOD (REQUEST or CANCEL, also the MIME
    `method=` parameter) and the text/calendar body (UTF-8 bytes)."""

    method: str
    ics: bytes


def _parties(event: Event, booking: Booking, method: str) -> None:
    organizer = vCalAddress(f"mailto:{organizer_address()}")
    organizer.params["cn"] = single_line(booking.space.place.name)
    event.add("organizer", organizer)
    person = booking.user
    attendee = vCalAddress(f"mailto:{person.email}")
    if name := single_line(person.get_full_name()):
        attendee.params["cn"] = name
    attendee.params["cutype"] = "INDIVIDUAL"
    attendee.params["role"] = "REQ-PARTICIPANT"
    # The person asked for it: nothing to answer.
    attendee.params["rsvp"] = "FALSE"
    if method == REQUEST:
        attendee.params["partstat"] = "ACCEPTED"
    event.add("attendee", attendee)


def _base(booking: Booking, method: str, sequence: int, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", uid_of(booking))
    event.add("dtstamp", _utc(stamp))
    event.add("sequence", sequence)
    _parties(event, booking, method)
    return event


def _one_event(bookings: list[Booking]) -> None:
    if len({uid_of(b) for b in bookings}) != 1:
        raise ValueError("An iTIP message is about one event (one UID).")


def request(bookings: list[Booking], sequence: int, stamp: datetime) -> Invitation:
    """METHOD:REQUEST for the event of `bookings` (one booking, or the dates still held of
    one series, earliest first): the calendar adds it or replaces the earlier version
    (lower SEQUENCE). TENTATIVE while the place has not decided; in a series with dates
    decided and dates awaiting a decision, the event is CONFIRMED and each date awaiting
    one is an instance (RECURRENCE-ID) that stays TENTATIVE."""
    first = bookings[0]
    _one_event(bookings)
    undecided = [b for b in bookings if b.status == BookingStatus.PENDING]
    tentative = len(undecided) == len(bookings)
    event = _tentative_or_confirmed(first, sequence, stamp, tentative)
    if len(bookings) > 1:
        event.add("rdate", [_utc(b.start) for b in bookings[1:]])
    calendar = new_calendar("Maillage", REQUEST)
    calendar.add_component(event)
    if not tentative:
        for booking in undecided:
            instance = _tentative_or_confirmed(booking, sequence, stamp, True)
            instance.add("recurrence-id", _utc(booking.start))
            calendar.add_component(instance)
    return Invitation(REQUEST, calendar.to_ical())


def _tentative_or_confirmed(
    booking: Booking, sequence: int, stamp: datetime, tentative: bool
) -> Event:
    event = _base(booking, REQUEST, sequence, stamp)
    _describe(event, booking)
    event.add("status", "TENTATIVE" if tentative else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def cancel(
    cancelled: list[Booking], sequence: int, stamp: datetime, *, whole_event: bool
) -> Invitation:
    """METHOD:CANCEL with the UID of `cancelled` (one booking, or dates of one series).
    `whole_event`: the event goes (a booking, or a series none of whose dates holds any
    longer); otherwise each cancelled date of the series is an instance (RECURRENCE-ID)."""
    _one_event(cancelled)
    calendar = new_calendar("Maillage", CANCEL)
    targets = cancelled[:1] if whole_event else cancelled
    for booking in targets:
        event = _base(booking, CANCEL, sequence, stamp)
        _describe(event, booking)
        if not whole_event:
            event.add("recurrence-id", _utc(booking.start))
        event.add("status", "CANCELLED")
        calendar.add_component(event)
    return Invitation(CANCEL, calendar.to_ical())


def still_held(bookings: Iterable[Booking]) -> list[Booking]:
    """The bookings that still hold their slot, earliest first."""
    return sorted((b for b in bookings if b.status in HOLDING_STATUSES), key=lambda b: b.start)
