"""Emails (French) sent when a booking is made, approved, refused, cancelled, or is near."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from maillage.booking.calendar import calendar_of

SUBJECTS = {
    "made": "Votre réservation est confirmée",
    "pending": "Votre demande de réservation est enregistrée",
    "approved": "Votre réservation est acceptée",
    "refused": "Votre demande de réservation n'a pas été acceptée",
    "cancelled": "Votre réservation est annulée",
    "reminder": "Rappel : votre réservation demain",
    "series": "Vos réservations récurrentes sont enregistrées",
}


def _send(kind: str, bookings: list, recipient) -> None:
    first = bookings[0]
    context = {
        "kind": kind,
        "bookings": bookings,
        "booking": first,
        "user": recipient,
        "site_url": settings.MAILLAGE_SITE_URL,
    }
    subject = f"{SUBJECTS[kind]} — {first.space.place.name}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("booking/email/booking.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    method = "CANCEL" if kind in ("cancelled", "refused") else "PUBLISH"
    message.attach("reservation.ics", calendar_of(bookings, "Maillage", method), "text/calendar")
    message.send()


def booking_made(booking) -> None:
    _send("pending" if booking.status == "pending" else "made", [booking], booking.user)


def series_made(series, bookings) -> None:
    _send("series", bookings, series.user)


def booking_approved(booking) -> None:
    _send("approved", [booking], booking.user)


def booking_refused(booking) -> None:
    _send("refused", [booking], booking.user)


def booking_cancelled(booking) -> None:
    _send("cancelled", [booking], booking.user)


def send_reminders(now=None) -> int:
    """Remind everyone whose booking starts tomorrow (Paris time); safe to run twice: a
    booking is reminded once, marked in the same transaction as the email is queued."""
    from django.db import transaction

    from maillage.booking.models import Booking, BookingStatus

    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timezone.timedelta(days=1)
    sent = 0
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, reminder_sent_at__isnull=True, start__date=tomorrow
    ).select_related("space__place__commune", "user")
    for booking in due:
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=booking.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                _send("reminder", [booking], booking.user)
                sent += 1
    return sent
