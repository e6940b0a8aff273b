"""Reading busy times from iCalendar files (booking.ical_busy): recurrences, all-day events,
time zones, cancelled and transparent events, overrides, bad files."""

from datetime import UTC, datetime

import pytest

from maillage.booking import ical_busy
from maillage.booking.intervals import Interval
from tests.manager.ical.calendars import ics
from tests.moments import paris

YEAR_2027 = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))

PARIS_ZONE = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:STANDARD
DTSTART:19701025T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
END:VTIMEZONE"""


def busy(text: str, window=YEAR_2027) -> list[Interval[datetime]]:
    return list(ical_busy.busy_times(text.encode(), *window).intervals)


def spans(*pairs) -> list[Interval[datetime]]:
    return [Interval(s.astimezone(UTC), e.astimezone(UTC)) for s, e in pairs]


def test_a_single_event_in_utc_and_one_with_a_zone():
    text = ics(
        "UID:a\nDTSTART:20270302T080000Z\nDTEND:20270302T100000Z",
        "UID:b\nDTSTART;TZID=Europe/Paris:20270303T140000\nDTEND;TZID=Europe/Paris:20270303T153000",
    )
    assert busy(text) == spans(
        (paris(2027, 3, 2, 9), paris(2027, 3, 2, 11)),
        (paris(2027, 3, 3, 14), paris(2027, 3, 3, 15, 30)),
    )


def test_a_weekly_rule_keeps_its_local_time_across_daylight_saving_with_exceptions():
    # Mondays 9:00–11:00 Paris from 1 March to 5 April 2027 (summer time from 28 March);
    # 8 March excluded; 15 March moved to 14:00–15:00 by an override of the same UID.
    text = ics(
        "UID:weekly\nDTSTART;TZID=Europe/Paris:20270301T090000\n"
        "DTEND;TZID=Europe/Paris:20270301T110000\nRRULE:FREQ=WEEKLY;UNTIL=20270405T070000Z\n"
        "EXDATE;TZID=Europe/Paris:20270308T090000",
        "UID:weekly\nRECURRENCE-ID;TZID=Europe/Paris:20270315T090000\n"
        "DTSTART;TZID=Europe/Paris:20270315T140000\nDTEND;TZID=Europe/Paris:20270315T150000",
    ).replace("PRODID:-//Maillage tests//FR", "PRODID:-//Maillage tests//FR\r\n" + PARIS_ZONE)
    assert busy(text) == spans(
        (paris(2027, 3, 1, 9), paris(2027, 3, 1, 11)),
        (paris(2027, 3, 15, 14), paris(2027, 3, 15, 15)),
        (paris(2027, 3, 22, 9), paris(2027, 3, 22, 11)),
        (paris(2027, 3, 29, 9), paris(2027, 3, 29, 11)),  # summer time: 7:00 UTC
        (paris(2027, 4, 5, 9), paris(2027, 4, 5, 11)),  # UNTIL is inclusive
    )


def test_a_count_rule_with_rdate_and_a_cancelled_instance():
    text = ics(
        "UID:daily\nDTSTART:20270601T080000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=3\n"
        "RDATE:20270610T080000Z",
        "UID:daily\nRECURRENCE-ID:20270602T080000Z\nDTSTART:20270602T080000Z\n"
        "DURATION:PT1H\nSTATUS:CANCELLED",
    )
    hours = [(i.start.day, i.start.hour) for i in busy(text)]
    assert hours == [(1, 8), (3, 8), (10, 8)]


def test_all_day_events_take_whole_local_days_even_on_a_23_hour_day():
    text = ics(
        "UID:day\nDTSTART;VALUE=DATE:20270328\nDTEND;VALUE=DATE:20270329",
        "UID:nodend\nDTSTART;VALUE=DATE:20270601",  # no end: one day
    )
    assert busy(text) == spans(
        (paris(2027, 3, 28), paris(2027, 3, 29)),  # 23 hours
        (paris(2027, 6, 1), paris(2027, 6, 2)),
    )


def test_a_yearly_all_day_rule_is_expanded_over_the_window_only():
    text = ics("UID:y\nDTSTART;VALUE=DATE:20200714\nRRULE:FREQ=YEARLY")
    assert busy(text) == spans((paris(2027, 7, 14), paris(2027, 7, 15)))


def test_a_floating_time_is_paris_wall_clock():
    text = ics("UID:f\nDTSTART:20270105T090000\nDTEND:20270105T100000")
    assert busy(text) == spans((paris(2027, 1, 5, 9), paris(2027, 1, 5, 10)))


def test_transparent_cancelled_and_timeless_events_take_no_time():
    text = ics(
        "UID:t\nDTSTART:20270302T080000Z\nDTEND:20270302T100000Z\nTRANSP:TRANSPARENT",
        "UID:c\nDTSTART:20270303T080000Z\nDTEND:20270303T100000Z\nSTATUS:CANCELLED",
        "UID:r\nDTSTART:20270304T080000Z\nRRULE:FREQ=DAILY;COUNT=2\nSTATUS:CANCELLED",
        "UID:z\nDTSTART:20270305T080000Z",  # a moment, not a span
    )
    assert busy(text) == []


def test_overlapping_events_merge_and_the_window_clips_them():
    text = ics(
        "UID:a\nDTSTART:20261231T220000Z\nDTEND:20270101T020000Z",
        "UID:b\nDTSTART:20270101T010000Z\nDTEND:20270101T030000Z",
    )
    assert busy(text) == [
        Interval(datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, 3, tzinfo=UTC))
    ]


def test_an_unreadable_event_is_skipped_and_counted():
    text = ics(
        "UID:ok\nDTSTART:20270302T080000Z\nDTEND:20270302T090000Z",
        "UID:nostart\nDTEND:20270302T100000Z",
        "UID:backwards\nDTSTART:20270302T100000Z\nDTEND:20270302T090000Z",
    )
    result = ical_busy.busy_times(text.encode(), *YEAR_2027)
    assert (len(result.intervals), result.events, result.skipped) == (1, 1, 2)


@pytest.mark.parametrize(
    ("hostile", "skipped"),
    [
        ("DTSTART;VALUE=DATE:00010101", 1),  # its Paris midnight is before year 1 in UTC
        ("DTSTART:20270302T080000Z\nDURATION:P999999999D", 1),  # ends after year 9999
        ("DTSTART:20270302T080000Z\nDURATION:P99999999999999999999D", 1),  # a broken value
        ("DTSTART:2027\nDTEND:20270302T090000Z", 1),
        ("DTSTART:20270302T080000Z\nDTEND:20270302T090000Z\nDTEND:20270302T100000Z", 1),
        # An override of an instance that cannot be: it replaces nothing, itself read.
        ("DTSTART:20270303T080000Z\nRECURRENCE-ID;VALUE=DATE:00010101", 0),
    ],
)
def test_an_event_with_hostile_values_is_skipped_and_counted(hostile, skipped):
    text = ics("UID:ok\nDTSTART:20270302T080000Z\nDTEND:20270302T090000Z", f"UID:x\n{hostile}")
    result = ical_busy.busy_times(text.encode(), *YEAR_2027)
    assert (len(result.intervals), result.events, result.skipped) == (1, 2 - skipped, skipped)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=SECONDLY",
        "FREQ=SECONDLY;BYSETPOS=5",
        "FREQ=MINUTELY;BYSETPOS=5",
        "FREQ=HOURLY;BYSETPOS=2",
    ],
)
def test_a_rule_that_could_search_without_end_is_skipped_at_once(rule):
    text = ics(
        "UID:ok\nDTSTART:20270302T080000Z\nDTEND:20270302T090000Z",
        f"UID:x\nDTSTART:20270302T080000Z\nDURATION:PT1H\nRRULE:{rule}",
    )
    # Skipped before any instant is generated: a budget of one instant is not even spent (a
    # search without end, if it began, would hang until the suite's time limit).
    result = ical_busy.busy_times(text.encode(), *YEAR_2027, max_steps=1)
    assert (len(result.intervals), result.events, result.skipped) == (1, 1, 1)


@pytest.mark.parametrize(
    "data", [b"", b"<!doctype html><html><body>Agenda</body></html>", b"BEGIN:VEVENT\r\nEND:VEVENT"]
)
def test_what_is_not_a_calendar_is_refused(data):
    with pytest.raises(ical_busy.NotICalendar, match="pas un agenda iCalendar"):
        ical_busy.busy_times(data, *YEAR_2027)


def test_a_rule_generating_too_many_instants_is_refused():
    text = ics("UID:m\nDTSTART:20260101T000000Z\nDURATION:PT1M\nRRULE:FREQ=MINUTELY")
    with pytest.raises(ical_busy.TooComplex, match="plus de 1 000"):
        ical_busy.busy_times(text.encode(), *YEAR_2027, max_steps=1000)
    # Daily since 2026: far fewer instants, read.
    daily = ics("UID:d\nDTSTART:20260101T080000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY")
    assert len(ical_busy.busy_times(daily.encode(), *YEAR_2027, max_steps=1000).intervals) == 365


def test_too_many_busy_times_are_refused_early():
    # Every other minute all year: 262,800 instances in the window, none merging.
    text = ics("UID:m\nDTSTART:20270101T000000Z\nDURATION:PT1M\nRRULE:FREQ=MINUTELY;INTERVAL=2")
    # Refused early: the kept pieces are merged, and refused, as soon as they pass twice the
    # limit, so a budget of 10,001 instants (of the 262,800) meets the busy-time limit first.
    with pytest.raises(ical_busy.TooComplex, match="trop d'occupations.*plus de 5 000"):
        ical_busy.busy_times(text.encode(), *YEAR_2027, max_steps=2 * ical_busy.MAX_BUSY + 1)
    # Touching instances merge into one busy time: read.
    merged = ics(
        "UID:m\nDTSTART:20270101T000000Z\nDURATION:PT2M\nRRULE:FREQ=MINUTELY;INTERVAL=2;COUNT=20000"
    )
    assert len(ical_busy.busy_times(merged.encode(), *YEAR_2027).intervals) == 1
    # At the limit: read.
    daily = ics("UID:d\nDTSTART:20270101T080000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=50")
    assert len(ical_busy.busy_times(daily.encode(), *YEAR_2027, max_busy=50).intervals) == 50
    with pytest.raises(ical_busy.TooComplex, match="plus de 49"):
        ical_busy.busy_times(daily.encode(), *YEAR_2027, max_busy=49)
