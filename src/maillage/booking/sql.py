"""The statements of the booking write path, in plain SQL over Django's connection.

Booking is the platform's hottest write: the ORM compiles every query anew, which on a small
server cost more than the database's own work (`maillage bench booking` measures it). These
few statements are written once, identical on PostgreSQL and SQLite; what they read is
converted to the same Python values on both. Rules stay in the pure core (availability) and
in the database's constraints.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.db.transaction import TransactionManagementError

from maillage.booking import availability as core
from maillage.booking.models import HOLDING_STATUSES, Booking, BookingStatus
from maillage.booking.space_rules import RuleFields, rules_from, weekly_hours
from maillage.core.sql_values import instant_param, read_instant, read_required_instant
from maillage.core.views import database_busy
from maillage.places.lifecycle import takes_bookings
from maillage.places.schedule import DateRange

logger = logging.getLogger(__name__)


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
    closures: tuple[DateRange, ...]
    price_hour_cents: int | None
    price_half_day_cents: int | None
    price_day_cents: int | None

    @property
    def exclusive(self) -> bool:
        return self.rules.kind.is_exclusive

    def bookable_on(self, today: date) -> bool:
        """Whether the space takes bookings on `today` (a Paris day)."""
        return self.space_bookable and takes_bookings(self.place_status, self.opening_date, today)


@dataclass(frozen=True)
class HeldBooking:
    """A booking meeting a window, as the check reads it."""

    pk: int
    user_id: int
    walk_in: bool  # booked by `user_id`, a manager, for a walk-in: not their own booking
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

# Read by column name (`_named`): each column is named as SpaceTerms or RuleFields names it.
SPACE_TERMS = f"""
SELECT s.place_id, s.is_bookable AS space_bookable, p.status AS place_status,
       CAST(p.opening_date AS TEXT) AS opening_date,
       p.requires_approval, p.approval_delay_hours,
       s.price_hour_cents, s.price_half_day_cents, s.price_day_cents,
       {", ".join(f"s.{name}" for name in RuleFields._fields)}
FROM places_space s JOIN places_place p ON p.id = s.place_id
WHERE s.id = %s
"""  # noqa: S608 — column names from RuleFields only
# Weekly hours and closures in one read; as ISO text, the same on both databases.
PLACE_CALENDAR = """
SELECT weekday, CAST(opens AS TEXT), CAST(closes AS TEXT)
FROM places_openinghours WHERE place_id = %s
UNION ALL
SELECT NULL, CAST(start_date AS TEXT), CAST(end_date AS TEXT)
FROM places_closure WHERE place_id = %s
"""


def _named(cursor: CursorWrapper, row: tuple[Any, ...]) -> dict[str, Any]:
    """A row as {column name: value}, names as the statement's select list gives them."""
    return dict(zip((column[0] for column in cursor.description), row, strict=True))


def space_terms(space_id: int) -> SpaceTerms | None:
    """The terms of a space (two short reads), or None when there is no such space: the one
    reading of a space's terms from the database (booking, slots, the week view)."""
    with connection.cursor() as cursor:
        cursor.execute(SPACE_TERMS, [space_id])
        row = cursor.fetchone()
        if row is None:
            return None
        space = _named(cursor, row)
        cursor.execute(PLACE_CALENDAR, [space["place_id"], space["place_id"]])
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
        DateRange(date.fromisoformat(first), date.fromisoformat(last))
        for weekday, first, last in calendar
        if weekday is None
    )
    opening = space["opening_date"]
    return SpaceTerms(
        space_id=space_id,
        place_id=space["place_id"],
        space_bookable=bool(space["space_bookable"]),
        place_status=space["place_status"],
        opening_date=date.fromisoformat(opening) if opening else None,
        requires_approval=bool(space["requires_approval"]),
        approval_delay_hours=space["approval_delay_hours"],
        rules=rules_from(RuleFields.of(space)),
        hours=hours,
        closures=closures,
        price_hour_cents=space["price_hour_cents"],
        price_half_day_cents=space["price_half_day_cents"],
        price_day_cents=space["price_day_cents"],
    )


def _holding_statement(spaces: int) -> str:
    """The holding bookings of `spaces` spaces whose blocked span meets a window; parameters:
    the ids, the window's end and start, the holding statuses."""
    return f"""
SELECT id, user_id, walk_in_name <> '', start, "end", seats, exclusive, status, pending_until,
       space_id
FROM booking_booking
WHERE space_id IN ({", ".join(["%s"] * spaces)}) AND blocked_start < %s AND blocked_end > %s
  AND status IN ({", ".join(["%s"] * len(HOLDING_STATUSES))})
"""  # noqa: S608 — placeholders only


