from datetime import date, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from maillage.places.schedule import (
    MAX_CLOSURE_DAYS,
    DateRange,
    OpeningRange,
    closure_errors,
    opening_hours_errors,
    opening_range_error,
    overlapping_opening_ranges,
    range_label,
)

TODAY = date(2026, 11, 26)


def minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def closing_minutes(item: OpeningRange) -> int:
    return 24 * 60 if item.closes == time(0) else minutes(item.closes)


def brute_force_overlaps(ranges: list[OpeningRange]) -> int:
    count = 0
    for i, a in enumerate(ranges):
        for b in ranges[i + 1 :]:
            same_day = a.weekday == b.weekday
            a_minutes = set(range(minutes(a.opens), closing_minutes(a)))
            b_minutes = set(range(minutes(b.opens), closing_minutes(b)))
            if same_day and a_minutes & b_minutes:
                count += 1
    return count


quarter_hours = st.integers(min_value=0, max_value=95).map(lambda q: time(q // 4, q % 4 * 15))


@st.composite
def valid_ranges(draw):
    weekday = draw(st.integers(min_value=0, max_value=2))
    opens = draw(quarter_hours)
    # 00:00 closes at midnight, the day's end.
    closes = draw(quarter_hours.filter(lambda t: t > opens or t == time(0)))
    return OpeningRange(weekday, opens, closes)


@given(st.lists(valid_ranges(), max_size=6))
def test_overlaps_match_a_minute_by_minute_count(ranges):
    assert len(overlapping_opening_ranges(ranges)) == brute_force_overlaps(ranges)
    assert bool(opening_hours_errors(ranges)) == (brute_force_overlaps(ranges) > 0)


def test_a_day_with_a_lunch_break_is_valid():
    ranges = [
        OpeningRange(0, time(9), time(12, 30)),
        OpeningRange(0, time(12, 30), time(19)),
        OpeningRange(1, time(9), time(19)),
    ]
    assert opening_hours_errors(ranges) == []


def test_overlap_message_names_the_day_and_both_ranges():
    ranges = [OpeningRange(2, time(9), time(13)), OpeningRange(2, time(12), time(18))]
    assert opening_hours_errors(ranges) == [
        "Mercredi : les plages 09:00–13:00 et 12:00–18:00 se chevauchent."
    ]


def test_closing_must_follow_opening():
    assert opening_range_error(OpeningRange(0, time(18), time(9))) == (
        "Lundi : l'heure de fermeture (09:00) doit être après l'heure d'ouverture (18:00) ; "
        "00:00 ferme à minuit, à la fin de la journée."
    )
    assert opening_range_error(OpeningRange(0, time(9), time(9))) is not None
    assert opening_range_error(OpeningRange(7, time(9), time(10))) is not None


def test_a_range_may_close_at_midnight_or_run_around_the_clock():
    evening = OpeningRange(4, time(20), time(0))
    around_the_clock = OpeningRange(5, time(0), time(0))
    assert opening_range_error(evening) is None
    assert opening_range_error(around_the_clock) is None
    assert range_label(evening) == "20:00–24:00"
    assert range_label(around_the_clock) == "00:00–24:00"
    assert opening_hours_errors([evening, around_the_clock]) == []
    assert opening_hours_errors([evening, OpeningRange(4, time(23), time(23, 30))]) == [
        "Vendredi : les plages 20:00–24:00 et 23:00–23:30 se chevauchent."
    ]
    assert opening_hours_errors([around_the_clock, OpeningRange(5, time(23), time(0))]) != []


def test_closure_rules():
    one_day = DateRange(TODAY, TODAY)
    assert closure_errors(one_day, TODAY, []) == []
    assert closure_errors(DateRange(TODAY, TODAY - timedelta(days=1)), TODAY, []) == [
        "La date de fin doit être le même jour ou après la date de début."
    ]
    too_long = DateRange(TODAY, TODAY + timedelta(days=MAX_CLOSURE_DAYS))
    assert "au plus 366 jours" in closure_errors(too_long, TODAY, [])[0]
    longest = DateRange(TODAY, TODAY + timedelta(days=MAX_CLOSURE_DAYS - 1))
    assert closure_errors(longest, TODAY, []) == []
    old = DateRange(date(2025, 1, 1), date(2025, 1, 2))
    assert closure_errors(old, TODAY, []) == [
        "Une fermeture ne peut pas se terminer plus d'un an dans le passé."
    ]
    far = DateRange(date(2030, 1, 1), date(2030, 1, 2))
    assert closure_errors(far, TODAY, []) == [
        "Une fermeture ne peut pas commencer plus de trois ans à l'avance."
    ]


@given(
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=10),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=10),
)
def test_closures_overlap_exactly_when_they_share_a_day(start_a, length_a, start_b, length_b):
    a = DateRange(TODAY + timedelta(start_a), TODAY + timedelta(start_a + length_a))
    b = DateRange(TODAY + timedelta(start_b), TODAY + timedelta(start_b + length_b))
    days_a = {a.start + timedelta(i) for i in range(length_a + 1)}
    days_b = {b.start + timedelta(i) for i in range(length_b + 1)}
    assert bool(closure_errors(a, TODAY, [b])) == bool(days_a & days_b)
