"""The statements of the booking write path, in plain SQL over Django's connection.

Booking is the platform's hottest write: the ORM compiles every query anew, which on a small
server cost more than the database's own work (`maillage bench booking` measures it). These
few statements are written once, identical on PostgreSQL and SQLite; what they read is
converted to the same Python values on both. Rules stay in the pure core (availability) and
in the database's constraints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import connection

from maillage.booking import availability as core
from maillage.booking.models import HOLDING_STATUSES, Booking, BookingStatus
from maillage.booking.space_rules import rules_from, weekly_hours
from maillage.core.sql_values import instant_param, read_instant, read_required_instant
from maillage.places.lifecycle import takes_bookings


@dataclass(frozen=True)
class SpaceTerms:
    """What deciding a booking of a space needs to know: its rules, its place's hours,
    closures and approval policy, its prices."""

    space_id: int
    place_id: int
    space_bookable: bool  # the space's own switch; the place's status and date decide too
    place_status: str
    opening_date: date | None
    requires_approval: bool
    approval_delay_hours: int
    rules: core.SpaceRules
    hours: core.WeeklyHours
    closures: tuple[core.Closure, ...]
    price_hour_cents: int | None
    price_half_day_cents: int | None
    price_day_cents: int | None

    @property
    def exclusive(self) -> bool:
        return self.rules.kind != core.SpaceKind.DESK

    def bookable_on(self, today: date) -> bool:
        """Whether the space takes bookings on `today` (a Paris day)."""
        return self.space_bookable and takes_bookings(self.place_status, self.opening_date, today)


@dataclass(frozen=True)
class HeldBooking:
    """A booking meeting a window, as the check reads it."""

    pk: int
    user_id: int
    start: datetime
    end: datetime
    seats: int
    exclusive: bool
    status: str
    pending_until: datetime | None

    def is_stale(self, now: datetime) -> bool:
        """A pending booking past its approval deadline: it no longer holds its slot."""
        return (
            self.status == BookingStatus.PENDING
            and self.pending_until is not None  # never, by booking_pending_has_deadline
            and self.pending_until <= now
        )

    def meets(self, start: datetime, end: datetime) -> bool:
        """Whether the booking itself (buffers aside) overlaps [start, end)."""
        return self.start < end and start < self.end

    def as_interval(self) -> core.BookedInterval:
        return core.BookedInterval(self.start, self.end, 1 if self.exclusive else self.seats)


# --- Reads ----------------------------------------------------------------------------------

SPACE_TERMS = """
SELECT s.place_id, s.is_bookable, p.status, CAST(p.opening_date AS TEXT),
       p.requires_approval, p.approval_delay_hours,
       s.price_hour_cents, s.price_half_day_cents, s.price_day_cents,
       s.kind, s.capacity, s.slot_minutes, s.min_duration_minutes, s.max_duration_minutes,
       s.min_notice_minutes, s.max_advance_days, s.buffer_before_minutes, s.buffer_after_minutes
FROM places_space s JOIN places_place p ON p.id = s.place_id
WHERE s.id = %s
"""
# Weekly hours and closures in one read; as ISO text, the same on both databases.
PLACE_CALENDAR = """
SELECT weekday, CAST(opens AS TEXT), CAST(closes AS TEXT)
FROM places_openinghours WHERE place_id = %s
UNION ALL
SELECT NULL, CAST(start_date AS TEXT), CAST(end_date AS TEXT)
FROM places_closure WHERE place_id = %s
"""


def space_terms(space_id: int) -> SpaceTerms | None:
    """The terms of a space (two short reads), or None when there is no such space."""
    with connection.cursor() as cursor:
        cursor.execute(SPACE_TERMS, [space_id])
        row = cursor.fetchone()
        if row is None:
            return None
        place_id, is_bookable, place_status, opening, approval, delay = row[:6]
        hour, half_day, day = row[6:9]
        cursor.execute(PLACE_CALENDAR, [place_id, place_id])
        calendar = cursor.fetchall()
    hours = weekly_hours(
        tuple(
            sorted(
                (weekday, time.fromisoformat(opens), time.fromisoformat(closes))
                for weekday, opens, closes in calendar
                if weekday is not None
            )
        )
    )
    closures = tuple(
        core.Closure(date.fromisoformat(first), date.fromisoformat(last))
        for weekday, first, last in calendar
        if weekday is None
    )
    return SpaceTerms(
        space_id=space_id,
        place_id=place_id,
        space_bookable=bool(is_bookable),
        place_status=place_status,
        opening_date=date.fromisoformat(opening) if opening else None,
        requires_approval=bool(approval),
        approval_delay_hours=delay,
        rules=rules_from(*row[9:]),
        hours=hours,
        closures=closures,
        price_hour_cents=hour,
        price_half_day_cents=half_day,
        price_day_cents=day,
    )


HOLDING_MEETING = f"""
SELECT id, user_id, start, "end", seats, exclusive, status, pending_until
FROM booking_booking
WHERE space_id = %s AND blocked_start < %s AND blocked_end > %s
  AND status IN ({", ".join(["%s"] * len(HOLDING_STATUSES))})