# The booking path's statement (one space), written once.
HOLDING_MEETING = _holding_statement(1)


def holding_meeting(space_id: int, start: datetime, end: datetime) -> list[HeldBooking]:
    """The holding bookings of a space whose blocked span meets [start, end), whoever holds
    them (the check tells the requester's own apart); the (space, blocked_start) index keeps
    this short."""
    return holding_of_spaces([space_id], start, end).get(space_id, [])


def holding_of_spaces(
    space_ids: Sequence[int], start: datetime, end: datetime
) -> dict[int, list[HeldBooking]]:
    """The holding bookings of these spaces whose blocked span meets [start, end), by space
    (spaces without any are absent): one statement."""
    ids = list(space_ids)
    if not ids:
        return {}
    statement = HOLDING_MEETING if len(ids) == 1 else _holding_statement(len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            [*ids, instant_param(end), instant_param(start), *map(str, HOLDING_STATUSES)],
        )
        rows = cursor.fetchall()
    held: dict[int, list[HeldBooking]] = {}
    for pk, user, walk_in, s, e, seats, excl, status, until, space_id in rows:
        held.setdefault(space_id, []).append(
            HeldBooking(
                pk,
                user,
                bool(walk_in),
                read_required_instant(s),
                read_required_instant(e),
                seats,
                bool(excl),
                status,
                read_instant(until),
            )
        )
    return held


def nearby_loads(
    start: datetime,
    end: datetime,
    reaches: Sequence[tuple[datetime, datetime]],
    earliest_blocked_start: datetime | None,
    space_ids: Sequence[int] | None = None,
) -> dict[int, tuple[int, ...]]:
    """The holding bookings whose blocked span meets [start, end), grouped by space (of
    `space_ids`, or of every space when None): for each space with one, (the sum of their
    seats, an exclusive booking counting one as core.BookedInterval counts it, then for each
    (before, after) of `reaches`, how many of them start before `before` and end after
    `after`). `earliest_blocked_start`: a lower bound of the blocked starts that can meet
    [start, end) (queries.longest_blocked_span), which keeps the index range short. One
    statement, read as plain rows: the search runs it once per request."""
    reaching = "".join(
        ', SUM(CASE WHEN start < %s AND "end" > %s THEN 1 ELSE 0 END)' for _ in reaches
    )
    conditions = [
        "blocked_start < %s",
        "blocked_end > %s",
        f"status IN ({', '.join(['%s'] * len(HOLDING_STATUSES))})",
    ]
    params: list[str | datetime | int | None] = [
        instant for reach in reaches for instant in map(instant_param, reach)
    ]
    params += [instant_param(end), instant_param(start), *map(str, HOLDING_STATUSES)]
    if earliest_blocked_start is not None:
        conditions.append("blocked_start > %s")
        params.append(instant_param(earliest_blocked_start))
    if space_ids is not None:
        if not space_ids:
            return {}
        conditions.append(f"space_id IN ({', '.join(['%s'] * len(space_ids))})")
        params += space_ids
    statement = (
        "SELECT space_id, SUM(CASE WHEN exclusive THEN 1 ELSE seats END)"  # noqa: S608
        f"{reaching} FROM booking_booking WHERE {' AND '.join(conditions)} GROUP BY space_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return {space_id: tuple(loads) for space_id, *loads in cursor.fetchall()}


# What keeps a space's slots out besides its bookings, each source read the same way: busy
# times imported from its external calendar, and its managers' blocks not lifted.
BUSY_SOURCES = (
    ("booking_externalbusy", ""),
    ("booking_spaceblock", " AND removed_at IS NULL"),
)


def _busy_statement(spaces: int | None) -> str:
    """The busy times of `spaces` spaces (None: of every space) meeting a window, as
    (space_id, start, end) rows; parameters: the ids, the window's end and start, per source."""
    of_spaces = "" if spaces is None else f"space_id IN ({', '.join(['%s'] * spaces)}) AND "
    return "\nUNION ALL\n".join(
        f'SELECT space_id, start, "end" FROM {table} '  # noqa: S608 — constants, placeholders
        f'WHERE {of_spaces}start < %s AND "end" > %s{condition}'
        for table, condition in BUSY_SOURCES
    )


# The booking path's statement (one space), written once.
BUSY_OF_ONE_SPACE = _busy_statement(1)


def busy_meeting(
    start: datetime, end: datetime, space_ids: Sequence[int] | None = None
) -> list[tuple[int, datetime, datetime]]:
    """The busy times meeting [start, end) of these spaces (None: of every space), as
    (space id, start, end) aware instants: those imported from the spaces' external calendars
    and the managers' blocks in force, read together in one statement. The one reading of
    what keeps slots out besides bookings (booking, slots, the week view, the search)."""
    ids = [] if space_ids is None else list(space_ids)
    if space_ids is None:
        statement = _busy_statement(None)
    elif not ids:
        return []
    else:
        statement = BUSY_OF_ONE_SPACE if len(ids) == 1 else _busy_statement(len(ids))
    window = [instant_param(end), instant_param(start)]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*ids, *window] * len(BUSY_SOURCES))
        rows = cursor.fetchall()
    return [(space, read_required_instant(s), read_required_instant(e)) for space, s, e in rows]


