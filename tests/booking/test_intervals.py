"""Interval algebra against brute force on small integer intervals (point k stands for [k, k+1))."""

from collections import Counter
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.booking.intervals import (
    Interval,
    clip,
    covers,
    intersect,
    load_steps,
    normalise,
    overlaps,
    subtract,
)

# No example database: it would litter the shared working tree.
algebra = settings(database=None, deadline=None, max_examples=300)

points = st.integers(min_value=0, max_value=40)
raw_intervals = st.lists(st.tuples(points, points), max_size=8)


def units(intervals):
    """The unit points covered, as a set."""
    return {point for start, end in intervals for point in range(start, end)}


def assert_normalised(intervals):
    assert all(isinstance(interval, Interval) for interval in intervals)
    assert all(start < end for start, end in intervals)
    assert all(a.end < b.start for a, b in pairwise(intervals))


@algebra
@given(raw_intervals)
def test_normalise_keeps_the_points_and_merges_touching_intervals(raw):
    merged = normalise(raw)
    assert_normalised(merged)
    assert units(merged) == units(raw)


@algebra
@given(raw_intervals, raw_intervals)
def test_subtract_intersect_clip_match_set_operations(left, right):
    left, right = normalise(left), normalise(right)
    difference = subtract(left, right)
    common = intersect(left, right)
    assert_normalised(difference)
    assert_normalised(common)
    assert units(difference) == units(left) - units(right)
    assert units(common) == units(left) & units(right)
    for start, end in right:
        inside = clip(left, start, end)
        assert_normalised(inside)
        assert units(inside) == units(left) & set(range(start, end))


@algebra
@given(raw_intervals, points, points)
def test_covers_and_overlaps_match_set_operations(raw, start, end):
    intervals = normalise(raw)
    window = set(range(start, end))
    assert covers(intervals, start, end) == (window <= units(intervals))
    assert overlaps(intervals, start, end) == bool(window & units(intervals))


def test_clip_of_an_empty_window_is_empty():
    assert clip([Interval(0, 10)], 5, 5) == []
    assert clip([Interval(0, 10)], 6, 5) == []


@algebra
@given(st.lists(st.tuples(points, points, st.integers(min_value=1, max_value=5)), max_size=8))
def test_load_steps_match_a_point_by_point_count(loads):
    steps = load_steps(loads)
    assert all(start < end and total for start, end, total in steps)
    assert all(a[1] <= b[0] for a, b in pairwise(steps))
    # Adjacent pieces differ, else they would have been merged.
    assert all(a[1] < b[0] or a[2] != b[2] for a, b in pairwise(steps))
    expected = Counter()
    for start, end, weight in loads:
        for point in range(start, end):
            expected[point] += weight
    found = Counter()
    for start, end, total in steps:
        for point in range(start, end):
            found[point] = total
    assert found == +expected
