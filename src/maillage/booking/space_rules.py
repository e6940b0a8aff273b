"""A space's booking rules, hours and closures, as the availability core reads them."""

from datetime import time, timedelta
from functools import lru_cache

from maillage.booking import availability as core
from maillage.places.models import Place, Space, SpaceKind

# The Space fields the rules are made of, in the order `rules_from` takes them.
RULE_FIELDS = (
    "kind",
    "capacity",
    "slot_minutes",
    "min_duration_minutes",
    "max_duration_minutes",
    "min_notice_minutes",
    "max_advance_days",
    "buffer_before_minutes",
    "buffer_after_minutes",
)


@lru_cache(maxsize=4096)
def rules_from(
    kind: str,
    capacity: int,
    slot_minutes: int,
    min_duration_minutes: int,
    max_duration_minutes: int | None,
    min_notice_minutes: int,
    max_advance_days: int | None,
    buffer_before_minutes: int,
    buffer_after_minutes: int,
) -> core.SpaceRules:
    """The rules of a space with these field values (RULE_FIELDS); cached: they are immutable
    and a département's spaces share a handful of combinations."""
    exclusive = kind != SpaceKind.DESK
    return core.SpaceRules(
        kind=core.SpaceKind(kind),
        capacity=capacity,
        granularity=timedelta(minutes=slot_minutes),
        min_duration=timedelta(minutes=min_duration_minutes),
        max_duration=timedelta(minutes=max_duration_minutes) if max_duration_minutes else None,
        min_notice=timedelta(minutes=min_notice_minutes),
        max_advance=timedelta(days=max_advance_days) if max_advance_days else None,
        buffer_before=timedelta(minutes=buffer_before_minutes if exclusive else 0),
        buffer_after=timedelta(minutes=buffer_after_minutes if exclusive else 0),
    )


def rules_of(space: Space) -> core.SpaceRules:
    return rules_from(*(getattr(space, name) for name in RULE_FIELDS))


@lru_cache(maxsize=4096)
def weekly_hours(ranges: tuple[tuple[int, time, time], ...]) -> core.WeeklyHours:
    """Weekly hours from (weekday, opens, closes) triples, in a canonical order; cached."""
    return core.WeeklyHours(tuple(core.OpeningRange(*r) for r in ranges))


def hours_of(place: Place) -> core.WeeklyHours:
    return weekly_hours(
        tuple(sorted((h.weekday, h.opens, h.closes) for h in place.opening_hours.all()))
    )


def closures_of(place: Place) -> tuple[core.Closure, ...]:
    return tuple(core.Closure(c.start_date, c.end_date) for c in place.closures.all())