def busy_interval(rules: core.SpaceRules, start: datetime, end: datetime) -> core.BookedInterval:
    """A busy time (imported, or a manager's block), as the core reads a booking: it takes
    the whole space (every seat of a desk space; a room with its buffers around)."""
    return core.BookedInterval(start, end, 1 if rules.kind.is_exclusive else rules.capacity)


def taken_around(
    terms: SpaceTerms, held: list[HeldBooking], start: datetime, end: datetime
) -> list[core.BookedInterval]:
    """What keeps a booking of [start, end) out, as the core reads it: the holding bookings
    `held` (holding_meeting's, widened by the space's gap) and the space's busy times
    (busy_meeting: imported, and managers' blocks) meeting the same widened window."""
    gap = terms.rules.gap
    busy = busy_meeting(start - gap, end + gap, [terms.space_id])
    return [b.as_interval() for b in held] + [busy_interval(terms.rules, s, e) for _, s, e in busy]


class SeatsBusy(Exception):
    """The seat lock of a space was not obtained within SEAT_LOCK_TIMEOUT_SECONDS: other
    bookings of the space are being decided. Nothing was written; the transaction is to be
    rolled back (leaving the atomic block with this error does it)."""

    def __init__(self, space_id: int):
        super().__init__(f"space {space_id}: seat lock not obtained")
        self.space_id = space_id


# How long a booking waits for the seat lock of a space before it is refused with «réessayez»
# (shorter than the connection's lock_timeout, 20 s, after which any write answers 503).
SEAT_LOCK_TIMEOUT_SECONDS = 3


def _lock_statement(mode: str) -> str:
    """One round trip (Django's default client-side binding sends the three statements as
    one query): the space's row locked in `mode` under a short lock_timeout, then the
    connection's own value (its startup option, config.settings) again for the rest of the
    transaction. SET LOCAL ends with the transaction (or savepoint) anyway."""
    return f"""
SET LOCAL lock_timeout = '{SEAT_LOCK_TIMEOUT_SECONDS}s';
SELECT id FROM places_space WHERE id = %s FOR {mode};
SET LOCAL lock_timeout TO DEFAULT
"""  # noqa: S608 — an integer constant, a lock mode and a placeholder


# Row lock modes on the space, as PostgreSQL's conflict table has them:
# - a desk space's booking: FOR NO KEY UPDATE conflicts with itself (seat deciders take
#   turns) but not with the key-share locks of foreign keys (rows that merely reference the
#   space are not held up);
# - a room's booking: FOR KEY SHARE does not conflict with itself (rooms' bookings are
#   guarded by the exclusion constraint and need not take turns), only with FOR UPDATE;
# - a manager's block: FOR UPDATE conflicts with both, so a block and a booking of the same
#   space are decided one after the other, each seeing the other once it has committed.
LOCK_SEATS = _lock_statement("NO KEY UPDATE")
SHARE_ROOM = _lock_statement("KEY SHARE")
LOCK_FOR_BLOCK = _lock_statement("UPDATE")


def _lock_space(space_id: int, statement: str) -> None:
    """Run a lock statement on the space's row inside the current transaction (on
    PostgreSQL; SQLite's write lock, taken when the transaction began, serialises already).

    Raises TransactionManagementError outside a transaction (a lock released as soon as taken
    decides nothing), and SeatsBusy when the lock was not obtained in time (logged as a
    warning with the space's id)."""
    if connection.get_autocommit():
        raise TransactionManagementError(
            "A space's lock is taken inside a transaction (transaction.atomic()): outside "
            "one, it would be released at once."
        )
    if not connection.features.has_select_for_update:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, [space_id])
    except OperationalError as error:
        if not database_busy(error):
            raise
        logger.warning(
            "Seat lock of space %s not obtained within %s s: refused, to try again",
            space_id,
            SEAT_LOCK_TIMEOUT_SECONDS,
        )
        raise SeatsBusy(space_id) from error


