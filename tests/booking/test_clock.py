"""Local times that do not exist or exist twice, over every Paris transition 2020–2035."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.booking.availability import (
    PARIS,
    clock_gap,
    wall_clock_instant,
    wall_clock_instants,
)

YEARS = range(2020, 2036)
HOUR = timedelta(hours=1)


def last_sunday(year: int, month: int) -> date:
    """The EU rule (directive 2000/84/EC): clocks change on the last Sunday of March and
    October at 01:00 UTC, that is 02:00 → 03:00 in spring and 03:00 → 02:00 in autumn in Paris."""
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def in_skipped_hour(local: datetime) -> bool:
    return local.date() == last_sunday(local.year, 3) and local.hour == 2


def in_repeated_hour(local: datetime) -> bool:
    return local.date() == last_sunday(local.year, 10) and local.hour == 2


def check(local: datetime) -> None:
    instants = wall_clock_instants(local)
    for instant in instants:
        assert instant.tzinfo is UTC
        assert instant.astimezone(PARIS).replace(tzinfo=None) == local
    if in_skipped_hour(local):
        assert instants == ()
        night = datetime.combine(local.date(), time())
        assert clock_gap(local) == (night + 2 * HOUR, night + 3 * HOUR)
        # The neighbours offered instead do exist.
        assert len(wall_clock_instants(night + 2 * HOUR - timedelta(minutes=1))) == 1
        assert len(wall_clock_instants(night + 3 * HOUR)) == 1
    elif in_repeated_hour(local):
        assert len(instants) == 2
        summer, winter = instants
        assert winter - summer == HOUR
        assert summer.astimezone(PARIS).utcoffset() == 2 * HOUR
        assert winter.astimezone(PARIS).utcoffset() == HOUR
        assert wall_clock_instant(local) == summer
        assert clock_gap(local) is None
    else:
        assert instants == (wall_clock_instant(local),)
        assert clock_gap(local) is None


def test_every_minute_of_every_transition_night():
    for year in YEARS:
        for month in (3, 10):
            night = datetime.combine(last_sunday(year, month), time())
            for minute in range(24 * 60):
                check(night + timedelta(minutes=minute))


near_transitions = st.builds(
    lambda year, month, seconds: (
        datetime.combine(last_sunday(year, month), time()) + timedelta(seconds=seconds)
    ),
    st.sampled_from(YEARS),
    st.sampled_from((3, 10)),
    st.integers(-6 * 3600, 30 * 3600),
)
any_moment = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31, 23))


@settings(max_examples=500)
@given(st.one_of(near_transitions, any_moment))
def test_times_exist_once_except_on_transition_nights(local):
    check(local)


def test_aware_times_are_refused():
    with pytest.raises(ValueError, match="naive"):
        wall_clock_instants(datetime(2026, 3, 29, 2, 30, tzinfo=UTC))
