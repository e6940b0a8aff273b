"""The busy times an iCalendar file (RFC 5545) publishes: the pure core of a space's external
calendar import (no Django; booking.external_calendars fetches the file and stores the result).

`busy_times(data, start, end)` reads every VEVENT and returns the merged intervals (UTC) it
keeps busy within [start, end):
- recurrences are expanded: RRULE (with UNTIL or COUNT), RDATE, EXDATE, and the instances a
  later VEVENT of the same UID overrides (RECURRENCE-ID) are replaced by that VEVENT;
- an all-day event (DTSTART a DATE) takes its whole local days in `zone`, 23 or 25 hours on
  daylight-saving nights; a floating time (no zone) is a wall-clock time in `zone`; a TZID
  is honoured (the file's VTIMEZONE, or the IANA zone of that name);
- an event STATUS:CANCELLED, TRANSP:TRANSPARENT (shown as free), or without duration (a
  DTSTART time and neither DTEND nor DURATION) takes no time;
- an event that cannot be read (no DTSTART, an end before its start, a rule dateutil refuses,
  a date no instant can hold such as 0001-01-01 in Paris time) is left out and counted in
  `skipped`, so one odd event does not stop the import.

Work is bounded, then TooComplex: MAX_STEPS recurrence instants in all (a rule every minute
since 1990 would otherwise take hours), and `max_busy` merged busy intervals in the window
(what an import stores and every booking check reads), checked as they come so that a rule
producing hundreds of thousands of them stops early.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from dateutil.rrule import rruleset, rrulestr  # type: ignore[import-untyped]
from icalendar import Calendar, Component, Event

from maillage.booking.availability import PARIS, wall_clock_instant
from maillage.booking.intervals import Interval, clip, normalise

# Recurrence instants generated for one file, before or in the window, at most (about two
# seconds of dateutil's work).
MAX_STEPS = 100_000
# Merged busy intervals kept in the window, at most (the default of MAILLAGE_ICAL_MAX_BUSY).
MAX_BUSY = 5_000


class NotICalendar(Exception):
    """The data is not an iCalendar file (a VCALENDAR)."""


class TooComplex(Exception):
    """The file's recurrences generate more than `max_steps` instants, or more than
    `max_busy` merged busy intervals in the window."""


@dataclass(frozen=True)
class BusyTimes:
    """What a file keeps busy within the window: merged [start, end) intervals in UTC,
    earliest first; how many events were read (`events`) and how many could not be
    (`skipped`)."""

    intervals: tuple[Interval[datetime], ...]
    events: int
    skipped: int


class _Unreadable(ValueError):
    """One event cannot be read: it is skipped."""


# What reading one event's values may raise on a hostile file: icalendar's broken properties
# (ValueError), a property given twice (a list: TypeError), dates past datetime's range.
UNREADABLE = (ValueError, TypeError, AttributeError, OverflowError)


Moment = date | datetime  # a DATE or a DATE-TIME value, naive (floating) or aware


def busy_times(
    data: bytes,
    start: datetime,
    end: datetime,
    zone: tzinfo = PARIS,
    *,
    max_steps: int = MAX_STEPS,
    max_busy: int = MAX_BUSY,
) -> BusyTimes:
    """The busy times of the iCalendar `data` within [start, end) (aware datetimes), read
    in `zone` for all-day events and floating times. Raises NotICalendar when `data` is not
    one, TooComplex when its recurrences generate more than `max_steps` instants or its busy
    times more than `max_busy` merged intervals within the window."""
    calendar = _calendar(data)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    events = [event for event in calendar.walk("VEVENT") if isinstance(event, Event)]
    # Instances replaced by another VEVENT of the same UID: (uid, instant of RECURRENCE-ID).
    replaced: set[tuple[str, datetime]] = set()
    for event in events:
        if (recurrence_id := event.get("RECURRENCE-ID")) is not None:
            try:
                replaced.add((str(event.get("UID", "")), _instant(recurrence_id.dt, zone)))
            except UNREADABLE:
                continue  # the override is then counted as skipped below
    budget = _Budget(max_steps)
    kept = _Kept(max_busy)
    skipped = 0
    for event in events:
        if not _blocks(event):
            continue
        try:
            for piece in _event_intervals(event, start, end, zone, replaced, budget):
                kept.add(piece)
        except UNREADABLE:
            skipped += 1
    return BusyTimes(tuple(clip(kept.merged(), start, end)), len(events) - skipped, skipped)


def _calendar(data: bytes) -> Component:
    message = "Le fichier reçu n'est pas un agenda iCalendar (.ics)."
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise NotICalendar(message) from error
    if getattr(calendar, "name", None) != "VCALENDAR":
        raise NotICalendar(message)
    return calendar


def _blocks(event: Event) -> bool:
    """Whether the event keeps time busy at all: neither cancelled nor shown as free."""
    status = str(event.get("STATUS", "")).upper()
    transparency = str(event.get("TRANSP", "")).upper()
    return status != "CANCELLED" and transparency != "TRANSPARENT"


def _too_many(what: str, limit: int) -> TooComplex:
    return TooComplex(
        f"{what} (plus de {limit:_}) : il ne peut pas être importé.".replace("_", " ")
    )


class _Budget:
    """The recurrence instants still allowed for the file."""

    def __init__(self, steps: int) -> None:
        self.steps = self.left = steps

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _too_many(
                "Les répétitions du calendrier produisent trop d'occurrences", self.steps
            )


class _Kept:
    """The busy intervals found so far, merged each time they pass twice `limit`:
    TooComplex as soon as more than `limit` remain once merged."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.pieces: list[Interval[datetime]] = []

    def add(self, piece: Interval[datetime]) -> None:
        self.pieces.append(piece)
        if len(self.pieces) > 2 * self.limit:
            self.merged()

    def merged(self) -> list[Interval[datetime]]:
        self.pieces = normalise(self.pieces)
        if len(self.pieces) > self.limit:
            raise _too_many(
                "L'agenda compte trop d'occupations sur la période importée", self.limit
            )
        return self.pieces