"""  # noqa: S608 — placeholders only


def holding_meeting(space_id: int, start: datetime, end: datetime) -> list[HeldBooking]:
    """The holding bookings of a space whose blocked span meets [start, end), whoever holds
    them (the check tells the requester's own apart); the (space, blocked_start) index keeps
    this short."""
    with connection.cursor() as cursor:
        cursor.execute(
            HOLDING_MEETING,
            [space_id, instant_param(end), instant_param(start), *map(str, HOLDING_STATUSES)],
        )
        rows = cursor.fetchall()
    return [
        HeldBooking(
            pk,
            user,
            read_required_instant(s),
            read_required_instant(e),
            seats,
            bool(excl),
            status,
            read_instant(until),
        )
        for pk, user, s, e, seats, excl, status, until in rows
    ]


def lock_seats(terms: SpaceTerms) -> None:
    """Until the transaction ends, decide a desk space's bookings one at a time: no database
    constraint counts seats. A row lock on PostgreSQL, whose exclusion constraint guards
    rooms without it; SQLite's write transactions (BEGIN IMMEDIATE) are serialised already."""
    if not terms.exclusive and connection.features.has_select_for_update:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM places_space WHERE id = %s FOR UPDATE", [terms.space_id])


# --- Writes ---------------------------------------------------------------------------------

EXPIRE = "UPDATE booking_booking SET status = %s, updated_at = %s WHERE id = %s AND status = %s"

INSERT_BOOKING = """
INSERT INTO booking_booking (
    space_id, user_id, start, "end", blocked_start, blocked_end, exclusive, seats, status,
    price_cents, pending_until, series_id, idempotency_key, status_reason, created_at, updated_at
) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', %s, %s)
RETURNING id
"""
INSERT_EMAIL = """
INSERT INTO booking_bookingemail (kind, user_id, created_at, attempts, last_error)
VALUES (%s, %s, %s, 0, '') RETURNING id
"""
INSERT_EMAIL_BOOKING = (
    "INSERT INTO booking_bookingemail_bookings (bookingemail_id, booking_id) VALUES (%s, %s)"
)


def expire(bookings: list[HeldBooking], now: datetime) -> None:
    """Pending bookings past their deadline become expired (if still pending). Rows are
    updated in key order, so that two writers never wait for each other's rows crosswise."""
    with connection.cursor() as cursor:
        cursor.executemany(
            EXPIRE,
            [
                (BookingStatus.EXPIRED.value, instant_param(now), b.pk, BookingStatus.PENDING.value)
                for b in sorted(bookings, key=lambda b: b.pk)
            ],
        )


def insert_booking(booking: Booking) -> int:
    """Insert a new Booking instance's row; its id."""
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_BOOKING,
            [
                booking.space_id,
                booking.user_id,
                instant_param(booking.start),
                instant_param(booking.end),
                instant_param(booking.blocked_start),
                instant_param(booking.blocked_end),
                booking.exclusive,
                booking.seats,
                booking.status,
                booking.price_cents,
                instant_param(booking.pending_until),
                booking.series_id,
                booking.idempotency_key,
                instant_param(booking.created_at),
                instant_param(booking.updated_at),
            ],
        )
        return int(cursor.fetchone()[0])


def insert_email(kind: str, user_id: int, booking_ids: list[int], now: datetime) -> int:
    """Queue an email about these bookings (the outbox row and its links); its id."""
    with connection.cursor() as cursor:
        cursor.execute(INSERT_EMAIL, [kind, user_id, instant_param(now)])
        email_id: int = cursor.fetchone()[0]
        cursor.executemany(INSERT_EMAIL_BOOKING, [(email_id, pk) for pk in booking_ids])
    return email_id
