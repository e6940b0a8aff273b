"""The next free slots of places, as a list shown on other sites (the embeddable widget of
manager.embeds): for each place of a commune, an EPT, or one place, the first few slots a
booking made now could take over the coming days; and of each space of one place (the
place's public page).

Read as the search reads places (booking.searchable: the spaces bookable today, their rules,
the places' hours and closures, kept per process); the days one after the other, each for
the places still lacking slots (most have theirs today or tomorrow), a day's holding bookings
and busy times in two statements (queries.taken_by_space, sql.busy_meeting). Each slot is one
the availability core offers (core.bookable_slots), so the booking form accepts it.
"""

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from maillage.booking import availability as core
from maillage.booking import sql
from maillage.booking.queries import taken_by_space
from maillage.booking.searchable import PlaceCard, Searchable, SearchableSpace, searchable
from maillage.core.text import fold
from maillage.places.schedule import DateRange

# The length of a slot offered: an hour, or a space's shortest booking when it is longer.
SLOT_LENGTH = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class FreeSlot:
    """A slot a booking made now could take: [start, end) (aware instants) in one space,
    on one Paris day (the booking form reads a day, a start and an end)."""

    space_id: int
    space_name: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class PlaceSlots:
    """A place with spaces bookable online, and its next free slots: earliest first, none
    overlapping another, at most the number asked (none: fully booked, or closed, over the
    days read)."""

    place_id: int
    place: PlaceCard
    slots: tuple[FreeSlot, ...]


def slot_length(rules: core.SpaceRules) -> timedelta:
    """The length of the slots offered in a space: SLOT_LENGTH, or its minimum duration when
    longer, rounded up to its slot step (a length its rules may still refuse, beyond its
    maximum duration: then it offers none)."""
    wanted = max(SLOT_LENGTH, rules.min_duration)
    return -(-wanted // rules.granularity) * rules.granularity


def _add_slots(
    chosen: list[FreeSlot],
    spaces: Sequence[SearchableSpace],
    hours: core.WeeklyHours,
    closures: Sequence[DateRange],
    taken: dict[int, list[core.BookedInterval]],
    day: date,
    count: int,
    now: datetime,
) -> None:
    """Append to `chosen` (a place's slots so far) the next slots of the place's `spaces`
    on the Paris day `day`, each starting no earlier than the end of the one before (at the
    same start, the space with the lowest id), until it holds `count`."""
    start, end = core.local_days(day, day)
    # (start, space id) is unique: the tuples sort by start, then by space id.
    found = sorted(
        (slot_start, space.space_id, slot_end, space.name)
        for space in spaces
        for slot_start, slot_end in core.bookable_slots(
            space.rules,
            start,
            end,
            slot_length(space.rules),
            now,
            hours=hours,
            closures=closures,
            bookings=taken[space.space_id],
        )
        # Not one ending at midnight: the form reads an end after the start, that day.
        if slot_end < end
    )
    for slot_start, space_id, slot_end, space_name in found:
        if not chosen or slot_start >= chosen[-1].end:
            chosen.append(FreeSlot(space_id, space_name, slot_start, slot_end))
            if len(chosen) == count:
                return


def _taken_on(
    spaces: list[SearchableSpace], day: date, now: datetime
) -> dict[int, list[core.BookedInterval]]:
    """What keeps each of `spaces` out on the Paris day `day` (from `now`), widened by the
    widest gap: holding bookings and busy times, in two statements."""
    widest_gap = max(space.rules.gap for space in spaces)
    start, end = core.local_days(day, day)
    around = (max(start, now) - widest_gap, end + widest_gap)
    busy = sql.busy_meeting(*around, [space.space_id for space in spaces])
    return taken_by_space(spaces, *around, busy)


def _fill(
    spaces: list[SearchableSpace],
    key: Callable[[SearchableSpace], int],
    searched: Searchable,
    count: int,
    days: int,
    now: datetime,
) -> dict[int, list[FreeSlot]]:
    """The next `count` free slots of each group of `spaces` (those of one `key`: a place,
    or a space alone), within `days` Paris days from today, from `now`: the days read one
    after the other, each only for the groups that still lack slots."""
    today = timezone.localdate(now)
    chosen: dict[int, list[FreeSlot]] = {key(space): [] for space in spaces}
    for offset in range(days):
        day = today + timedelta(days=offset)
        pending = [
            space
            for space in spaces
            if len(chosen[key(space)]) < count and space.place_id in searched.hours
        ]
        if not pending:
            break
        taken = _taken_on(pending, day, now)
        groups: dict[int, list[SearchableSpace]] = defaultdict(list)
        for space in pending:
            groups[key(space)].append(space)
        for group, group_spaces in groups.items():
            place = group_spaces[0].place_id
            _add_slots(
                chosen[group],
                group_spaces,
                searched.hours[place],
                searched.closures.get(place, ()),
                taken,
                day,
                count,
                now,
            )
    return chosen


def next_free_slots(
    *,
    communes: Collection[str] | None = None,
    place_id: int | None = None,
    count: int = 3,
    days: int = 7,
    now: datetime | None = None,
) -> list[PlaceSlots]:
    """The places of the platform's département with a space bookable online today, in
    these communes (INSEE codes; None: every commune) and, if given, the place `place_id`
    alone, by name: each with its next `count` free slots (FreeSlot: an hour, or its space's
    shortest booking) for one person, within `days` Paris days from today, from `now`.
    A place closed, not open yet, or without a bookable space is not listed. Writes nothing.

    The days are read one after the other, each only for the places that still lack slots
    (most have theirs today or tomorrow: a day's bookings read rather than a week's).
    """
    now = now or timezone.now()
    searched = searchable(settings.MAILLAGE_DEPARTEMENT, timezone.localdate(now))
    spaces = [
        space
        for space in searched.spaces
        if (communes is None or space.commune_code in communes)
        and (place_id is None or space.place_id == place_id)
    ]
    chosen = _fill(spaces, lambda space: space.place_id, searched, count, days, now)
    listed = [
        PlaceSlots(place_id=place, place=searched.places[place], slots=tuple(slots))
        for place, slots in chosen.items()
    ]
    listed.sort(key=lambda row: (fold(row.place.name), row.place_id))
    return listed


def space_free_slots(
    place_id: int, *, count: int = 3, days: int = 7, now: datetime | None = None
) -> dict[int, tuple[FreeSlot, ...]]:
    """The next `count` free slots of each space of the place `place_id` bookable online
    today, by space id (as next_free_slots offers them, each space on its own: its slots
    earliest first, none overlapping another of the same space), within `days` Paris days
    from today, from `now`. Empty when the place takes no booking now. Writes nothing."""
    now = now or timezone.now()
    searched = searchable(settings.MAILLAGE_DEPARTEMENT, timezone.localdate(now))
    spaces = [space for space in searched.spaces if space.place_id == place_id]
    chosen = _fill(spaces, lambda space: space.space_id, searched, count, days, now)
    return {space: tuple(slots) for space, slots in chosen.items()}