def lock_seats(terms: SpaceTerms) -> None:
    """Until the transaction ends, decide a space's bookings against its blocks, and a desk
    space's bookings one at a time: no database constraint counts seats, nor compares a
    booking with a block. On PostgreSQL a row lock on the space, waited for at most
    SEAT_LOCK_TIMEOUT_SECONDS: exclusive for a desk space's bookings, shared among a room's
    (whose exclusion constraint guards them from each other), and either way waiting for a
    block being added (lock_for_block). On SQLite the seat lock is the database's write lock,
    which the transaction took when it began (BEGIN IMMEDIATE, waiting at most the
    connection's busy timeout; a timeout there is a busy database, core.views' 503, as for
    any write).

    Raises TransactionManagementError outside a transaction (a lock released as soon as taken
    would let two bookings take the last seat), and SeatsBusy when the lock was not obtained
    in time (logged as a warning with the space's id)."""
    _lock_space(terms.space_id, SHARE_ROOM if terms.exclusive else LOCK_SEATS)


def share_space(space_id: int) -> None:
    """Until the transaction ends, hold the space as a room's booking does (shared; waiting
    for a block being added): a writer of the space's published slots (feed_slots) takes the
    space before its slots, in the order bookings and blocks take them, so that none of them
    waits for another in a cycle. Raises as lock_seats does."""
    _lock_space(space_id, SHARE_ROOM)


def lock_for_block(space_id: int) -> None:
    """Until the transaction ends, no booking of the space is being decided, nor another
    block added: a block added now sees every booking committed before, and every booking
    decided after sees the block (see lock_seats). Raises as lock_seats does."""
    _lock_space(space_id, LOCK_FOR_BLOCK)


# --- Writes ---------------------------------------------------------------------------------

EXPIRE = (
    "UPDATE booking_booking SET status = %s, updated_at = %s WHERE id = %s AND status = %s "
    "RETURNING id"
)
INSERT_EVENT = """
INSERT INTO booking_bookingevent (booking_id, actor_id, from_status, to_status, reason, channel, at)
VALUES (%s, %s, %s, %s, %s, %s, %s)
"""

INSERT_BOOKING = """
INSERT INTO booking_booking (
    space_id, user_id, start, "end", blocked_start, blocked_end, exclusive, seats, status,
    price_cents, person_price_cents, pending_until, series_id, idempotency_key, status_reason,
    walk_in_name, walk_in_contact, created_at, updated_at
) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '', %s, %s, %s, %s)
RETURNING id
"""
INSERT_EMAIL = "INSERT INTO booking_bookingemail (outbound_id, kind) VALUES (%s, %s) RETURNING id"
INSERT_EMAIL_BOOKING = (
    "INSERT INTO booking_bookingemail_bookings (bookingemail_id, booking_id) VALUES (%s, %s)"
)


def expire(booking_ids: list[int], now: datetime) -> list[int]:
    """These pending bookings past their deadline become expired, if still pending: the ids
    of those that did (the others changed meanwhile). Rows are updated in key order, so that
    two writers never wait for each other's rows crosswise."""
    expired = []
    with connection.cursor() as cursor:
        for pk in sorted(booking_ids):
            cursor.execute(
                EXPIRE,
                [BookingStatus.EXPIRED.value, instant_param(now), pk, BookingStatus.PENDING.value],
            )
            if cursor.fetchone() is not None:
                expired.append(pk)
    return expired


@dataclass(frozen=True)
class NewEvent:
    """A row to append to the bookings' history (models.BookingEvent)."""

    booking_id: int
    actor_id: int | None  # None: the system
    from_status: str | None  # None: the booking is being created
    to_status: str
    reason: str
    channel: str
    at: datetime  # aware


def insert_events(events: list[NewEvent]) -> None:
    """Append these rows to the bookings' history."""
    with connection.cursor() as cursor:
        cursor.executemany(
            INSERT_EVENT,
            [
                (
                    e.booking_id,
                    e.actor_id,
                    e.from_status,
                    e.to_status,
                    e.reason,
                    e.channel,
                    instant_param(e.at),
                )
                for e in events
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
                booking.person_price_cents,
                instant_param(booking.pending_until),
                booking.series_id,
                booking.idempotency_key,
                booking.walk_in_name,
                booking.walk_in_contact,
                instant_param(booking.created_at),
                instant_param(booking.updated_at),
            ],
        )
        return int(cursor.fetchone()[0])


def insert_email(outbound_id: int, kind: str, booking_ids: list[int]) -> int:
    """Say what a queued outbox email (`outbound_id`) tells of: its kind and bookings; the
    booking email's id."""
    with connection.cursor() as cursor:
        cursor.execute(INSERT_EMAIL, [outbound_id, kind])
        email_id: int = cursor.fetchone()[0]
        cursor.executemany(INSERT_EMAIL_BOOKING, [(email_id, pk) for pk in booking_ids])
    return email_id
