"""A place's week and closures in OpenStreetMap's opening_hours syntax (web.opendata.osm_hours).

The expected strings below follow the specification
(https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification); the property test reads
every value written back with a strict reader of the part of the syntax the module writes, and
finds the same week and closures."""

import re
from datetime import date, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.places.schedule import DateRange, OpeningRange
from maillage.web.opendata.osm_hours import DAYS, MONTHS, opening_hours

MIDNIGHT = time(0)


def week(*days_ranges):
    """OpeningRanges from (weekdays, ((opens, closes), …)) pairs, times as "HH:MM"."""
    return [
        OpeningRange(day, time.fromisoformat(opens), time.fromisoformat(closes))
        for days, ranges in days_ranges
        for day in days
        for opens, closes in ranges
    ]


WORKDAYS = range(5)


@pytest.mark.parametrize(
    ("ranges", "closures", "expected"),
    [
        ([], [], ""),
        ([], [DateRange(date(2026, 12, 24), date(2026, 12, 26))], ""),
        (
            week(
                (WORKDAYS, (("09:00", "12:30"), ("14:00", "19:00"))), ([5], (("10:00", "18:00"),))
            ),
            [],
            "Mo-Fr 09:00-12:30,14:00-19:00; Sa 10:00-18:00",
        ),
        (week(([0, 2, 3, 6], (("08:00", "20:00"),))), [], "Mo,We-Th,Su 08:00-20:00"),
        (week(([0, 1], (("18:00", "00:00"),))), [], "Mo-Tu 18:00-24:00"),
        (week((range(7), (("00:00", "00:00"),))), [], "24/7"),
        (week((range(6), (("00:00", "00:00"),))), [], "Mo-Sa 00:00-24:00"),
        (
            week(([4], (("14:00", "19:00"),)), ([1], (("09:00", "12:00"),))),
            [],
            "Tu 09:00-12:00; Fr 14:00-19:00",
        ),
        (
            week((WORKDAYS, (("09:00", "18:00"),))),
            [
                DateRange(date(2027, 1, 1), date(2027, 1, 1)),
                DateRange(date(2026, 12, 24), date(2026, 12, 31)),
            ],
            "Mo-Fr 09:00-18:00; 2026 Dec 24-2026 Dec 31 off; 2027 Jan 01 off",
        ),
        (
            week((range(7), (("00:00", "00:00"),))),
            [DateRange(date(2026, 12, 28), date(2027, 1, 3))],
            "24/7; 2026 Dec 28-2027 Jan 03 off",
        ),
    ],
)
def test_opening_hours(ranges, closures, expected):
    assert opening_hours(ranges, closures) == expected


# A strict reader of what the module writes: rules joined by «; », each a week rule (days
# then ranges), «24/7», or a dated closure.
DAY = "|".join(DAYS)
DAY_SELECTOR = rf"(?:{DAY})(?:-(?:{DAY}))?(?:,(?:{DAY})(?:-(?:{DAY}))?)*"
RANGE = r"(?:[01]\d|2[0-3]):[0-5]\d-(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)"
WEEK_RULE = re.compile(rf"(?P<days>{DAY_SELECTOR}) (?P<ranges>{RANGE}(?:,{RANGE})*)")
DATE = rf"\d{{4}} (?:{'|'.join(MONTHS)}) (?:0[1-9]|[12]\d|3[01])"
CLOSURE_RULE = re.compile(rf"(?P<start>{DATE})(?:-(?P<end>{DATE}))? off")


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _date(text: str) -> date:
    year, month, day = text.split()
    return date(int(year), MONTHS.index(month) + 1, int(day))


def read(value: str):
    """(weekday → sorted (start, end) minutes, [(first, last) closures]) of a value."""
    days: dict[int, list[tuple[int, int]]] = {}
    closures = []
    for rule in value.split("; "):
        if rule == "24/7":
            days.update({day: [(0, 1440)] for day in range(7)})
        elif match := WEEK_RULE.fullmatch(rule):
            ranges = [tuple(map(_minutes, r.split("-"))) for r in match["ranges"].split(",")]
            for part in match["days"].split(","):
                first, _, last = part.partition("-")
                for day in range(DAYS.index(first), DAYS.index(last or first) + 1):
                    assert day not in days, f"{DAYS[day]} named twice in {value!r}"
                    days[day] = ranges
        elif match := CLOSURE_RULE.fullmatch(rule):
            closures.append((_date(match["start"]), _date(match["end"] or match["start"])))
        else:
            raise AssertionError(f"not the syntax written: {rule!r} in {value!r}")
    return days, closures


def _clock(minutes: int) -> time:
    return MIDNIGHT if minutes == 1440 else time(minutes // 60, minutes % 60)


@st.composite
def weeks(draw):
    """A valid week: per day, sorted ranges on a 15-minute grid that do not overlap, the
    last one possibly closing at midnight."""
    ranges = []
    for day in range(7):
        marks = sorted(draw(st.sets(st.integers(0, 96), max_size=6)))
        for opens, closes in zip(marks[::2], marks[1::2], strict=False):
            ranges.append(OpeningRange(day, _clock(opens * 15), _clock(closes * 15)))
    return ranges


closures_strategy = st.lists(
    st.tuples(st.dates(date(2026, 1, 1), date(2029, 12, 31)), st.integers(0, 40)).map(
        lambda pair: DateRange(pair[0], pair[0] + timedelta(days=pair[1]))
    ),
    max_size=4,
)


@given(weeks(), closures_strategy)
def test_what_is_written_reads_back_as_the_same_week_and_closures(ranges, closures):
    value = opening_hours(ranges, closures)
    if not ranges:
        assert value == ""
        return
    days, read_closures = read(value)
    expected: dict[int, list[tuple[int, int]]] = {}
    for item in ranges:
        end = 1440 if item.closes == MIDNIGHT else item.closes.hour * 60 + item.closes.minute
        expected.setdefault(item.weekday, []).append(
            (item.opens.hour * 60 + item.opens.minute, end)
        )
    assert days == {day: sorted(spans) for day, spans in expected.items()}
    assert read_closures == sorted((c.start, c.end) for c in closures)
