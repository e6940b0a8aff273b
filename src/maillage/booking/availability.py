"""Availability of a bookable space: what is free, booked or closed, and whether a request fits.

The pure core of the booking engine (no Django). The service layer loads a space's rules, weekly
opening hours, closures and the bookings around a window, then calls `compute_availability`
(week view), `bookable_slots` (slot picker) or `check_request` (before writing a booking); the
département-wide search (booking.queries.search_spaces) calls `open_throughout` and
`free_seats_throughout`.

Vocabulary: space kinds (places.kinds.SpaceKind), opening ranges and closures
(places.schedule.OpeningRange, DateRange) are the places app's pure definitions, read here;
`ViolationCode` names every reason a booking request is refused, here and in booking.services.

Time
- Instants are aware datetimes, any zone in, UTC out; naive datetimes raise ValueError.
- Opening hours and closures are local wall-clock times and dates in the space's zone
  (Europe/Paris by default), so a local day lasts 23 h or 25 h on daylight-saving nights.
- A wall-clock time designates the first instant at which the local clock shows that time or
  later. So a time in the spring gap (02:30 on 29 March 2026) resolves to the end of the gap
  (03:00 summer time), and an ambiguous time in the autumn overlap to its first occurrence
  (fold=0, summer time). The rule keeps wall-clock order, so a range never turns inside out:
  an opening 02:00–03:00 lasts 0 h on the spring night and 2 h on the autumn night.
- A start is aligned on the granularity when its local time is a whole multiple of it after
  midnight: both 02:30 of the autumn night are, nothing in the spring gap is. A duration must be
  a whole multiple of the granularity (elapsed time).

Spaces
- Exclusive spaces (rooms, offices, halls, workshops) are booked whole; `capacity` is how many
  people they hold. Every booking needs `buffer_before` set-up time and `buffer_after` clean-up
  time, which may not overlap another booking's: two bookings are at least before + after
  apart, so an existing booking [s, e) keeps new ones out of [s - before - after, e + after +
  before). That widened span is what `booked` shows; buffers may fall outside opening hours.
- Desk spaces share `capacity` seats; a booking holds `seats` of them and buffers do not apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from maillage.booking.intervals import (
    Interval,
    clip,
    covers,
    intersect,
    load_steps,
    normalise,
    subtract,
)
from maillage.core.text import count
from maillage.places.kinds import SpaceKind
from maillage.places.schedule import (
    WEEKDAY_NAMES,
    DateRange,
    OpeningRange,
    closes_at_midnight,
    closing_offset,
    since_midnight,
)

PARIS = ZoneInfo("Europe/Paris")
DAY = timedelta(days=1)
MIDNIGHT = time(0)
_EPSILON = timedelta(microseconds=1)


def _check_opening(opening: OpeningRange) -> None:
    """Raise ValueError unless the range is on a weekday (0 = Monday), in naive local
    wall-clock times, and closes after it opens (closes 00:00 means 24:00)."""
    if not (isinstance(opening.weekday, int) and 0 <= opening.weekday <= 6):
        raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {opening.weekday!r}")
    if opening.opens.tzinfo is not None or opening.closes.tzinfo is not None:
        raise ValueError("opening hours are naive local wall-clock times")
    if not closes_at_midnight(opening) and opening.closes <= opening.opens:
        raise ValueError(f"opening range {opening.opens}–{opening.closes} closes before it opens")


def _offsets(opening: OpeningRange) -> Interval[timedelta]:
    """Opening and closing as wall-clock offsets from the day's midnight (closes 00:00: 24:00)."""
    return Interval(since_midnight(opening.opens), closing_offset(opening))


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """A space's weekly opening hours: any number of ranges per weekday."""

    ranges: tuple[OpeningRange, ...] = ()
    # Merged wall-clock offsets per weekday, precomputed once: hashable, so day expansions cache.
    by_weekday: tuple[tuple[Interval[timedelta], ...], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        ranges = tuple(self.ranges)
        days: list[list[Interval[timedelta]]] = [[] for _ in range(7)]
        for opening in ranges:
            _check_opening(opening)
            days[opening.weekday].append(_offsets(opening))
        object.__setattr__(self, "ranges", ranges)
        object.__setattr__(self, "by_weekday", tuple(tuple(normalise(day)) for day in days))


@dataclass(frozen=True, slots=True)
class BookedInterval:
    """An existing booking: [start, end) holding `seats` (a whole exclusive space counts as 1)."""

    start: datetime
    end: datetime
    seats: int = 1

    def __post_init__(self) -> None:
        start = _utc(self.start, "start")
        end = _utc(self.end, "end")
        if end <= start:
            raise ValueError(f"booking ends ({end}) before it starts ({start})")
        if not _is_count(self.seats):
            raise ValueError(f"seats must be a whole number >= 1, got {self.seats!r}")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


@dataclass(frozen=True, slots=True)
class SpaceRules:
    """How a space may be booked. None for max_duration or max_advance means no limit."""

    kind: SpaceKind
    capacity: int
    granularity: timedelta = timedelta(minutes=30)
    min_duration: timedelta = timedelta(0)
    max_duration: timedelta | None = None
    min_notice: timedelta = timedelta(0)
    max_advance: timedelta | None = None
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    timezone: tzinfo = PARIS

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", SpaceKind(self.kind))
        if not _is_count(self.capacity):
            raise ValueError(f"capacity must be a whole number >= 1, got {self.capacity!r}")
        granularity = self.granularity
        if granularity <= timedelta(0) or granularity % timedelta(minutes=1) or DAY % granularity:
            raise ValueError(f"granularity must be whole minutes dividing a day, got {granularity}")
        for name in ("min_duration", "min_notice", "buffer_before", "buffer_after"):
            if getattr(self, name) < timedelta(0):
                raise ValueError(f"{name} must not be negative")
        if self.max_duration is not None and self.max_duration < max(self.min_duration, _EPSILON):
            raise ValueError("max_duration must be positive and at least min_duration")
        if self.max_advance is not None and self.max_advance < self.min_notice:
            raise ValueError("max_advance must be at least min_notice")
        if not self.kind.is_exclusive and self.gap:
            raise ValueError("buffers apply to exclusive spaces only")

    @property
    def gap(self) -> timedelta:
        """The least time between two bookings: one's clean-up then the other's set-up."""
        return self.buffer_before + self.buffer_after


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


class SeatStep(NamedTuple):
    """Free seats are constant on [start, end)."""

    start: datetime
    end: datetime
    free_seats: int


class Overbooking(NamedTuple):
    """On [start, end) the bookings hold `excess_seats` more than the space has.

    For an exclusive space, the excess is the number of bookings beyond the first.
    """

    start: datetime
    end: datetime
    excess_seats: int


@dataclass(frozen=True, slots=True)
class Availability:
    """A space's availability within [start, end), all intervals normalised, in UTC.

    `free`, `booked` and `closed` partition `opening` (the weekly hours within the window):
    `closed` lies in closures; for an exclusive space `booked` is held by bookings and their
    buffers, for a desk space it is where no seat is free. `free_seats` (desk spaces only)
    covers `free` and `booked` and never goes below zero: `overbooked` reports bookings beyond
    capacity, anywhere in the window.
    """

    rules: SpaceRules
    start: datetime
    end: datetime
    opening: tuple[Interval[datetime], ...]
    closed: tuple[Interval[datetime], ...]
    booked: tuple[Interval[datetime], ...]
    free: tuple[Interval[datetime], ...]
    free_seats: tuple[SeatStep, ...]
    overbooked: tuple[Overbooking, ...]

    def free_for(self, seats: int) -> tuple[Interval[datetime], ...]:
        """Where a booking of `seats` seats (people, for an exclusive space) would fit."""
        if not _is_count(seats):
            raise ValueError(f"seats must be a whole number >= 1, got {seats!r}")
        if self.rules.kind.is_exclusive:
            return self.free if seats <= self.rules.capacity else ()
        enough = (step[:2] for step in self.free_seats if step.free_seats >= seats)
        return tuple(normalise(enough))


class ViolationCode(StrEnum):
    """Why a booking request, or a change of a booking, is refused: the stable codes the API
    returns (`codes`). The first group is decided by this core; the others by booking.services
    (the space, the person's own bookings, prices, series, and changes of status)."""

    PAST_START = "past_start"
    END_NOT_AFTER_START = "end_not_after_start"
    OUTSIDE_OPENING_HOURS = "outside_opening_hours"
    DURING_CLOSURE = "during_closure"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TOO_LITTLE_NOTICE = "too_little_notice"
    TOO_FAR_AHEAD = "too_far_ahead"
    START_NOT_ALIGNED = "start_not_aligned"
    DURATION_NOT_ALIGNED = "duration_not_aligned"
    INVALID_SEATS = "invalid_seats"
    OVER_CAPACITY = "over_capacity"
    SLOT_TAKEN = "slot_taken"
    NOT_ENOUGH_SEATS = "not_enough_seats"
    # The space and the person's own bookings (booking.services).
    UNKNOWN_SPACE = "unknown_space"
    NOT_BOOKABLE = "not_bookable"
    NOT_OPEN_YET = "not_open_yet"
    ALREADY_BOOKED = "already_booked"
    NO_PRICE = "no_price"
    SERIES_WEEKS = "series_weeks"
    WALK_IN = "walk_in"  # a walk-in's name or contact missing or invalid
    # A programme's balance changed between the quote and the booking (booking.funding).
    FUNDING_CHANGED = "funding_changed"
    # Changes of a booking's status (booking.services).
    STATUS = "status"
    PAST = "past"
    CANCELLATION_NOTICE = "cancellation_notice"
    REASON_REQUIRED = "reason_required"
    EXPIRED = "expired"
    TOO_EARLY = "too_early"
    SPACE_BUSY = "space_busy"  # its bookings being decided by others: try again shortly


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken rule: a stable code, the request field it concerns and a French message."""

    code: ViolationCode
    field: str
    message: str


def wall_clock_instant(local: datetime, zone: tzinfo = PARIS) -> datetime:
    """The first instant (UTC) at which the clock of `zone` shows `local` (naive) or later."""
    if local.tzinfo is not None:
        raise ValueError(f"expected a naive wall-clock time, got {local!r}")
    instant = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == local:
        return instant
    # In a gap, fold=0 lands after the transition and fold=1 before it: bisect to the transition.
    before = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    after, offset_after = instant, instant.astimezone(zone).utcoffset()
    while after - before > _EPSILON:
        middle = before + (after - before) // 2
        if middle.astimezone(zone).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return after


def wall_clock_instants(local: datetime, zone: tzinfo = PARIS) -> tuple[datetime, ...]:
    """Every instant (UTC, earliest first) at which the clock of `zone` shows `local` (naive):
    none in a spring-forward gap, two in an autumn overlap, one otherwise.

    Unlike `wall_clock_instant`, nothing is moved: a form uses this to refuse a time that does
    not exist and to ask which one is meant when it exists twice.
    """
    if local.tzinfo is not None:
        raise ValueError(f"expected a naive wall-clock time, got {local!r}")
    found = {
        instant
        for fold in (0, 1)
        if (instant := local.replace(tzinfo=zone, fold=fold).astimezone(UTC))
        .astimezone(zone)
        .replace(tzinfo=None)
        == local
    }
    return tuple(sorted(found))


def clock_gap(local: datetime, zone: tzinfo = PARIS) -> tuple[datetime, datetime] | None:
    """The skipped wall-clock times [first, end) (naive) around `local` when the clock of `zone`
    never shows it (02:00–03:00 on the spring-forward night in Europe/Paris), else None.
    `first` is the first time skipped and `end` the first time shown again."""
    if wall_clock_instants(local, zone):
        return None
    transition = wall_clock_instant(local, zone)
    end = transition.astimezone(zone)
    skipped = utc_offset(end) - utc_offset((transition - _EPSILON).astimezone(zone))
    end = end.replace(tzinfo=None)
    return end - skipped, end


def local_days(first_day: date, last_day: date, zone: tzinfo = PARIS) -> Interval[datetime]:
    """From the start of `first_day` to the end of `last_day`, local dates included: a day
    lasts 23, 24 or 25 hours."""
    return Interval(
        wall_clock_instant(datetime.combine(first_day, MIDNIGHT), zone),
        wall_clock_instant(datetime.combine(last_day + DAY, MIDNIGHT), zone),
    )


def compute_availability(
    rules: SpaceRules,
    start: datetime,
    end: datetime,
    *,
    hours: WeeklyHours,
    closures: Iterable[DateRange] = (),
    bookings: Iterable[BookedInterval] = (),
) -> Availability:
    """Free, booked and closed time of a space within [start, end).

    `bookings` must include every booking meeting the window widened by `rules.gap`.
    """
    start, end = _window(start, end)
    zone = rules.timezone
    opening = _opening_intervals(hours, start, end, zone)
    closure_time = _closure_intervals(_closures_meeting(closures, start, end, zone), zone)
    open_time = subtract(opening, closure_time)
    bookings = tuple(bookings)
    exclusive = rules.kind.is_exclusive
    loads = load_steps((b.start, b.end, 1 if exclusive else b.seats) for b in bookings)
    limit = 1 if exclusive else rules.capacity
    overbooked = tuple(
        Overbooking(max(load_start, start), min(load_end, end), total - limit)
        for load_start, load_end, total in loads
        if total > limit and load_start < end and start < load_end
    )
    if exclusive:
        blocked = normalise((b.start - rules.gap, b.end + rules.gap) for b in bookings)
        free_seats: tuple[SeatStep, ...] = ()
        booked = intersect(open_time, blocked)
        free = subtract(open_time, blocked)
    else:
        free_seats = tuple(_seat_steps(rules.capacity, loads, open_time))
        booked = normalise(step[:2] for step in free_seats if not step.free_seats)
        free = normalise(step[:2] for step in free_seats if step.free_seats)
    return Availability(
        rules=rules,
        start=start,
        end=end,
        opening=tuple(opening),
        closed=tuple(intersect(opening, closure_time)),
        booked=tuple(booked),
        free=tuple(free),
        free_seats=free_seats,
        overbooked=overbooked,
    )


def start_window(rules: SpaceRules, now: datetime) -> tuple[datetime, datetime | None]:
    """The earliest and latest start a booking made at `now` may have (aware instants): the
    space's minimum notice and maximum advance; None when it has no maximum."""
    latest = None if rules.max_advance is None else now + rules.max_advance
    return now + rules.min_notice, latest


def bookable_slots(
    rules: SpaceRules,
    start: datetime,
    end: datetime,
    duration: timedelta,
    now: datetime,
    *,
    seats: int = 1,
    hours: WeeklyHours,
    closures: Iterable[DateRange] = (),
    bookings: Iterable[BookedInterval] = (),
) -> list[Interval[datetime]]:
    """Every slot [t, t + duration) inside [start, end) that `check_request` would accept.

    `bookings` must include every booking meeting the window widened by `rules.gap`.
    """
    now = _utc(now, "now")
    if (
        duration <= timedelta(0)
        or duration_violations(rules, duration)
        or seat_violations(rules, seats)
    ):
        return []
    availability = compute_availability(
        rules, start, end, hours=hours, closures=closures, bookings=bookings
    )
    earliest, latest = start_window(rules, now)
    slots: list[Interval[datetime]] = []
    for free_start, free_end in availability.free_for(seats):
        first = max(free_start, earliest)
        last = free_end - duration if latest is None else min(free_end - duration, latest)
        if first <= last:
            slots.extend(
                Interval(slot_start, slot_start + duration)
                for slot_start in _aligned_instants(first, last, rules.granularity, rules.timezone)
            )
    return slots


def seat_violations(rules: SpaceRules, seats: int) -> list[Violation]:
    """What a request for `seats` places breaks whatever its time (field «seats»)."""
    if not _is_count(seats):
        return [
            Violation(
                ViolationCode.INVALID_SEATS, "seats", "Le nombre de places doit être au moins 1."
            )
        ]
    if seats > rules.capacity:
        limit = (
            f"accueille au plus {count(rules.capacity, 'personne')}"
            if rules.kind.is_exclusive
            else f"compte {count(rules.capacity, 'place')}"
        )
        message = f"L'espace {limit} ; la demande porte sur {seats}."
        return [Violation(ViolationCode.OVER_CAPACITY, "seats", message)]
    return []


def duration_violations(rules: SpaceRules, duration: timedelta) -> list[Violation]:
    """What a positive `duration` breaks whatever its start (field «end»)."""
    violations = []
    asked = format_duration(duration)
    if duration < rules.min_duration:
        minimum = format_duration(rules.min_duration)
        violations.append(
            Violation(
                ViolationCode.TOO_SHORT,
                "end",
                f"La durée minimale de réservation est de {minimum} ; la demande dure {asked}.",
            )
        )
    elif rules.max_duration is not None and duration > rules.max_duration:
        maximum = format_duration(rules.max_duration)
        violations.append(
            Violation(
                ViolationCode.TOO_LONG,
                "end",
                f"La durée maximale de réservation est de {maximum} ; la demande dure {asked}.",
            )
        )
    if duration % rules.granularity:
        step = format_duration(rules.granularity)
        violations.append(
            Violation(
                ViolationCode.DURATION_NOT_ALIGNED,
                "end",
                f"La durée doit être un multiple de {step} ; la demande dure {asked}.",
            )
        )
    return violations


def check_request(
    rules: SpaceRules,
    start: datetime,
    end: datetime,
    seats: int,
    now: datetime,
    *,
    hours: WeeklyHours,
    closures: Iterable[DateRange] = (),
    bookings: Iterable[BookedInterval] = (),
) -> list[Violation]:
    """Every rule a booking request breaks; empty when it can be booked.

    `bookings` must include every booking meeting [start, end) widened by `rules.gap`, and not
    the booking being changed, if any.
    """
    start, end, now = _utc(start, "start"), _utc(end, "end"), _utc(now, "now")
    zone = rules.timezone
    violations: list[Violation] = []

    def refuse(code: ViolationCode, field_name: str, message: str) -> None:
        violations.append(Violation(code, field_name, message))

    earliest, latest = start_window(rules, now)
    if start < now:
        refuse(ViolationCode.PAST_START, "start", "La réservation doit commencer dans le futur.")
    elif start < earliest:
        refuse(
            ViolationCode.TOO_LITTLE_NOTICE,
            "start",
            f"La réservation doit être faite au moins {format_duration(rules.min_notice)} "
            "à l'avance.",
        )
    if latest is not None and start > latest:
        refuse(
            ViolationCode.TOO_FAR_AHEAD,
            "start",
            f"La réservation ne peut pas être faite plus de {format_duration(latest - now)} "
            "à l'avance.",
        )
    local_start = start.astimezone(zone).replace(tzinfo=None)
    since_midnight = local_start - datetime.combine(local_start.date(), MIDNIGHT)
    if since_midnight % rules.granularity:
        before = local_start - since_midnight % rules.granularity
        refuse(
            ViolationCode.START_NOT_ALIGNED,
            "start",
            f"Le début doit tomber sur un créneau de {format_duration(rules.granularity)} "
            f"à partir de minuit, par exemple {before:%H:%M} ou "
            f"{before + rules.granularity:%H:%M}.",
        )
    seat_problems = seat_violations(rules, seats)
    violations.extend(seat_problems)
    if end <= start:
        refuse(
            ViolationCode.END_NOT_AFTER_START,
            "end",
            "La fin de la réservation doit être après son début.",
        )
        return violations

    violations.extend(duration_violations(rules, end - start))
    if not covers(_opening_intervals(hours, start, end, zone), start, end):
        refuse(
            ViolationCode.OUTSIDE_OPENING_HOURS,
            "start",
            _opening_hours_text(hours, start.astimezone(zone).date(), zone),
        )
    closing = _closures_meeting(closures, start, end, zone)
    if closing:
        first = min(closing, key=lambda closure: closure.start)
        refuse(
            ViolationCode.DURING_CLOSURE,
            "start",
            f"L'espace est exceptionnellement fermé {_format_days(first.start, first.end)}.",
        )
    if not seat_problems:
        free = free_seats_throughout(rules, bookings, start, end)
        if rules.kind.is_exclusive and free < seats:
            refuse(
                ViolationCode.SLOT_TAKEN,
                "start",
                "Le créneau est déjà réservé"
                + (" (temps de battement compris)." if rules.gap else "."),
            )
        elif free < seats:
            refuse(
                ViolationCode.NOT_ENOUGH_SEATS,
                "seats",
                f"Il reste {count(free, 'place libre', 'places libres')} sur tout le créneau ; "
                f"la demande porte sur {seats}.",
            )
    return violations


def open_throughout(
    hours: WeeklyHours,
    closures: Sequence[DateRange],
    start: datetime,
    end: datetime,
    zone: tzinfo = PARIS,
) -> bool:
    """Whether the place is open all along [start, end): within its hours, in no closure."""
    start, end = _window(start, end)
    return not _closures_meeting(closures, start, end, zone) and covers(
        _opening_intervals(hours, start, end, zone), start, end
    )


def utc_offset(moment: datetime) -> timedelta:
    """The UTC offset of an aware datetime; ValueError for a naive one."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"{moment} has no time zone")
    return offset


def format_duration(duration: timedelta) -> str:
    """A duration in French: «2 jours», «1 h 30», «45 min»."""
    minutes = int(duration // timedelta(minutes=1))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [count(days, "jour")] if days else []
    if hours:
        parts.append(f"{hours} h {minutes:02d}" if minutes else f"{hours} h")
    elif minutes or not days:
        parts.append(f"{minutes} min")
    return " ".join(parts)


def _format_days(first: date, last: date) -> str:
    if first == last:
        return f"le {first:%d/%m/%Y}"
    return f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}"


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {moment!r}")
    return moment.astimezone(UTC)


def _window(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    start, end = _utc(start, "start"), _utc(end, "end")
    if end <= start:
        raise ValueError(f"empty window: {start} to {end}")
    return start, end


def _local_days(start: datetime, end: datetime, zone: tzinfo) -> tuple[date, date]:
    """The local dates of the first and last instants of [start, end)."""
    return start.astimezone(zone).date(), (end - _EPSILON).astimezone(zone).date()


@lru_cache(maxsize=65536)
def _day_opening(
    offsets: tuple[Interval[timedelta], ...], day: date, zone: tzinfo
) -> tuple[Interval[datetime], ...]:
    # Cached: thousands of spaces share a few patterns of hours, and conversions dominate.
    midnight = datetime.combine(day, MIDNIGHT)
    return tuple(
        Interval(
            wall_clock_instant(midnight + opens, zone), wall_clock_instant(midnight + closes, zone)
        )
        for opens, closes in offsets
    )


def _opening_hours_text(hours: WeeklyHours, day: date, zone: tzinfo) -> str:
    """Why a window is outside the hours, naming that weekday's hours (French)."""
    weekday = WEEKDAY_NAMES[day.weekday()]
    pieces = _day_opening(hours.by_weekday[day.weekday()], day, zone)
    if not pieces:
        return f"L'espace est fermé le {weekday} : choisissez un autre jour."
    ranges = " et ".join(
        f"de {piece.start.astimezone(zone):%Hh%M} à {piece.end.astimezone(zone):%Hh%M}"
        for piece in pieces
    )
    return (
        f"Le créneau demandé sort des horaires d'ouverture : le {weekday}, "
        f"l'espace est ouvert {ranges}."
    )


def _opening_intervals(
    hours: WeeklyHours, start: datetime, end: datetime, zone: tzinfo
) -> list[Interval[datetime]]:
    first_day, last_day = _local_days(start, end, zone)
    pieces: list[Interval[datetime]] = []
    day = first_day
    while day <= last_day:
        pieces.extend(_day_opening(hours.by_weekday[day.weekday()], day, zone))
        day += DAY
    return clip(normalise(pieces), start, end)


def _check_closure(closure: DateRange) -> DateRange:
    """The closure; ValueError unless it runs between dates (not datetimes), in order."""
    if isinstance(closure.start, datetime) or isinstance(closure.end, datetime):
        raise ValueError("a closure runs between dates, not datetimes")
    if closure.end < closure.start:
        raise ValueError(f"closure ends ({closure.end}) before it starts ({closure.start})")
    return closure


def _closures_meeting(
    closures: Iterable[DateRange], start: datetime, end: datetime, zone: tzinfo
) -> list[DateRange]:
    """The closures (checked: _check_closure) meeting [start, end). An instant is closed
    exactly when its local date lies in a closure, so dates suffice."""
    first_day, last_day = _local_days(start, end, zone)
    return [c for c in map(_check_closure, closures) if c.start <= last_day and first_day <= c.end]


def _closure_intervals(closures: Sequence[DateRange], zone: tzinfo) -> list[Interval[datetime]]:
    return normalise(local_days(c.start, c.end, zone) for c in closures)


def _seat_steps(
    capacity: int,
    loads: Sequence[tuple[datetime, datetime, int]],
    open_intervals: Sequence[Interval[datetime]],
) -> Iterator[SeatStep]:
    """Free seats over the open intervals, from the sorted load steps; a two-pointer sweep."""
    first = 0
    for open_start, open_end in open_intervals:
        while first < len(loads) and loads[first][1] <= open_start:
            first += 1
        pending: SeatStep | None = None
        cursor, index = open_start, first
        while cursor < open_end:
            if index < len(loads) and loads[index][0] < open_end:
                load_start, load_end, total = loads[index]
                if cursor < load_start:
                    step = SeatStep(cursor, load_start, capacity)
                else:
                    step = SeatStep(cursor, min(load_end, open_end), max(0, capacity - total))
                    index += 1
            else:
                step = SeatStep(cursor, open_end, capacity)
            cursor = step.end
            # Loads above capacity all clamp to zero: merge them into one step.
            if pending is not None and pending.free_seats == step.free_seats:
                pending = SeatStep(pending.start, step.end, step.free_seats)
            else:
                if pending is not None:
                    yield pending
                pending = step
        if pending is not None:
            yield pending


def exclusive_reach(start: datetime, end: datetime, gap: timedelta) -> tuple[datetime, datetime]:
    """(before, after): a booking takes an exclusive space for [start, end) when it starts
    before `before` and ends after `after`, its gap (SpaceRules.gap) kept on both sides.
    The one statement of the rule: free_seats_throughout applies it to bookings in memory,
    the search (queries.search_spaces) as a query."""
    return end + gap, start - gap


def free_seats_throughout(
    rules: SpaceRules, bookings: Iterable[BookedInterval], start: datetime, end: datetime
) -> int:
    """Seats free during all of [start, end), ignoring hours; an exclusive space has all or none."""
    if rules.kind.is_exclusive:
        before, after = exclusive_reach(start, end, rules.gap)
        taken = any(b.start < before and b.end > after for b in bookings)
        return 0 if taken else rules.capacity
    loads = load_steps(
        (b.start, b.end, b.seats) for b in bookings if b.start < end and start < b.end
    )
    return max(0, rules.capacity - max((total for *_, total in loads), default=0))


def _aligned_instants(
    first: datetime, last: datetime, granularity: timedelta, zone: tzinfo
) -> Iterator[datetime]:
    """Instants in [first, last], in order, whose local time is a multiple of `granularity`."""
    day, last_day = first.astimezone(zone).date(), last.astimezone(zone).date()
    marks_per_day = DAY // granularity
    while day <= last_day:
        midnight = datetime.combine(day, MIDNIGHT)
        day_start = wall_clock_instant(midnight, zone)
        if wall_clock_instant(midnight + DAY, zone) - day_start == DAY:
            # A 24-hour day keeps one UTC offset: the marks are evenly spaced.
            lowest = max(0, -((day_start - first) // granularity))
            highest = min(marks_per_day - 1, (last - day_start) // granularity)
            for mark in range(lowest, highest + 1):
                yield day_start + mark * granularity
        else:
            # A daylight-saving day: each wall-clock mark occurs zero, one or two times.
            instants = sorted(
                {
                    instant
                    for mark in range(marks_per_day)
                    for instant in _occurrences(midnight + mark * granularity, zone)
                    if first <= instant <= last
                }
            )
            yield from instants
        day += DAY


def _occurrences(local: datetime, zone: tzinfo) -> Iterator[datetime]:
    """The instants (UTC) at which the clock of `zone` shows exactly `local`."""
    for fold in (0, 1):
        instant = local.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == local:
            yield instant
