"""The availability core against a minute-by-minute oracle, and on daylight-saving nights."""

from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.booking.availability import (
    DAY,
    MIDNIGHT,
    PARIS,
    BookedInterval,
    SpaceKind,
    SpaceRules,
    ViolationCode,
    WeeklyHours,
    bookable_slots,
    check_request,
    compute_availability,
    format_duration,
    open_throughout,
    wall_clock_instant,
)
from maillage.booking.intervals import Interval, intersect, normalise, overlaps
from maillage.places.schedule import DateRange, OpeningRange

# No example database (it would litter the shared working tree) and no deadline (no timing).
properties = settings(database=None, deadline=None, max_examples=100)

MINUTE = timedelta(minutes=1)
QUARTER = timedelta(minutes=15)
HOUR = timedelta(hours=1)
SPRING_2026, AUTUMN_2026 = date(2026, 3, 29), date(2026, 10, 25)
SPRING_2027, AUTUMN_2027 = date(2027, 3, 28), date(2027, 10, 31)
DST_DAYS = [SPRING_2026, AUTUMN_2026, SPRING_2027, AUTUMN_2027]
ORDINARY_DAY = date(2026, 6, 17)


def paris(day: date, hour: int = 0, minute: int = 0, fold: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).replace(fold=fold)


def local_midnight(day: date) -> datetime:
    return wall_clock_instant(datetime.combine(day, MIDNIGHT))


def total(intervals) -> timedelta:
    return sum((end - start for start, end in intervals), timedelta(0))


def every_day(opens: time, closes: time) -> WeeklyHours:
    return WeeklyHours(tuple(OpeningRange(weekday, opens, closes) for weekday in range(7)))


@dataclass(frozen=True)
class Scenario:
    rules: SpaceRules
    hours: WeeklyHours
    closures: tuple[DateRange, ...]
    bookings: tuple[BookedInterval, ...]
    start: datetime
    end: datetime

    def availability(self):
        return compute_availability(
            self.rules,
            self.start,
            self.end,
            hours=self.hours,
            closures=self.closures,
            bookings=self.bookings,
        )

    def check(self, start, end, seats, now):
        return check_request(
            self.rules,
            start,
            end,
            seats,
            now,
            hours=self.hours,
            closures=self.closures,
            bookings=self.bookings,
        )


