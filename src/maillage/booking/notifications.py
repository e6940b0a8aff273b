"""Emails (French, with an .ics) when a booking is made, decided, cancelled, or is near.

Services queue them inside their transaction; `deliver_pending` sends them (for a worker:
`maillage send_emails --every 10`, or after the reminders of `maillage send_reminders`).
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from maillage.booking import sql
from maillage.booking.calendar import calendar_of
from maillage.booking.models import Booking, BookingEmail, BookingStatus

SUBJECTS = {
    "made": "Votre réservation est confirmée",
    "pending": "Votre demande de réservation est enregistrée",
    "approved": "Votre réservation est acceptée",
    "refused": "Votre demande de réservation n'a pas été acceptée",
    "cancelled": "Votre réservation est annulée",
    "reminder": "Rappel : votre réservation demain",
    "series": "Vos réservations récurrentes sont enregistrées",
    "series_pending": "Vos demandes de réservation récurrente sont enregistrées",
}
# When an email is about several bookings.
PLURAL_SUBJECTS = {"cancelled": "Vos réservations sont annulées"}
MAX_ATTEMPTS = 5
BATCH = 100


def queue(kind: str, bookings: list[Booking], user) -> None:
    sql.insert_email(kind, user.pk, [b.pk for b in bookings], timezone.now())


def booking_made(booking: Booking) -> None:
    queue("pending" if booking.status == BookingStatus.PENDING else "made", [booking], booking.user)


def series_made(series, bookings: list[Booking]) -> None:
    pending = bookings[0].status == BookingStatus.PENDING
    queue("series_pending" if pending else "series", bookings, series.user)


def booking_approved(booking: Booking) -> None:
    queue("approved", [booking], booking.user)


def booking_refused(booking: Booking) -> None:
    queue("refused", [booking], booking.user)


def booking_cancelled(booking: Booking) -> None:
    queue("cancelled", [booking], booking.user)


def _message(email: BookingEmail) -> EmailMultiAlternatives:
    bookings = list(email.bookings.select_related("space__place__commune").order_by("start"))
    first = bookings[0]
    subject = SUBJECTS[email.kind]
    if len(bookings) > 1:
        subject = PLURAL_SUBJECTS.get(email.kind, subject)
    context = {
        "kind": email.kind,
        "bookings": bookings,
        "booking": first,
        "user": email.user,
        "site_url": settings.MAILLAGE_SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=f"{subject} — {first.space.place.name}",
        body=render_to_string("booking/email/booking.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.user.email],
    )
    method = "CANCEL" if email.kind in ("cancelled", "refused") else "PUBLISH"
    message.attach("reservation.ics", calendar_of(bookings, "Maillage", method), "text/calendar")
    return message


def deliver_pending(now=None) -> int:
    """Send the queued emails; several workers may run (rows are locked, others skipped).
    A failing email is retried at the next run, at most MAX_ATTEMPTS times."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                BookingEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                .select_for_update(skip_locked=True)
                .select_related("user")
                .order_by("pk")[:BATCH]
            )
            for email in batch:
                try:
                    _message(email).send()
                except Exception as error:  # noqa: BLE001 — kept for the next attempt
                    email.attempts += 1
                    email.last_error = repr(error)[:1000]
                else:
                    email.sent_at = now
                    sent += 1
                email.save(update_fields=["sent_at", "attempts", "last_error"])
        if len(batch) < BATCH:
            return sent


def queue_reminders(now=None) -> int:
    """Queue a reminder for each confirmed booking starting tomorrow (Paris time); safe to run
    twice: a booking is reminded once, marked in the same transaction."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    queued = 0
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED, reminder_sent_at__isnull=True, start__date=tomorrow
    ).select_related("user")
    for booking in due:
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=booking.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if claimed:
                queue("reminder", [booking], booking.user)
                queued += 1
    return queued
