"""A space's booking rules, hours and closures, as the availability core reads them."""

from datetime import timedelta

from maillage.booking import availability as core
from maillage.places.models import Place, Space


def rules_of(space: Space) -> core.SpaceRules:
    return core.SpaceRules(
        kind=core.SpaceKind(space.kind),
        capacity=space.capacity,
        granularity=timedelta(minutes=space.slot_minutes),
        min_duration=timedelta(minutes=space.min_duration_minutes),
        max_duration=(
            timedelta(minutes=space.max_duration_minutes) if space.max_duration_minutes else None
        ),
        min_notice=timedelta(minutes=space.min_notice_minutes),
        max_advance=timedelta(days=space.max_advance_days) if space.max_advance_days else None,
        buffer_before=timedelta(minutes=space.buffer_before_minutes if space.is_exclusive else 0),
        buffer_after=timedelta(minutes=space.buffer_after_minutes if space.is_exclusive else 0),
    )


def hours_of(place: Place) -> core.WeeklyHours:
    return core.WeeklyHours(
        tuple(core.OpeningRange(h.weekday, h.opens, h.closes) for h in place.opening_hours.all())
    )


def closures_of(place: Place) -> tuple[core.Closure, ...]:
    return tuple(core.Closure(c.start_date, c.end_date) for c in place.closures.all())


def blocked_span(space: Space, start, end):
    """The span a booking keeps others out of: its buffers around it, for a room."""
    rules = rules_of(space)
    return start - rules.buffer_before, end + rules.buffer_after