def quarter_time(quarters: int) -> time:
    # 96 quarters is 24:00, written 00:00 as a closing time.
    return time(quarters // 4 % 24, quarters % 4 * 15)


@st.composite
def scenarios(draw, kinds=tuple(SpaceKind)):
    """A space around a daylight-saving night (or an ordinary day), everything on a 15-min grid."""
    day = draw(st.sampled_from([*DST_DAYS, ORDINARY_DAY]))
    start = local_midnight(day) + draw(st.integers(-24 * 4, 24 * 4)) * QUARTER
    end = start + draw(st.integers(1, 36 * 4)) * QUARTER
    kind = draw(st.sampled_from(kinds))
    buffers = st.sampled_from([0, 15, 30]) if kind.is_exclusive else st.just(0)
    rules = SpaceRules(
        kind,
        draw(st.integers(1, 5)),
        granularity=timedelta(minutes=draw(st.sampled_from([15, 30, 60, 120]))),
        buffer_before=timedelta(minutes=draw(buffers)),
        buffer_after=timedelta(minutes=draw(buffers)),
    )
    weekdays = sorted({(day + offset * DAY).weekday() for offset in (-1, 0, 1, 2)})
    ranges = []
    for _ in range(draw(st.integers(0, 6))):
        opens = draw(st.integers(0, 95))
        closes = draw(st.integers(opens + 1, 96))
        ranges.append(
            OpeningRange(draw(st.sampled_from(weekdays)), quarter_time(opens), quarter_time(closes))
        )
    closures = []
    for _ in range(draw(st.integers(0, 2))):
        first = day + draw(st.integers(-2, 2)) * DAY
        closures.append(DateRange(first, first + draw(st.integers(0, 1)) * DAY))
    seats = st.integers(1, rules.capacity + 2) if not kind.is_exclusive else st.just(1)
    window_quarters = (end - start) // QUARTER
    bookings = []
    for _ in range(draw(st.integers(0, 8))):
        booking_start = start + draw(st.integers(-6 * 4, window_quarters + 6 * 4)) * QUARTER
        booking_end = booking_start + draw(st.integers(1, 16)) * QUARTER
        bookings.append(BookedInterval(booking_start, booking_end, draw(seats)))
    return Scenario(
        rules, WeeklyHours(tuple(ranges)), tuple(closures), tuple(bookings), *[start, end]
    )


class Oracle:
    """The expected answers for a scenario, minute by minute, from first principles.

    A wall-clock time is the first minute whose local clock shows it or later (the documented
    rule), found by scanning local readings; a minute is closed when its local date is in a
    closure; seats are counted booking by booking.
    """

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        rules = scenario.rules
        self.origin = scenario.start - 2 * DAY
        count = (scenario.end + 2 * DAY - self.origin) // MINUTE
        self.instants = [self.origin + index * MINUTE for index in range(count)]
        self.local = [instant.astimezone(PARIS).replace(tzinfo=None) for instant in self.instants]
        self.highest_reading = list(accumulate(self.local, max))
        self.window = range(self.index(scenario.start), self.index(scenario.end))
        self.open = set()
        first_day = scenario.start.astimezone(PARIS).date() - DAY
        for offset in range((scenario.end - scenario.start).days + 4):
            day = first_day + offset * DAY
            midnight = datetime.combine(day, MIDNIGHT)
            for opens, closes in scenario.hours.by_weekday[day.weekday()]:
                reached = range(self.reach(midnight + opens), self.reach(midnight + closes))
                self.open.update(index for index in reached if index in self.window)
        self.closed = {
            index
            for index in self.window
            if any(c.start <= self.local[index].date() <= c.end for c in scenario.closures)
        }
        exclusive = rules.kind.is_exclusive
        self.load = {index: 0 for index in self.window}
        self.blocked = set()
        for booking in scenario.bookings:
            for index in self.window:
                instant = self.instants[index]
                if booking.start <= instant < booking.end:
                    self.load[index] += 1 if exclusive else booking.seats
                if booking.start - rules.gap <= instant < booking.end + rules.gap:
                    self.blocked.add(index)
        self.limit = 1 if exclusive else rules.capacity

    def index(self, instant: datetime) -> int:
        return (instant - self.origin) // MINUTE

    def reach(self, local: datetime) -> int:
        return bisect_left(self.highest_reading, local)

    def minutes(self, intervals) -> set[int]:
        return {
            index
            for start, end, *_ in intervals
            for index in range(self.index(start), self.index(end))
        }


def assert_normalised(intervals):
    assert list(intervals) == normalise(intervals)
    assert all(start.tzinfo is UTC and end.tzinfo is UTC for start, end in intervals)


@properties
@given(scenarios())
def test_free_booked_closed_partition_the_opening_hours(scenario):
    availability = scenario.availability()
    parts = [availability.free, availability.booked, availability.closed]
    for part in [availability.opening, *parts]:
        assert_normalised(part)
    for i, left in enumerate(parts):
        for right in parts[i + 1 :]:
            assert intersect(left, right) == []
    assert normalise(interval for part in parts for interval in part) == list(availability.opening)
    assert all(
        scenario.start <= start and end <= scenario.end for start, end in availability.opening
    )


@properties
@given(scenarios(kinds=[kind for kind in SpaceKind if kind.is_exclusive]))
def test_nothing_free_overlaps_a_booking_or_its_buffers(scenario):
    availability = scenario.availability()
    gap = scenario.rules.gap
    for booking in scenario.bookings:
        assert not overlaps(availability.free, booking.start - gap, booking.end + gap)


@properties
@given(scenarios(kinds=[SpaceKind.DESK]))
def test_free_seats_never_go_below_zero_and_cover_what_is_open(scenario):
    availability = scenario.availability()
    steps = availability.free_seats
    assert all(0 <= step.free_seats <= scenario.rules.capacity for step in steps)
    assert all(a.end < b.start or a.free_seats != b.free_seats for a, b in pairwise(steps))
    assert normalise(step[:2] for step in steps) == normalise(
        [*availability.free, *availability.booked]
    )


@properties
@given(scenarios())
def test_availability_matches_the_minute_by_minute_oracle(scenario):
    oracle = Oracle(scenario)
    availability = scenario.availability()
    open_now = oracle.open - oracle.closed
    assert oracle.minutes(availability.opening) == oracle.open
    assert oracle.minutes(availability.closed) == oracle.open & oracle.closed
    if scenario.rules.kind.is_exclusive:
        assert oracle.minutes(availability.booked) == open_now & oracle.blocked
        assert oracle.minutes(availability.free) == open_now - oracle.blocked
        assert availability.free_seats == ()
    else:
        capacity = scenario.rules.capacity
        expected = {index: max(0, capacity - oracle.load[index]) for index in open_now}
        found = {
            index: step.free_seats
            for step in availability.free_seats
            for index in oracle.minutes([step])
        }
        assert found == expected
        assert oracle.minutes(availability.booked) == {i for i, s in expected.items() if not s}
        assert oracle.minutes(availability.free) == {i for i, s in expected.items() if s}
        for seats in range(1, capacity + 1):
            assert oracle.minutes(availability.free_for(seats)) == {
                index for index, free in expected.items() if free >= seats
            }
    excess = {
        index: oracle.load[index] - oracle.limit
        for index in oracle.window
        if oracle.load[index] > oracle.limit
    }
    reported = {
        index: over.excess_seats
        for over in availability.overbooked
        for index in oracle.minutes([over])
    }
    assert reported == excess


@properties
@given(scenarios(), st.data())
def test_check_request_matches_the_oracle(scenario, data):
    oracle = Oracle(scenario)
    quarters = (scenario.end - scenario.start) // QUARTER
    first = data.draw(st.integers(0, quarters - 1))
    start = scenario.start + first * QUARTER
    end = scenario.start + data.draw(st.integers(first + 1, quarters)) * QUARTER
    seats = data.draw(st.integers(1, scenario.rules.capacity))
    codes = {v.code for v in scenario.check(start, end, seats, now=start - 400 * DAY)}
    asked = set(oracle.minutes([(start, end)]))
    assert (ViolationCode.OUTSIDE_OPENING_HOURS in codes) == (not asked <= oracle.open)
    assert (ViolationCode.DURING_CLOSURE in codes) == bool(asked & oracle.closed)
    if scenario.rules.kind.is_exclusive:
        assert (ViolationCode.SLOT_TAKEN in codes) == bool(asked & oracle.blocked)
    else:
        most = max(oracle.load[index] for index in asked)
        expected = most + seats > scenario.rules.capacity
        assert (ViolationCode.NOT_ENOUGH_SEATS in codes) == expected


@properties
@given(scenarios(), st.data())
def test_bookable_slots_are_exactly_the_requests_check_request_accepts(scenario, data):
    granularity = scenario.rules.granularity
    durations = [timedelta(0), 1 * granularity, 2 * granularity, 3 * granularity]
    rules = replace(
        scenario.rules,
        min_duration=data.draw(st.sampled_from(durations)),
        min_notice=data.draw(st.sampled_from([timedelta(0), HOUR, 4 * HOUR])),
    )
    rules = replace(
        rules,
        max_duration=data.draw(st.sampled_from([None, max(rules.min_duration, granularity)])),
        max_advance=data.draw(st.sampled_from([None, rules.min_notice, 12 * HOUR, 3 * DAY])),
    )
    scenario = replace(scenario, rules=rules)
    duration = data.draw(st.sampled_from([timedelta(minutes=10), *durations[1:]]))
    seats = data.draw(st.integers(1, rules.capacity + 1))
    now = scenario.start + data.draw(st.integers(-8 * 4, 8 * 4)) * QUARTER
    slots = bookable_slots(
        rules,
        scenario.start,
        scenario.end,
        duration,
        now,
        seats=seats,
        hours=scenario.hours,
        closures=scenario.closures,
        bookings=scenario.bookings,
    )
    assert all(slot.end - slot.start == duration for slot in slots)
    assert [slot.start for slot in slots] == sorted({slot.start for slot in slots})
    # Every minute whose local clock sits on the grid is a candidate start.
    candidates = []
    minute = scenario.start
    while minute + duration <= scenario.end:
        local = minute.astimezone(PARIS)
        if not timedelta(hours=local.hour, minutes=local.minute) % granularity:
            candidates.append(minute)
        minute += MINUTE
    accepted = [t for t in candidates if not scenario.check(t, t + duration, seats, now)]
    assert [slot.start for slot in slots] == accepted


# Daylight saving, on the four nights named in the issue.


@pytest.mark.parametrize(
    ("day", "length"),
    [(SPRING_2026, 23), (AUTUMN_2026, 25), (SPRING_2027, 23), (AUTUMN_2027, 25)],
)
def test_a_day_open_round_the_clock_lasts_23_or_25_hours(day, length):
    rules = SpaceRules(SpaceKind.DESK, 10)
    hours = WeeklyHours((OpeningRange(day.weekday(), MIDNIGHT, MIDNIGHT),))
    start, end = local_midnight(day), local_midnight(day + DAY)
    availability = compute_availability(rules, start - DAY, end + DAY, hours=hours)
    assert availability.opening == (Interval(start, end),)
    assert total(availability.opening) == length * HOUR
    closed = compute_availability(
        rules, start, end, hours=hours, closures=[DateRange(day, day)]
    ).closed
    assert total(closed) == length * HOUR


@pytest.mark.parametrize(
    ("day", "opens", "closes", "expected"),
    [
        # 02:00–03:00 does not exist in spring and happens twice in autumn.
        (SPRING_2026, time(2), time(3), timedelta(0)),
        (AUTUMN_2026, time(2), time(3), 2 * HOUR),
        (SPRING_2027, time(2), time(3), timedelta(0)),
        (AUTUMN_2027, time(2), time(3), 2 * HOUR),
        # A closing time in the gap closes when the gap ends; an ambiguous one the first time.
        (SPRING_2026, time(1, 30), time(2, 30), 30 * MINUTE),
        (AUTUMN_2026, time(1, 30), time(2, 30), HOUR),
        (SPRING_2026, time(1), time(4), 2 * HOUR),
        (AUTUMN_2026, time(1), time(4), 4 * HOUR),
    ],
)
def test_opening_hours_across_the_night_change(day, opens, closes, expected):
    rules = SpaceRules(SpaceKind.MEETING_ROOM, 4)
    hours = WeeklyHours((OpeningRange(day.weekday(), opens, closes),))
    availability = compute_availability(
        rules, local_midnight(day), local_midnight(day + DAY), hours=hours
    )
    assert total(availability.opening) == expected
    assert availability.free == availability.opening


def test_wall_clock_times_in_the_gap_move_to_its_end_and_ambiguous_ones_take_the_first():
    summer_three = datetime(2026, 3, 29, 1, tzinfo=UTC)
    assert wall_clock_instant(datetime(2026, 3, 29, 2)) == summer_three
    assert wall_clock_instant(datetime(2026, 3, 29, 2, 59)) == summer_three
    assert wall_clock_instant(datetime(2026, 3, 29, 3)) == summer_three
    assert wall_clock_instant(datetime(2026, 3, 29, 1, 59)) == datetime(
        2026, 3, 29, 0, 59, tzinfo=UTC
    )
    assert wall_clock_instant(datetime(2026, 10, 25, 2, 30)) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    assert wall_clock_instant(datetime(2026, 10, 25, 3)) == datetime(2026, 10, 25, 2, tzinfo=UTC)
    with pytest.raises(ValueError, match="naive"):
        wall_clock_instant(paris(ORDINARY_DAY, 9))


@pytest.mark.parametrize(
    ("day", "slots", "twice"),
    [(SPRING_2026, 46, []), (AUTUMN_2026, 50, [time(2), time(2, 30)])],
)
def test_slots_follow_the_local_clock_on_the_night_change(day, slots, twice):
    rules = SpaceRules(SpaceKind.MEETING_ROOM, 4)
    start, end = local_midnight(day), local_midnight(day + DAY)
    found = bookable_slots(
        rules, start, end, 30 * MINUTE, start - DAY, hours=every_day(MIDNIGHT, MIDNIGHT)
    )
    assert len(found) == slots
    clock = [slot.start.astimezone(PARIS).time() for slot in found]
    assert sorted(moment for moment in set(clock) if clock.count(moment) == 2) == twice
    assert (time(2) in clock) == bool(twice)


def test_a_two_hour_grid_skips_the_missing_hour():
    rules = SpaceRules(SpaceKind.MEETING_ROOM, 4, granularity=2 * HOUR)
    start, end = local_midnight(SPRING_2026), local_midnight(SPRING_2026 + DAY)
    found = bookable_slots(
        rules, start, end, 2 * HOUR, start - DAY, hours=every_day(MIDNIGHT, MIDNIGHT)
    )
    clock = [slot.start.astimezone(PARIS).hour for slot in found]
    # 02:00 does not exist.
    assert clock == [0, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]
    hours = every_day(MIDNIGHT, MIDNIGHT)
    codes = [
        v.code
        for v in check_request(
            rules, paris(SPRING_2026, 3), paris(SPRING_2026, 5), 1, start - DAY, hours=hours
        )
    ]
    assert codes == [ViolationCode.START_NOT_ALIGNED]


def test_durations_count_elapsed_time_across_the_night_change():
    rules = SpaceRules(SpaceKind.MEETING_ROOM, 4, min_duration=3 * HOUR)
    hours = every_day(MIDNIGHT, MIDNIGHT)
    now = paris(SPRING_2026) - DAY
    violations = check_request(
        rules, paris(SPRING_2026, 1), paris(SPRING_2026, 4), 1, now, hours=hours
    )
    assert [(v.code, v.message) for v in violations] == [
        (
            ViolationCode.TOO_SHORT,
            "La durée minimale de réservation est de 3 h ; la demande dure 2 h.",
        )
    ]
    autumn = check_request(rules, paris(AUTUMN_2026, 1), paris(AUTUMN_2026, 3), 1, now, hours=hours)
    assert autumn == []


# check_request: one test per rule, on a meeting room open Mon–Fri 9:00–12:30 and 14:00–19:00.

MONDAY = date(2026, 6, 1)
NOW = paris(MONDAY - 3 * DAY, 8)
OFFICE_HOURS = WeeklyHours(
    tuple(OpeningRange(weekday, time(9), time(12, 30)) for weekday in range(5))
    + tuple(OpeningRange(weekday, time(14), time(19)) for weekday in range(5))
)
ROOM = SpaceRules(
    SpaceKind.MEETING_ROOM,
    8,
    granularity=30 * MINUTE,
    min_duration=HOUR,
    max_duration=4 * HOUR,
    min_notice=2 * HOUR,
    max_advance=30 * DAY,
    buffer_after=15 * MINUTE,
)
DESKS = SpaceRules(SpaceKind.DESK, 3, granularity=30 * MINUTE)


def violations(start, end, seats=1, now=NOW, rules=ROOM, **known):
    return [
        (v.code, v.field, v.message)
        for v in check_request(rules, start, end, seats, now, hours=OFFICE_HOURS, **known)
    ]


def test_a_valid_request_breaks_no_rule():
    assert violations(paris(MONDAY, 9), paris(MONDAY, 11)) == []


@pytest.mark.parametrize(
    ("start", "end", "seats", "now", "expected"),
    [
        (
            paris(MONDAY, 9),
            paris(MONDAY, 10),
            1,
            paris(MONDAY, 10),
            (ViolationCode.PAST_START, "start", "La réservation doit commencer dans le futur."),
        ),
        (
            paris(MONDAY, 10),
            paris(MONDAY, 11),
            1,
            paris(MONDAY, 9),
            (
                ViolationCode.TOO_LITTLE_NOTICE,
                "start",
                "La réservation doit être faite au moins 2 h à l'avance.",
            ),
        ),
        (
            paris(MONDAY + 31 * DAY, 9),
            paris(MONDAY + 31 * DAY, 10),
            1,
            NOW,
            (
                ViolationCode.TOO_FAR_AHEAD,
                "start",
                "La réservation ne peut pas être faite plus de 30 jours à l'avance.",
            ),
        ),
        (
            paris(MONDAY, 9, 10),
            paris(MONDAY, 10, 10),
            1,
            NOW,
            (
                ViolationCode.START_NOT_ALIGNED,
                "start",
                "Le début doit tomber sur un créneau de 30 min à partir de minuit, "
                "par exemple 09:00 ou 09:30.",
            ),
        ),
        (
            paris(MONDAY, 9),
            paris(MONDAY, 10, 15),
            1,
            NOW,
            (
                ViolationCode.DURATION_NOT_ALIGNED,
                "end",
                "La durée doit être un multiple de 30 min ; la demande dure 1 h 15.",
            ),
        ),
        (
            paris(MONDAY, 9),
            paris(MONDAY, 9, 30),
            1,
            NOW,
            (
                ViolationCode.TOO_SHORT,
                "end",
                "La durée minimale de réservation est de 1 h ; la demande dure 30 min.",
            ),
        ),
        (
            paris(MONDAY, 14),
            paris(MONDAY, 18, 30),
            1,
            NOW,
            (
                ViolationCode.TOO_LONG,
                "end",
                "La durée maximale de réservation est de 4 h ; la demande dure 4 h 30.",
            ),
        ),
        (
            paris(MONDAY, 12),
            paris(MONDAY, 13),
            1,
            NOW,
            (
                ViolationCode.OUTSIDE_OPENING_HOURS,
                "start",
                "Le créneau demandé sort des horaires d'ouverture : le lundi, "
                "l'espace est ouvert de 09h00 à 12h30 et de 14h00 à 19h00.",
            ),
        ),
        (
            paris(MONDAY + 5 * DAY, 9),
            paris(MONDAY + 5 * DAY, 10),
            1,
            NOW,
            (
                ViolationCode.OUTSIDE_OPENING_HOURS,
                "start",
                "L'espace est fermé le samedi : choisissez un autre jour.",
            ),
        ),
        (
            paris(MONDAY, 9),
            paris(MONDAY, 10),
            0,
            NOW,
            (ViolationCode.INVALID_SEATS, "seats", "Le nombre de places doit être au moins 1."),
        ),
        (
            paris(MONDAY, 9),
            paris(MONDAY, 10),
            9,
            NOW,
            (
                ViolationCode.OVER_CAPACITY,
                "seats",
                "L'espace accueille au plus 8 personnes ; la demande porte sur 9.",
            ),
        ),
    ],
)
def test_each_rule_is_named(start, end, seats, now, expected):
    assert violations(start, end, seats, now) == [expected]


@pytest.mark.parametrize("end_hour", [9, 10])
def test_end_not_after_start(end_hour):
    assert violations(paris(MONDAY, 10), paris(MONDAY, end_hour)) == [
        (
            ViolationCode.END_NOT_AFTER_START,
            "end",
            "La fin de la réservation doit être après son début.",
        )
    ]


def test_during_a_closure():
    closures = [
        DateRange(MONDAY - DAY, MONDAY + DAY),
        DateRange(MONDAY + 7 * DAY, MONDAY + 7 * DAY),
    ]
    assert violations(paris(MONDAY, 9), paris(MONDAY, 10), closures=closures) == [
        (
            ViolationCode.DURING_CLOSURE,
            "start",
            "L'espace est exceptionnellement fermé du 31/05/2026 au 02/06/2026.",
        )
    ]
    assert violations(paris(MONDAY, 9), paris(MONDAY, 10), closures=closures[1:]) == []


def test_slot_taken_counts_the_buffers():
    booked = [BookedInterval(paris(MONDAY, 10), paris(MONDAY, 11))]
    taken = (
        ViolationCode.SLOT_TAKEN,
        "start",
        "Le créneau est déjà réservé (temps de battement compris).",
    )
    assert violations(paris(MONDAY, 10, 30), paris(MONDAY, 11, 30), bookings=booked) == [taken]
    # The 15-minute clean-up keeps the room until 11:15.
    assert violations(paris(MONDAY, 11), paris(MONDAY, 12), bookings=booked) == [taken]
    assert violations(paris(MONDAY, 9), paris(MONDAY, 10), bookings=booked) == [taken]
    assert violations(paris(MONDAY, 11, 30), paris(MONDAY, 12, 30), bookings=booked) == []
    plain = replace(ROOM, buffer_after=timedelta(0))
    assert violations(paris(MONDAY, 11), paris(MONDAY, 12), rules=plain, bookings=booked) == []
    assert violations(paris(MONDAY, 10), paris(MONDAY, 11), rules=plain, bookings=booked) == [
        (ViolationCode.SLOT_TAKEN, "start", "Le créneau est déjà réservé.")
    ]


def test_not_enough_free_seats():
    booked = [
        BookedInterval(paris(MONDAY, 9), paris(MONDAY, 10), seats=2),
        BookedInterval(paris(MONDAY, 9, 30), paris(MONDAY, 11), seats=1),
    ]
    assert violations(
        paris(MONDAY, 9), paris(MONDAY, 11), seats=1, rules=DESKS, bookings=booked
    ) == [
        (
            ViolationCode.NOT_ENOUGH_SEATS,
            "seats",
            "Il reste 0 place libre sur tout le créneau ; la demande porte sur 1.",
        )
    ]
    assert violations(
        paris(MONDAY, 10), paris(MONDAY, 11), seats=3, rules=DESKS, bookings=booked
    ) == [
        (
            ViolationCode.NOT_ENOUGH_SEATS,
            "seats",
            "Il reste 2 places libres sur tout le créneau ; la demande porte sur 3.",
        )
    ]
    assert (
        violations(paris(MONDAY, 10), paris(MONDAY, 11), seats=2, rules=DESKS, bookings=booked)
        == []
    )
    assert violations(paris(MONDAY, 9), paris(MONDAY, 10), seats=4, rules=DESKS) == [
        (
            ViolationCode.OVER_CAPACITY,
            "seats",
            "L'espace compte 3 places ; la demande porte sur 4.",
        )
    ]


def test_several_rules_are_reported_together():
    codes = [code for code, *_ in violations(paris(MONDAY, 12, 10), paris(MONDAY, 12, 40), 9)]
    assert codes == [
        ViolationCode.START_NOT_ALIGNED,
        ViolationCode.OVER_CAPACITY,
        ViolationCode.TOO_SHORT,
        ViolationCode.OUTSIDE_OPENING_HOURS,
    ]


def test_overbooked_data_is_reported_not_hidden():
    booked = [
        BookedInterval(paris(MONDAY, 9), paris(MONDAY, 12), seats=2),
        BookedInterval(paris(MONDAY, 10), paris(MONDAY, 11), seats=3),
    ]
    availability = compute_availability(
        DESKS, paris(MONDAY), paris(MONDAY + DAY), hours=OFFICE_HOURS, bookings=booked
    )
    assert [(s.start, s.end, s.free_seats) for s in availability.free_seats[:4]] == [
        (paris(MONDAY, 9), paris(MONDAY, 10), 1),
        (paris(MONDAY, 10), paris(MONDAY, 11), 0),
        (paris(MONDAY, 11), paris(MONDAY, 12), 1),
        (paris(MONDAY, 12), paris(MONDAY, 12, 30), 3),
    ]
    assert [tuple(over) for over in availability.overbooked] == [
        (paris(MONDAY, 10), paris(MONDAY, 11), 2)
    ]


def test_week_view_of_a_meeting_room():
    booked = [BookedInterval(paris(MONDAY, 10), paris(MONDAY, 11))]
    availability = compute_availability(
        ROOM,
        paris(MONDAY),
        paris(MONDAY + 7 * DAY),
        hours=OFFICE_HOURS,
        closures=[DateRange(MONDAY + 4 * DAY, MONDAY + 4 * DAY)],
        bookings=booked,
    )
    assert total(availability.opening) == 5 * 8.5 * HOUR
    assert total(availability.closed) == 8.5 * HOUR
    assert availability.booked == (Interval(paris(MONDAY, 9, 45), paris(MONDAY, 11, 15)),)
    assert total(availability.free) == 4 * 8.5 * HOUR - 1.5 * HOUR
    assert availability.free_for(8) == availability.free
    assert availability.free_for(9) == ()


def test_bookable_slots_for_a_duration():
    booked = [BookedInterval(paris(MONDAY, 10), paris(MONDAY, 11))]
    slots = bookable_slots(
        ROOM,
        paris(MONDAY),
        paris(MONDAY + DAY),
        HOUR,
        NOW,
        hours=OFFICE_HOURS,
        bookings=booked,
    )
    starts = [slot.start.astimezone(PARIS).strftime("%H:%M") for slot in slots]
    assert starts[:3] == ["11:30", "14:00", "14:30"]
    assert starts[-1] == "18:00"
    assert (
        bookable_slots(ROOM, paris(MONDAY), paris(MONDAY + DAY), 5 * HOUR, NOW, hours=OFFICE_HOURS)
        == []
    )
    assert (
        bookable_slots(
            ROOM, paris(MONDAY), paris(MONDAY + DAY), HOUR, NOW, seats=9, hours=OFFICE_HOURS
        )
        == []
    )


# Inputs are validated.


def test_naive_datetimes_are_rejected():
    naive = datetime(2026, 6, 1, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        BookedInterval(naive, paris(MONDAY, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_availability(ROOM, naive, paris(MONDAY, 10), hours=OFFICE_HOURS)
    with pytest.raises(ValueError, match="timezone-aware"):
        check_request(ROOM, paris(MONDAY, 9), paris(MONDAY, 10), 1, naive, hours=OFFICE_HOURS)
    with pytest.raises(ValueError, match="timezone-aware"):
        open_throughout(OFFICE_HOURS, [], paris(MONDAY, 9), naive)


def test_bookings_are_stored_in_utc():
    booking = BookedInterval(paris(MONDAY, 9), paris(MONDAY, 10))
    assert booking.start == datetime(2026, 6, 1, 7, tzinfo=UTC)
    assert booking.start.tzinfo is UTC


@pytest.mark.parametrize(
    "build",
    [
        lambda: WeeklyHours((OpeningRange(7, time(9), time(10)),)),
        lambda: WeeklyHours((OpeningRange(0, time(10), time(9)),)),
        lambda: WeeklyHours((OpeningRange(0, time(9), time(9)),)),
        lambda: WeeklyHours((OpeningRange(0, time(9, tzinfo=UTC), time(10)),)),
        lambda: open_throughout(
            OFFICE_HOURS,
            [DateRange(date(2026, 6, 2), date(2026, 6, 1))],
            paris(MONDAY, 9),
            paris(MONDAY, 10),
        ),
        lambda: check_request(
            ROOM,
            paris(MONDAY, 9),
            paris(MONDAY, 10),
            1,
            NOW,
            hours=OFFICE_HOURS,
            closures=[DateRange(datetime(2026, 6, 1), date(2026, 6, 1))],
        ),
        lambda: BookedInterval(paris(MONDAY, 10), paris(MONDAY, 10)),
        lambda: BookedInterval(paris(MONDAY, 10), paris(MONDAY, 11), seats=0),
        lambda: BookedInterval(paris(MONDAY, 10), paris(MONDAY, 11), seats=True),
        lambda: SpaceRules(SpaceKind.DESK, 0),
        lambda: SpaceRules(SpaceKind.DESK, 4, granularity=timedelta(minutes=7)),
        lambda: SpaceRules(SpaceKind.DESK, 4, granularity=timedelta(seconds=90)),
        lambda: SpaceRules(SpaceKind.DESK, 4, buffer_after=QUARTER),
        lambda: SpaceRules(SpaceKind.WORKSHOP, 4, min_duration=2 * HOUR, max_duration=HOUR),
        lambda: SpaceRules(SpaceKind.WORKSHOP, 4, min_notice=DAY, max_advance=HOUR),
        lambda: SpaceRules(SpaceKind.WORKSHOP, 4, buffer_before=-QUARTER),
        lambda: SpaceRules("sauna", 4),
    ],
)
def test_bad_inputs_raise(build):
    with pytest.raises(ValueError):
        build()


def test_rules_accept_kind_names_and_weekly_hours_merge_overlaps():
    assert SpaceRules("event_hall", 40).kind is SpaceKind.EVENT_HALL
    hours = WeeklyHours((OpeningRange(0, time(9), time(12)), OpeningRange(0, time(11), time(14))))
    assert hours.by_weekday[0] == (Interval(timedelta(hours=9), timedelta(hours=14)),)
    with pytest.raises(ValueError):
        compute_availability(ROOM, paris(MONDAY, 10), paris(MONDAY, 10), hours=hours)


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(0), "0 min"),
        (timedelta(minutes=45), "45 min"),
        (HOUR, "1 h"),
        (timedelta(hours=1, minutes=5), "1 h 05"),
        (DAY, "1 jour"),
        (30 * DAY, "30 jours"),
        (DAY + 2 * HOUR, "1 jour 2 h"),
        (2 * DAY + timedelta(minutes=30), "2 jours 30 min"),
    ],
)
def test_durations_read_in_french(duration, text):
    assert format_duration(duration) == text
