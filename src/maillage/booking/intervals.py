"""Interval algebra on half-open [start, end) intervals.

Pure functions over any ordered, hashable point type: aware datetimes in the booking engine,
integers in tests. A *normalised* list is sorted and holds non-empty intervals that neither
overlap nor touch. Functions taking normalised lists return normalised lists and run in time
linear in their inputs (sorting happens once, in `normalise` and `load_steps`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from itertools import pairwise
from typing import Any, Generic, NamedTuple, Protocol, TypeVar


class _Point(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...
    def __le__(self, other: Any, /) -> bool: ...


P = TypeVar("P", bound=_Point)


class Interval(NamedTuple, Generic[P]):
    """The points t with start <= t < end."""

    start: P
    end: P


def _start(interval: Interval[P]) -> P:
    return interval.start


def normalise(intervals: Iterable[tuple[P, P]]) -> list[Interval[P]]:
    """Sort, drop empty intervals and merge those that overlap or touch."""
    merged: list[Interval[P]] = []
    for start, end in sorted(pair for pair in intervals if pair[0] < pair[1]):
        if merged and start <= merged[-1].end:
            if merged[-1].end < end:
                merged[-1] = Interval(merged[-1].start, end)
        else:
            merged.append(Interval(start, end))
    return merged


def subtract(base: Sequence[Interval[P]], removed: Sequence[Interval[P]]) -> list[Interval[P]]:
    """The points of `base` not in `removed` (both normalised)."""
    result: list[Interval[P]] = []
    first = 0
    for start, end in base:
        while first < len(removed) and removed[first].end <= start:
            first += 1
        cursor = start
        # A removed interval may reach into the next base interval, so `first` stays put.
        index = first
        while index < len(removed) and removed[index].start < end:
            if cursor < removed[index].start:
                result.append(Interval(cursor, removed[index].start))
            if cursor < removed[index].end:
                cursor = removed[index].end
            index += 1
        if cursor < end:
            result.append(Interval(cursor, end))
    return result


def intersect(left: Sequence[Interval[P]], right: Sequence[Interval[P]]) -> list[Interval[P]]:
    """The points in both `left` and `right` (both normalised)."""
    result: list[Interval[P]] = []
    i = j = 0
    while i < len(left) and j < len(right):
        start = max(left[i].start, right[j].start)
        end = min(left[i].end, right[j].end)
        if start < end:
            result.append(Interval(start, end))
        if left[i].end < right[j].end:
            i += 1
        else:
            j += 1
    return result


def clip(intervals: Sequence[Interval[P]], start: P, end: P) -> list[Interval[P]]:
    """The part of normalised `intervals` inside [start, end)."""
    if not start < end:
        return []
    return intersect(intervals, [Interval(start, end)])


def covers(intervals: Sequence[Interval[P]], start: P, end: P) -> bool:
    """Whether normalised `intervals` contain every point of [start, end)."""
    if not start < end:
        return True
    # Normalised intervals never touch, so a covered range lies inside a single interval.
    index = bisect_right(intervals, start, key=_start) - 1
    return index >= 0 and end <= intervals[index].end


def overlaps(intervals: Sequence[Interval[P]], start: P, end: P) -> bool:
    """Whether normalised `intervals` share a point with [start, end)."""
    if not start < end:
        return False
    # The last interval starting before `end` reaches furthest.
    index = bisect_left(intervals, end, key=_start)
    return index > 0 and start < intervals[index - 1].end


def load_steps(loads: Iterable[tuple[P, P, int]]) -> list[tuple[P, P, int]]:
    """The total weight of overlapping weighted intervals, as a step function.

    Returns sorted, disjoint (start, end, total) pieces where the total is not zero; adjacent
    pieces have different totals. Sort and sweep: O(n log n).
    """
    changes: defaultdict[P, int] = defaultdict(int)
    for start, end, weight in loads:
        if start < end and weight:
            changes[start] += weight
            changes[end] -= weight
    steps: list[tuple[P, P, int]] = []
    total = 0
    for here, following in pairwise(sorted(changes)):
        total += changes[here]
        if not total:
            continue
        if steps and steps[-1][1] == here and steps[-1][2] == total:
            steps[-1] = (steps[-1][0], following, total)
        else:
            steps.append((here, following, total))
    return steps
