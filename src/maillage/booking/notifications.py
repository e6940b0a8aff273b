"""Emails (French) when a booking is made, decided, cancelled, or is near, to the person who
booked (with the event as an iTIP message their calendar applies: RFC 5546 over iMIP,
RFC 6047), and to the place's managers when a request awaits them or a person cancels. A
walk-in's booking (made by a manager for a person without an account) emails no one but the
place's other managers, when it is cancelled.

Services queue them inside their transaction (`queue` and the functions named after the
change) in core's outbox (topic "booking", with a `BookingEmail` saying which bookings it
tells of); the task worker delivers them, building each with `message_of` from the database
as it is then (see core.outbox). Reminders are queued by a periodic task (booking.tasks).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEText
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import User
from maillage.booking import calendar, sql
from maillage.booking.lifecycle import cancellation_deadline
from maillage.booking.models import (
    Booking,
    BookingQuerySet,
    BookingSeries,
    BookingStatus,
    ManagerEmails,
)
from maillage.booking.price_lines import booked_prices
from maillage.core import outbox
from maillage.core.links import PageLink
from maillage.core.models import OutboundEmail
from maillage.core.text import single_line
from maillage.places.models import Place

TOPIC = "booking"


@dataclass(frozen=True)
class Kind:
    """What an email kind says and carries.

    `method`: the iTIP method of the attached event (REQUEST, CANCEL) or None (no event);
    `changes_event`: queueing it raises the event's SEQUENCE; `confirms`: the booking holds,
    so the email gives the cancellation deadline; `for_managers`: sent to the place's
    managers rather than to the person who booked."""

    subject: str
    plural_subject: str
    method: str | None
    changes_event: bool = False
    confirms: bool = False
    for_managers: bool = False


KINDS = {
    "made": Kind(
        "Votre réservation est confirmée",
        "Vos réservations sont confirmées",
        calendar.REQUEST,
        confirms=True,
    ),
    "pending": Kind(
        "Votre demande de réservation est enregistrée",
        "Vos demandes de réservation sont enregistrées",
        calendar.REQUEST,
    ),
    "approved": Kind(
        "Votre réservation est acceptée",
        "Vos réservations sont acceptées",
        calendar.REQUEST,
        changes_event=True,
        confirms=True,
    ),
    "refused": Kind(
        "Votre demande de réservation n'a pas été acceptée",
        "Vos demandes de réservation n'ont pas été acceptées",
        calendar.CANCEL,
        changes_event=True,
    ),
    "cancelled": Kind(
        "Votre réservation est annulée",
        "Vos réservations sont annulées",
        calendar.CANCEL,
        changes_event=True,
    ),
    "reminder": Kind(
        "Rappel : votre réservation demain",
        "Rappel : vos réservations demain",
        calendar.REQUEST,
        confirms=True,
    ),
    "series": Kind(
        "Vos réservations récurrentes sont enregistrées",
        "Vos réservations récurrentes sont enregistrées",
        calendar.REQUEST,
        confirms=True,
    ),
    "series_pending": Kind(
        "Vos demandes de réservation récurrente sont enregistrées",
        "Vos demandes de réservation récurrente sont enregistrées",
        calendar.REQUEST,
    ),
    "manager_request": Kind(
        "Nouvelle demande de réservation à valider",
        "Nouvelles demandes de réservation à valider",
        None,
        for_managers=True,
    ),
    "manager_cancelled": Kind(
        "Réservation annulée",
        "Réservations annulées",
        None,
        for_managers=True,
    ),
    "manager_digest": Kind(
        "Récapitulatif du jour",
        "Récapitulatif du jour",
        None,
        for_managers=True,
    ),
}


def _event_group(booking: Booking) -> BookingQuerySet:
    """The bookings that make one calendar event with this one (its series, or itself)."""
    if booking.series_id:
        return Booking.objects.filter(series_id=booking.series_id)
    return Booking.objects.filter(pk=booking.pk)


def _raise_sequence(bookings: list[Booking]) -> None:
    """The event of `bookings` changed: their SEQUENCE becomes one more than the event's
    highest (a series' event has the highest of its dates)."""
    for uid_bookings in _by_event(bookings).values():
        group = _event_group(uid_bookings[0])
        current = group.aggregate(top=Max("ical_sequence"))["top"] or 0
        Booking.objects.filter(pk__in=[b.pk for b in uid_bookings]).update(
            ical_sequence=current + 1
        )
        for booking in uid_bookings:
            booking.ical_sequence = current + 1


def _by_event(bookings: list[Booking]) -> dict[str, list[Booking]]:
    events: dict[str, list[Booking]] = {}
    for booking in bookings:
        events.setdefault(calendar.uid_of(booking), []).append(booking)
    return events


def queue(kind: str, bookings: list[Booking], user: User) -> None:
    """Queue an email of `kind` (a key of KINDS) about `bookings` (of one space; a digest's,
    of one place) to `user`, in the caller's transaction."""
    if KINDS[kind].changes_event:
        _raise_sequence(bookings)
    email = outbox.queue(TOPIC, user.email, user=user)
    assert email is not None  # only a throttled email is refused; these are not
    sql.insert_email(email.pk, kind, [b.pk for b in bookings])


# The ManagerEmails switch of each kind sent to managers as things happen.
MANAGER_SWITCHES = {"manager_request": "new_requests", "manager_cancelled": "cancellations"}
# The managers' bookings page of a place, by its slug: the managers' workspace registers it.
MANAGER_BOOKINGS_PAGE = PageLink("a place's bookings for its managers")


def _tell_managers(kind: str, bookings: list[Booking], but: int | None = None) -> None:
    """Queue `kind` to each active manager of the bookings' place who has not switched it
    off (ManagerEmails), but the one (if any) who made the change and knows of it (`but`:
    their id)."""
    place = bookings[0].space.place
    switched_off = ManagerEmails.objects.filter(place=place, **{MANAGER_SWITCHES[kind]: False})
    managers = place.managers.filter(is_active=True).exclude(pk__in=switched_off.values("user_id"))
    if but is not None:
        managers = managers.exclude(pk=but)
    for manager in managers:
        queue(kind, bookings, manager)


def booking_made(booking: Booking) -> None:
    """A booking was made: confirmed, or a request the place's managers are told of."""
    if booking.status == BookingStatus.PENDING:
        queue("pending", [booking], booking.user)
        _tell_managers("manager_request", [booking])
    else:
        queue("made", [booking], booking.user)


def series_made(series: BookingSeries, bookings: list[Booking]) -> None:
    """A weekly series was made (`bookings`: its dates): one email for them all."""
    if bookings[0].status == BookingStatus.PENDING:
        queue("series_pending", bookings, series.user)
        _tell_managers("manager_request", bookings)
    else:
        queue("series", bookings, series.user)


def booking_approved(booking: Booking) -> None:
    """A request was accepted: the event becomes confirmed (higher SEQUENCE)."""
    queue("approved", [booking], booking.user)


def booking_refused(booking: Booking) -> None:
    """A request was refused: its event is cancelled (the person may have added it)."""
    queue("refused", [booking], booking.user)


def bookings_cancelled(bookings: list[Booking]) -> None:
    """Cancelled bookings of one person (one, or dates of one series): they are told (not a
    walk-in, who has no account), and so is every manager of the place but the one who
    cancelled them."""
    if not bookings[0].is_walk_in:
        queue("cancelled", bookings, bookings[0].user)
    _tell_managers("manager_cancelled", bookings, but=bookings[0].cancelled_by_id)


def booking_cancelled(booking: Booking) -> None:
    """One booking was cancelled (see bookings_cancelled)."""
    bookings_cancelled([booking])


def _invitation(kind: Kind, bookings: list[Booking], stamp: datetime) -> calendar.Invitation | None:
    """The iTIP message about `bookings` (one event) as the database says now, or None."""
    if kind.method is None:
        return None
    group = list(_event_group(bookings[0]).select_related("space__place__commune", "user"))
    sequence = max(b.ical_sequence for b in group)
    held = calendar.still_held(group)
    if kind.method == calendar.CANCEL:
        return calendar.cancel(bookings, sequence, stamp, whole_event=not held)
    if not held:  # every date was cancelled before this email left: a CANCEL follows
        return None
    return calendar.request(held, sequence, stamp)


def _imip_part(invitation: calendar.Invitation) -> SafeMIMEText:
    """The text/calendar part (RFC 6047 §2.4): its `method` parameter equals METHOD."""
    part = SafeMIMEText(invitation.ics.decode(), "calendar", "utf-8")
    part.set_param("method", invitation.method)
    part.add_header("Content-Disposition", "attachment", filename="reservation.ics")
    return part


def place_contact(place: Place) -> str:
    """How to reach a place, for text telling someone to contact it: «01 23 45 67 89,
    contact@lieu.fr», one of them, or "" when the place gave neither."""
    return ", ".join(part for part in (place.phone, place.email) if part)


def _person(booking: Booking) -> str:
    """How managers see who a booking is for: «Camille Martin (camille@…)», the address
    alone, or a walk-in's «Jeanne Roux (06 12 34 56 78, sur place)»; on one line."""
    if booking.is_walk_in:
        return single_line(f"{booking.walk_in_name} ({booking.walk_in_contact}, sur place)")
    name = single_line(booking.user.get_full_name())
    return f"{name} ({booking.user.email})" if name else booking.user.email


def _context(
    email: OutboundEmail,
    kind: Kind,
    bookings: list[Booking],
    invitation: calendar.Invitation | None,
    now: datetime,
) -> dict[str, object]:
    first = bookings[0]
    place = first.space.place
    cancel_until = cancellation_deadline(first.start, place.cancellation_notice_hours)
    site = settings.MAILLAGE_SITE_URL
    prices = booked_prices(bookings, for_person=not kind.for_managers)
    for booking in bookings:
        booking.price_text = prices[booking.pk]  # type: ignore[attr-defined]
        # A digest's lines name each space and person, on one line each.
        booking.space_text = single_line(booking.space.name)  # type: ignore[attr-defined]
        booking.person_text = _person(booking)  # type: ignore[attr-defined]
    return {
        "kind": email.booking_email.kind,
        "bookings": bookings,
        "booking": first,
        "several": len(bookings) > 1,
        "place": place,
        "contact": place_contact(place),
        # Names on one line: a control character has no place in an email's text either.
        "place_name": single_line(place.name),
        # «Place — Space», as the pages name it (an email is of one space; a digest's lines
        # name theirs under the place's name).
        "space_title": single_line(first.space.full_name),
        "user": email.user,
        "booker": _person(first),
        "cancelled_by_booker": first.cancelled_by_person,
        "confirms": kind.confirms,
        "for_managers": kind.for_managers,
        "event_attached": invitation is not None and invitation.method == calendar.REQUEST,
        "event_removed": invitation is not None and invitation.method == calendar.CANCEL,
        "notice_hours": place.cancellation_notice_hours,
        "cancel_until": cancel_until,
        # A reminder may leave after the deadline: it then says so.
        "late": len(bookings) == 1 and now > cancel_until,
        "my_bookings_url": site + reverse("booking:my_bookings"),
        "manager_url": site + MANAGER_BOOKINGS_PAGE(place.slug),
        "site_url": site,
    }


def message_of(email: OutboundEmail, now: datetime) -> EmailMultiAlternatives:
    """The email to send for a queued outbox row (topic "booking") at `now`, built from the
    database as it is."""
    about = email.booking_email
    kind = KINDS[about.kind]
    bookings = list(
        about.bookings.select_related("space__place__commune", "user").order_by("start")
    )
    first = bookings[0]
    invitation = _invitation(kind, bookings, email.created_at)
    subject = kind.plural_subject if len(bookings) > 1 else kind.subject
    message = EmailMultiAlternatives(
        # A header holds one line: a place's name could hold a line break.
        subject=single_line(f"{subject} — {first.space.place.name}"),
        body=render_to_string(
            "booking/email/booking.txt", _context(email, kind, bookings, invitation, now)
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.address],
    )
    if invitation is not None:
        message.attach(_imip_part(invitation))
    return message


def queue_reminders(now: datetime | None = None) -> int:
    """Queue a reminder for each confirmed booking starting tomorrow (Paris time), but a
    walk-in's (no account to write to) and those of people who turned reminders off
    (User.remind_bookings); safe to run twice: a booking is reminded once,
    marked in the same transaction."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    queued = 0
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        start__date=tomorrow,
        walk_in_name="",
        user__remind_bookings=True,
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


def queue_digests(now: datetime | None = None) -> int:
    """Queue, for each active manager who switched on a place's daily digest
    (ManagerEmails.daily_digest), one email listing that place's bookings of the day (Paris):
    those holding their slot and the requests awaiting a decision. A day without any sends
    nothing. Safe to run twice: each (manager, place) once a day, marked in the same
    transaction. How many were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))
    queued = 0
    due = (
        ManagerEmails.objects.filter(daily_digest=True, user__is_active=True)
        .exclude(digest_sent_on=today)
        .select_related("user", "place")
    )
    for choice in due:
        if not choice.place.managers.filter(pk=choice.user_id).exists():
            continue  # no longer a manager of the place: a choice left behind
        held = Booking.objects.filter(space__place=choice.place, start__lt=end, end__gt=start)
        day = list(
            (held.holding() | held.awaiting_decision(now))
            .select_related("space__place")
            .order_by("start", "space__name")
        )
        if not day:
            continue
        with transaction.atomic():
            claimed = (
                ManagerEmails.objects.filter(pk=choice.pk)
                .exclude(digest_sent_on=today)
                .update(digest_sent_on=today)
            )
            if claimed:
                queue("manager_digest", day, choice.user)
                queued += 1
    return queued
