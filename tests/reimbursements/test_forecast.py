"""When an envelope runs out at the last 30 days' pace (reimbursements.forecast, pure)."""

from datetime import date

import pytest

from maillage.reimbursements import forecast
from maillage.reimbursements.forecast import runs_out_on

TODAY = date(2026, 12, 1)


def test_a_steady_pace_empties_the_envelope_after_whole_days():
    # 30 € a day for 30 days; 300 € left: ten days.
    assert runs_out_on(30_000, 90_000, TODAY) == date(2026, 12, 11)


def test_a_part_of_a_day_counts_as_the_day_it_runs_out():
    # 100 cents left at 30 cents a day: 3 1/3 days, empty on the fourth.
    assert runs_out_on(100, 900, TODAY) == date(2026, 12, 5)
    # Exactly 4 days of it: still the fourth.
    assert runs_out_on(120, 900, TODAY) == date(2026, 12, 5)
    # One cent more: the fifth.
    assert runs_out_on(121, 900, TODAY) == date(2026, 12, 6)


def test_a_tiny_remainder_runs_out_tomorrow():
    assert runs_out_on(1, 1_000_000, TODAY) == date(2026, 12, 2)


def test_no_pace_never_runs_out():
    assert runs_out_on(50_000, 0, TODAY) is None


def test_more_given_back_than_spent_never_runs_out():
    assert runs_out_on(50_000, -600, TODAY) is None


def test_nothing_left_ran_out_today_whatever_the_pace():
    assert runs_out_on(0, 900, TODAY) == TODAY
    assert runs_out_on(0, 0, TODAY) == TODAY


def test_the_window_sets_the_pace():
    # 700 cents over 7 days: 100 a day; 1000 left: ten days.
    assert runs_out_on(1000, 700, TODAY, window_days=7) == date(2026, 12, 11)


def test_a_day_past_the_calendar_is_none():
    assert runs_out_on(10**15, 1, TODAY) is None


def test_it_crosses_months_and_years():
    assert runs_out_on(3100, 3000, date(2026, 12, 31)) == date(2027, 1, 31)


@pytest.mark.parametrize(("left", "window"), [(-1, 30), (100, 0), (100, -3)])
def test_nonsense_is_refused(left, window):
    with pytest.raises(ValueError):
        runs_out_on(left, 100, TODAY, window_days=window)


def test_a_day_beyond_five_years_is_far():
    today = date(2026, 12, 1)
    assert not forecast.is_far(date(2031, 11, 30), today)
    assert forecast.is_far(date(2031, 12, 3), today)
