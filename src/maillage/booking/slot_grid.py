"""The grid of slots a space publishes in the slots change feed (OpenActive's Slot of a
FacilityUse): pure functions over the availability core's values, no Django.

A space's published slots follow one another from the start of each free opening span (its
hours less its closures), each as long as `slot_length`, the last one ending before the span
does. A booking may still start at any step of the space's granularity: the grid is what
partners list, not a limit of what can be booked.
"""

from datetime import datetime, timedelta

from maillage.booking import availability as core
from maillage.booking.intervals import Interval
from maillage.places.schedule import DateRange

FEED_DAYS = 28  # the coming four weeks, today included (Paris days)
SHORTEST_SLOT = timedelta(hours=1)


def slot_length(rules: core.SpaceRules) -> timedelta:
    """The length of a space's published slots: its minimum duration, at least an hour, in
    whole steps of its granularity, and never beyond its maximum duration (then as many whole
    steps as fit, at least one)."""
    wanted = max(rules.min_duration, SHORTEST_SLOT)
    steps = -(-wanted // rules.granularity)  # rounded up
    if rules.max_duration is not None:
        steps = min(steps, max(1, rules.max_duration // rules.granularity))
    return steps * rules.granularity


def slot_grid(
    rules: core.SpaceRules,
    hours: core.WeeklyHours,
    closures: tuple[DateRange, ...],
    start: datetime,
    end: datetime,
) -> list[Interval[datetime]]:
    """The published slots [start, end) (UTC) lying within [start, end), by start. `start`
    should be a day's start (core.local_days) so that slots follow the opening times."""
    length = slot_length(rules)
    opening = core.compute_availability(rules, start, end, hours=hours, closures=closures)
    slots: list[Interval[datetime]] = []
    for free_start, free_end in opening.free:
        moment = free_start
        while moment + length <= free_end:
            slots.append(Interval(moment, moment + length))
            moment += length
    return slots
