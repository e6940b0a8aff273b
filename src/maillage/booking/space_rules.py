"""A space's booking rules and its place's hours, from named database columns, as the
availability core reads them.

The one reading of a space's terms from the database is booking.sql.space_terms (the write
path, the slots, the week view); the département-wide search (booking.queries.search_spaces)
reads many spaces' columns by the same names. Both turn them into core values here.
"""

from collections.abc import Mapping
from datetime import time, timedelta
from functools import lru_cache
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

from maillage.booking import availability as core
from maillage.places.kinds import SpaceKind
from maillage.places.schedule import OpeningRange


class RuleFields(NamedTuple):
    """The Space columns a space's booking rules are made of (minutes and days as stored)."""

    kind: str
    capacity: int
    slot_minutes: int
    min_duration_minutes: int
    max_duration_minutes: int | None
    min_notice_minutes: int
    max_advance_days: int | None
    buffer_before_minutes: int
    buffer_after_minutes: int

    @classmethod
    def of(cls, columns: Mapping[str, Any] | Any) -> "RuleFields":
        """The fields from a mapping of column names (a row read with its column names) or
        from an object with these attributes (a named row, a Space)."""
        # By name, through C getters: the search reads thousands of rows per request.
        if isinstance(columns, Mapping):
            return cls._make(_BY_KEY(columns))
        return cls._make(_BY_ATTRIBUTE(columns))


RULE_FIELDS = RuleFields._fields
_BY_KEY = itemgetter(*RULE_FIELDS)
_BY_ATTRIBUTE = attrgetter(*RULE_FIELDS)


@lru_cache(maxsize=4096)
def rules_from(fields: RuleFields) -> core.SpaceRules:
    """The rules of a space with these field values; cached: they are immutable and a
    département's spaces share a handful of combinations. Buffers apply to exclusive spaces
    only (a desk space's stored buffers are ignored)."""
    exclusive = SpaceKind(fields.kind).is_exclusive
    return core.SpaceRules(
        kind=SpaceKind(fields.kind),
        capacity=fields.capacity,
        granularity=timedelta(minutes=fields.slot_minutes),
        min_duration=timedelta(minutes=fields.min_duration_minutes),
        max_duration=(
            timedelta(minutes=fields.max_duration_minutes) if fields.max_duration_minutes else None
        ),
        min_notice=timedelta(minutes=fields.min_notice_minutes),
        max_advance=timedelta(days=fields.max_advance_days) if fields.max_advance_days else None,
        buffer_before=timedelta(minutes=fields.buffer_before_minutes if exclusive else 0),
        buffer_after=timedelta(minutes=fields.buffer_after_minutes if exclusive else 0),
    )


@lru_cache(maxsize=4096)
def weekly_hours(ranges: tuple[tuple[int, time, time], ...]) -> core.WeeklyHours:
    """Weekly hours from (weekday, opens, closes) triples, in a canonical order; cached."""
    return core.WeeklyHours(tuple(OpeningRange(*r) for r in ranges))
