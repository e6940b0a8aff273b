"""The slots change feed's rows (booking.models.FeedSlot): keeping the grid of the coming
weeks, and what is left of each slot when a feed page is read.

- `refresh_feed_slots(now)` makes the rows match each bookable space's grid (slot_grid) from
  now to FEED_DAYS ahead: slots that started, or that hours, closures or rules no longer give,
  are deleted (their tombstones tell feed readers); new ones are inserted. Run by the task
  worker (tasks.refresh_feed_slots); it does nothing while the places' data and the Paris
  day are those it last made the grid for, except deleting the slots that started.
- `slot_states(rows, now)` reads, for a page of rows, what is left of each slot: one read of
  the spaces' rules, one of their holding bookings, one of their busy times.

Bookings, busy times, blocks and a space's own changes restamp the slots they reach in their
own transaction (triggers, migration 0020): the grid itself never needs a booking's help.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction

from maillage.booking import availability as core
from maillage.booking import sql
from maillage.booking.intervals import Interval
from maillage.booking.models import FeedSlot, FeedSlotGrid
from maillage.booking.searchable import searchable
from maillage.booking.slot_grid import FEED_DAYS, slot_grid
from maillage.booking.space_rules import RULE_FIELDS, RuleFields, rules_from
from maillage.places.data_version import places_data_version
from maillage.places.models import Space

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshCounts:
    """What a refresh did: slots inserted and deleted, spaces whose grid changed."""

    inserted: int = 0
    deleted: int = 0
    spaces: int = 0


def _reach(rules: core.SpaceRules, slot: Interval[datetime]) -> tuple[datetime, datetime]:
    """The span whose bookings can change what is left of `slot` (its space's gap around)."""
    before, after = core.exclusive_reach(slot.start, slot.end, rules.gap)
    return after, before


def refresh_feed_slots(now: datetime) -> RefreshCounts:
    """Make the published slots those of each bookable space of the département from `now`
    to the end of the FEED_DAYS-th Paris day; one transaction per space changed.

    Slots that started are deleted first, whatever else happens."""
    started, _ = FeedSlot.objects.filter(start__lt=now).delete()
    today = now.astimezone(core.PARIS).date()
    version = places_data_version()
    if (
        version is not None
        and FeedSlotGrid.objects.filter(data_version=version, day=today).exists()
    ):
        return RefreshCounts(deleted=started)
    window = core.local_days(today, today + timedelta(days=FEED_DAYS - 1))
    places = searchable(settings.MAILLAGE_DEPARTEMENT, today)
    wanted: dict[int, dict[datetime, Interval[datetime]]] = {}
    rules_of: dict[int, core.SpaceRules] = {}
    for space in places.spaces:
        hours = places.hours.get(space.place_id)
        if hours is None:
            continue
        rules = space.rules
        latest = None if rules.max_advance is None else now + rules.max_advance
        grid = slot_grid(rules, hours, places.closures.get(space.place_id, ()), *window)
        wanted[space.space_id] = {
            slot.start: slot
            for slot in grid
            if slot.start >= now and (latest is None or slot.start <= latest)
        }
        rules_of[space.space_id] = rules
    existing: dict[int, dict[datetime, tuple[int, datetime, datetime, datetime]]] = defaultdict(
        dict
    )
    for pk, space_id, start, end, reach_start, reach_end in FeedSlot.objects.values_list(
        "pk", "space_id", "start", "end", "reach_start", "reach_end"
    ):
        existing[space_id][start] = (pk, end, reach_start, reach_end)
    inserted = deleted = changed = 0
    for space_id in sorted(set(existing) | set(wanted)):
        slots = wanted.get(space_id, {})
        have = existing.get(space_id, {})
        stale = [
            pk
            for start, (pk, end, reach_start, reach_end) in have.items()
            if start not in slots
            or (end, (reach_start, reach_end))
            != (
                slots[start].end,
                _reach(rules_of[space_id], slots[start]),
            )
        ]
        dropped = set(stale)
        kept = {start for start, (pk, *_) in have.items() if pk not in dropped}
        new = [
            FeedSlot(
                space_id=space_id,
                start=slot.start,
                end=slot.end,
                reach_start=reach[0],
                reach_end=reach[1],
            )
            for start, slot in slots.items()
            if start not in kept
            for reach in [_reach(rules_of[space_id], slot)]
        ]
        if not stale and not new:
            continue
        try:
            with transaction.atomic():
                # The space first, then its slots: the order bookings and blocks lock them in.
                sql.share_space(space_id)
                deleted += FeedSlot.objects.filter(pk__in=stale).delete()[0]
                inserted += len(FeedSlot.objects.bulk_create(new, batch_size=500))
        except IntegrityError:
            # Another refresh made this space's grid meanwhile: its rows stand.
            logger.info("feed slots of a space made by another refresh", extra={"space": space_id})
            continue
        except sql.SeatsBusy:
            continue  # a block is being added: the next refresh makes this grid
        changed += 1
    if version is not None:
        FeedSlotGrid.objects.update_or_create(
            pk=1, defaults={"data_version": version, "day": today, "made_at": now}
        )
    logger.info("feed slots refreshed", extra={"inserted": inserted, "deleted": deleted + started})
    return RefreshCounts(inserted=inserted, deleted=deleted + started, spaces=changed)


class SlotRow(NamedTuple):
    """A published slot as a feed page reads it (instants in UTC)."""

    pk: int
    space_id: int
    start: datetime
    end: datetime
    reach_start: datetime
    reach_end: datetime


def slot_rows(ids: Sequence[int]) -> list[SlotRow]:
    """The published slots of `ids` that still exist, as plain rows."""
    return [
        SlotRow._make(row)
        for row in FeedSlot.objects.filter(pk__in=ids)
        .order_by()
        .values_list("pk", "space_id", "start", "end", "reach_start", "reach_end")
    ]


@dataclass(frozen=True)
class SlotState:
    """What is left of a published slot: `remaining` of `maximum` uses (seats of a desk
    space; 1 for a whole room, booked or not)."""

    remaining: int
    maximum: int


def slot_states(rows: Sequence[SlotRow], now: datetime) -> dict[int, SlotState]:
    """What is left of each slot of `rows` (by slot id), from the bookings holding their
    spaces (a request past its decision deadline no longer holds) and their busy times; the
    slots of a space not bookable on `now`'s Paris day are left out (read as deleted)."""
    if not rows:
        return {}
    space_ids = sorted({row.space_id for row in rows})
    start = min(row.reach_start for row in rows)
    end = max(row.reach_end for row in rows)
    # A space that can no longer be booked has no slot left (its rows leave at the refresh).
    bookable = Space.objects.bookable(now.astimezone(core.PARIS).date()).filter(pk__in=space_ids)
    rules = {
        row[0]: rules_from(RuleFields._make(row[1:]))
        for row in bookable.order_by().values_list("pk", *RULE_FIELDS)
    }
    held = sql.holding_of_spaces(space_ids, start, end)
    taken: dict[int, list[core.BookedInterval]] = defaultdict(list)
    for space_id, bookings in held.items():
        taken[space_id] += [b.as_interval() for b in bookings if not b.is_stale(now)]
    for space_id, busy_start, busy_end in sql.busy_meeting(start, end, space_ids):
        if space_id in rules:
            taken[space_id].append(sql.busy_interval(rules[space_id], busy_start, busy_end))
    return {
        row.pk: _state(rules[row.space_id], taken.get(row.space_id, ()), row)
        for row in rows
        if row.space_id in rules
    }


def _state(rules: core.SpaceRules, taken: Iterable[core.BookedInterval], row: SlotRow) -> SlotState:
    free = core.free_seats_throughout(rules, taken, row.start, row.end)
    if rules.kind.is_exclusive:
        return SlotState(remaining=1 if free else 0, maximum=1)
    return SlotState(remaining=free, maximum=rules.capacity)
