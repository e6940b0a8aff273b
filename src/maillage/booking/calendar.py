"""iCalendar (RFC 5545) for bookings: one event per booking, for emails and feeds."""

from collections.abc import Iterable
from datetime import UTC

from django.conf import settings
from icalendar import Calendar, Event

from maillage.booking.models import Booking, BookingStatus

PRODID = "-//Maillage//Reservations tiers-lieux//FR"
UID_DOMAIN = "maillage.fr"


def _event(booking: Booking) -> Event:
    place = booking.space.place
    event = Event()
    event.add("uid", f"booking-{booking.pk}@{UID_DOMAIN}")
    # UTC times need no VTIMEZONE component (RFC 5545 §3.3.5); calendars show them locally.
    event.add("dtstamp", booking.updated_at.astimezone(UTC))
    event.add("dtstart", booking.start.astimezone(UTC))
    event.add("dtend", booking.end.astimezone(UTC))
    event.add("summary", f"{booking.space.name} — {place.name}")
    event.add("location", f"{place.address}, {place.postal_code} {place.commune.name}")
    seats = (
        "" if booking.exclusive else f", {booking.seats} poste{'s' if booking.seats > 1 else ''}"
    )
    event.add(
        "description",
        f"Réservation {booking.get_status_display().lower()} : {booking.space.name}{seats}. "
        f"Vos réservations : {settings.MAILLAGE_SITE_URL}/reservations/",
    )
    event.add("geo", (place.latitude, place.longitude))
    event.add("sequence", int(booking.updated_at.timestamp()))
    cancelled = booking.status in (
        BookingStatus.CANCELLED,
        BookingStatus.REFUSED,
        BookingStatus.EXPIRED,
    )
    event.add(
        "status",
        "CANCELLED"
        if cancelled
        else ("TENTATIVE" if booking.status == BookingStatus.PENDING else "CONFIRMED"),
    )
    return event


def calendar_of(bookings: Iterable[Booking], name: str, method: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    if method:
        calendar.add("method", method)
    for booking in bookings:
        calendar.add_component(_event(booking))
    return calendar.to_ical()