def _value(event: Event, name: str) -> Any:
    prop = event.get(name)
    return None if prop is None else getattr(prop, "dt", prop)


def _length(event: Event, first: Moment, zone: tzinfo) -> timedelta:
    """How long each instance lasts: DTEND − DTSTART, or DURATION, or a day for an all-day
    event; zero for a time without either (it takes no time)."""
    last = _value(event, "DTEND")
    duration = _value(event, "DURATION")
    if last is not None:
        if isinstance(first, datetime) != isinstance(last, datetime):
            raise _Unreadable("DTSTART and DTEND of different types")
        if isinstance(first, datetime):
            last = _as_datetime(last, first, zone)
        length: timedelta = last - first
    elif isinstance(duration, timedelta):
        length = duration
    else:
        length = timedelta(days=0 if isinstance(first, datetime) else 1)
    if length < timedelta(0):
        raise _Unreadable("ends before it starts")
    return length


def _as_datetime(moment: Moment, like: datetime, zone: tzinfo) -> datetime:
    """`moment` as a datetime comparable with `like` (both naive or both aware)."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(0))
    if like.tzinfo is None and moment.tzinfo is not None:
        return moment.astimezone(zone).replace(tzinfo=None)
    if like.tzinfo is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=like.tzinfo)
    return moment


def _instant(moment: Moment, zone: tzinfo) -> datetime:
    """The UTC instant a DATE (its local midnight), floating or aware DATE-TIME designates."""
    if not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(0))
    if moment.tzinfo is None:
        return wall_clock_instant(moment, zone)
    return moment.astimezone(UTC)


# With these (a busy time repeating every second; INTERVAL below 1; BYSETPOS on a rule
# repeating within a day), dateutil may search without end, yielding no instance the budget
# would count.
SUB_DAILY = {"SECONDLY", "MINUTELY", "HOURLY"}


def _refuse_endless(fields: dict[str, list[object]]) -> None:
    """Raise _Unreadable for a recurrence rule (RFC 5545 §3.3.10 RECUR, as icalendar parses
    it: lists of values by part) that could make the expansion search without end."""
    frequency = str((fields.get("FREQ") or [""])[0]).upper()
    intervals = fields.get("INTERVAL") or [1]
    if frequency == "SECONDLY":
        raise _Unreadable("FREQ=SECONDLY")
    if any(not isinstance(value, int) or value < 1 for value in intervals):
        raise _Unreadable("INTERVAL below 1")
    if fields.get("BYSETPOS") and frequency in SUB_DAILY:
        raise _Unreadable("BYSETPOS under a day")


def _starts(event: Event, dtstart: datetime, zone: tzinfo, budget: _Budget) -> Iterator[datetime]:
    """The instances' starts, in order, as naive or aware datetimes like `dtstart`."""
    rules = event.rrules
    if not rules and event.get("RDATE") is None:
        budget.spend()
        yield dtstart
        return
    recurrence = rruleset()
    recurrence.rdate(dtstart)  # DTSTART is the first instance (RFC 5545 §3.8.5.3)
    try:
        for rule in rules:
            fields = dict(rule)
            _refuse_endless(fields)
            until = fields.pop("UNTIL", None)
            text = type(rule)(fields).to_ical().decode()
            parsed = rrulestr(text, dtstart=dtstart)
            if until:
                # UNTIL is inclusive; a DATE means the whole day.
                last = until[0]
                if not isinstance(last, datetime):
                    last = datetime.combine(last, time.max)
                parsed = parsed.replace(until=_as_datetime(last, dtstart, zone))
            recurrence.rrule(parsed)
        for first, _period_end in event.rdates:
            recurrence.rdate(_as_datetime(first, dtstart, zone))
        for excluded in event.exdates:
            recurrence.exdate(_as_datetime(excluded, dtstart, zone))
    except (ValueError, TypeError, KeyError) as error:
        raise _Unreadable(str(error)) from error
    try:
        for instance in recurrence:
            budget.spend()
            yield instance
    except TypeError as error:  # naive and aware values mixed in the set
        raise _Unreadable(str(error)) from error


def _event_intervals(
    event: Event,
    start: datetime,
    end: datetime,
    zone: tzinfo,
    replaced: set[tuple[str, datetime]],
    budget: _Budget,
) -> Iterator[Interval[datetime]]:
    """The UTC intervals of the event's instances meeting [start, end)."""
    first = _value(event, "DTSTART")
    if not isinstance(first, date):
        raise _Unreadable("no DTSTART")
    length = _length(event, first, zone)
    all_day = not isinstance(first, datetime)
    dtstart = _as_datetime(first, first if isinstance(first, datetime) else datetime.min, zone)
    uid = str(event.get("UID", ""))
    is_override = event.get("RECURRENCE-ID") is not None
    for instance in _starts(event, dtstart, zone, budget):
        begins = _instant(instance, zone)
        if begins >= end:
            return
        if not is_override and (uid, begins) in replaced:
            continue
        if all_day or instance.tzinfo is None:
            ends = wall_clock_instant(instance + length, zone)
        else:
            ends = (instance + length).astimezone(UTC)
        if ends > start and ends > begins:
            yield Interval(begins, ends)
