"""Reading availability from the database: a space's week, the département-wide search."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from maillage.booking import availability as core
from maillage.booking import sql
from maillage.booking.models import Booking, BookingQuerySet
from maillage.booking.price_lines import PriceLine
from maillage.booking.searchable import PlaceCard, Searchable, SearchableSpace, searchable
from maillage.places.kinds import KIND_LABELS, SpaceKind
from maillage.places.models import Space, space_title
from maillage.places.selectors import distance_m

# Indexed by migration 0004 (an expression index on each database), so this is one index probe.
_LONGEST_SPAN_SQL = {
    "postgresql": "SELECT max(blocked_end - blocked_start) FROM booking_booking",
    "sqlite": "SELECT max(julianday(blocked_end) - julianday(blocked_start)) FROM booking_booking",
}


def longest_blocked_span() -> timedelta | None:
    """An upper bound of every booking's blocked span (None: no bound known, or no booking).

    A booking meets [start, end) only if it starts after start - longest: with this lower
    bound, "meeting a window" becomes a short range of the blocked_start index instead of
    everything that starts before the window's end (half the table on average).
    """
    sql = _LONGEST_SPAN_SQL.get(connection.vendor)
    if sql is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql)
        longest = cursor.fetchone()[0]
    if longest is None:
        return None
    if not isinstance(longest, timedelta):  # SQLite: days, as a float
        longest = timedelta(days=longest)
    return longest + timedelta(seconds=1)  # a margin for float rounding: still a bound


def meeting_window(queryset: BookingQuerySet, start: datetime, end: datetime) -> BookingQuerySet:
    """The bookings of `queryset` whose blocked span meets [start, end), on a bounded range."""
    queryset = queryset.meeting(start, end)
    longest = longest_blocked_span()
    if longest is not None:
        queryset = queryset.filter(blocked_start__gt=start - longest)
    return queryset


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def space_week(space: Space, monday: date) -> core.Availability:
    """Free, booked and closed time of a space over the Paris week starting `monday`, on its
    terms as the booking path reads them (sql.space_terms)."""
    start, end = core.local_days(monday, monday + timedelta(days=6))
    terms = sql.space_terms(space.pk)
    if terms is None:  # deleted since it was read
        raise Space.DoesNotExist(f"Space {space.pk} no longer exists.")
    rules = terms.rules
    return core.compute_availability(
        rules,
        start,
        end,
        hours=terms.hours,
        closures=terms.closures,
        bookings=sql.taken_around(
            terms, sql.holding_meeting(space.pk, start - rules.gap, end + rules.gap), start, end
        ),
    )


def holding_during(place_id: int, first_day: date, last_day: date) -> list[Booking]:
    """The bookings that hold a slot of the place's spaces on these Paris days, earliest
    first (what a closure over those days would strand)."""
    start, end = core.local_days(first_day, last_day)
    return list(
        Booking.objects.filter(space__place_id=place_id, start__lt=end, end__gt=start)
        .holding()
        .select_related("space", "user")
        .order_by("start")
    )


@dataclass(slots=True)
class SearchResult:
    """A free space found by a search: the space as the search reads it (plain values, shared
    by the process's searches, never changed), its place's card, its distance in metres from
    the point searched near (None without one), and what the page fills in."""

    space: SearchableSpace
    place: PlaceCard
    distance_m: float | None
    price_cents: int | None = None  # for the searched window, filled in by the page
    distance_label: str | None = None  # «850 m», filled in by the page when `near`
    # The signed-in person's price for the window and why (presentation.PriceLine), filled
    # in by the page for the results it shows.
    price_line: PriceLine | None = None

    @property
    def space_id(self) -> int:
        return self.space.space_id

    @property
    def place_id(self) -> int:
        return self.space.place_id

    @property
    def name(self) -> str:
        return self.space.name

    @property
    def full_name(self) -> str:
        """«Le Belvédère — Espace partagé» (places.models.space_title)."""
        return space_title(self.place.name, self.space.name)

    @property
    def kind(self) -> str:
        return self.space.kind

    @property
    def capacity(self) -> int:
        return self.space.capacity

    @property
    def price_hour_cents(self) -> int | None:
        return self.space.price_hour_cents

    @property
    def price_half_day_cents(self) -> int | None:
        return self.space.price_half_day_cents

    @property
    def price_day_cents(self) -> int | None:
        return self.space.price_day_cents

    @property
    def is_exclusive(self) -> bool:
        return self.space.rules.kind.is_exclusive

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[SpaceKind(self.kind)]


# Above this many spaces the bookings query filters by time only and Python keeps the rows
# of the spaces searched: a long IN list costs more (in Django and the database) than it saves.
_SPACE_LIST_LIMIT = 200


def _starts_in_window(rules: core.SpaceRules, start: datetime, now: datetime) -> bool:
    """Whether a booking made now may start at `start` (notice and advance of the space)."""
    earliest, latest = core.start_window(rules, now)
    return earliest <= start and (latest is None or start <= latest)


def _open_places(searched: Searchable, start: datetime, end: datetime) -> set[int]:
    """The places of `searched` open all along [start, end): decided once per pattern of
    weekly hours, then again, with their closures, for the places closed some day near."""
    open_places: set[int] = set()
    for hours, place_ids in searched.places_by_hours.items():
        if core.open_throughout(hours, (), start, end):
            open_places.update(place_ids)
    # Paris days, a day wider on each side: a superset of the closures that matter.
    first_day, last_day = (start - timedelta(days=1)).date(), (end + timedelta(days=1)).date()
    for place_id, closures in searched.closures.items():
        if place_id not in open_places:
            continue
        near = [c for c in closures if c.start <= last_day and c.end >= first_day]
        if near and not core.open_throughout(searched.hours[place_id], near, start, end):
            open_places.discard(place_id)
    return open_places


def taken_by_space(
    spaces: list[SearchableSpace],
    start: datetime,
    end: datetime,
    busy: list[tuple[int, datetime, datetime]],
) -> dict[int, list[core.BookedInterval]]:
    """What keeps each of `spaces` out of [start, end) (widened by the widest gap), as the
    core reads it: its holding bookings meeting it and its `busy` times (sql.busy_meeting's
    rows over the same window: imported, managers' blocks)."""
    taken: dict[int, list[core.BookedInterval]] = {space.space_id: [] for space in spaces}
    nearby = meeting_window(Booking.objects.holding(), start, end).order_by()
    if len(spaces) <= _SPACE_LIST_LIMIT:
        nearby = nearby.filter(space_id__in=list(taken))
    for space_id, b_start, b_end, seats, exclusive in nearby.values_list(
        "space_id", "start", "end", "seats", "exclusive"
    ):
        if (held := taken.get(space_id)) is not None:
            held.append(core.BookedInterval(b_start, b_end, 1 if exclusive else seats))
    rules = {space.space_id: space.rules for space in spaces}
    for space_id, b_start, b_end in busy:
        if (held := taken.get(space_id)) is not None:
            held.append(sql.busy_interval(rules[space_id], b_start, b_end))
    return taken


def search_spaces(
    start: datetime,
    end: datetime,
    people: int,
    *,
    kind: str | None = None,
    commune_code: str | None = None,
    near: tuple[float, float] | None = None,
    departement: str | None = None,
) -> list[SearchResult]:
    """Spaces free for `people` throughout [start, end), by space id, or nearest first (then
    by space id) when a point (latitude, longitude) is given; in the département `departement`
    (code; the platform's by default), in one commune (INSEE code) and of one kind if asked.

    The places come from booking.searchable (read once per data version by each process);
    whether a place is open all along is decided once per pattern of hours. The bookings near
    the window are read as one grouped statement (sql.nearby_loads): a space with none, and
    no busy time, is free; an exclusive one is free unless one of them reaches the window with
    its gap (core.exclusive_reach); a desk space is free when the seats they hold at most
    leave enough. Only the others (busy times, desk spaces near full) read their bookings and busy
    times one by one, decided by the availability core.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    searched = searchable(departement or settings.MAILLAGE_DEPARTEMENT, timezone.localdate())
    open_places = _open_places(searched, start, end)
    now = timezone.now()
    # By identity: the spaces share a few rules objects (Searchable.rules).
    startable = {
        id(rules): rules for rules in searched.rules if _starts_in_window(rules, start, now)
    }
    candidates = [
        space
        for space in searched.spaces
        if id(space.rules) in startable
        and space.place_id in open_places
        and space.capacity >= people
        and (kind is None or space.kind == kind)
        and (commune_code is None or space.commune_code == commune_code)
    ]
    if not candidates:
        return []
    widest_gap = max(rules.gap for rules in startable.values())
    around = (start - widest_gap, end + widest_gap)
    listed = (
        [space.space_id for space in candidates] if len(candidates) <= _SPACE_LIST_LIMIT else None
    )
    longest = longest_blocked_span()
    gaps = sorted({rules.gap for rules in startable.values()})
    loads = sql.nearby_loads(
        *around,
        [core.exclusive_reach(start, end, gap) for gap in gaps],
        around[0] - longest if longest is not None else None,
        listed,
    )
    taking_column = {gap: 1 + number for number, gap in enumerate(gaps)}
    busy = sql.busy_meeting(*around, listed)
    busy_spaces = {space_id for space_id, _, _ in busy}
    # A space with bookings near: an exclusive one is taken when one of them reaches the
    # window with its gap; a desk space is free when the bound leaves enough seats. Busy
    # times and the other desk spaces are decided by the core on their bookings.
    taken_exclusive = {
        space.space_id
        for space in candidates
        if space.space_id in loads
        and space.rules.kind.is_exclusive
        and space.space_id not in busy_spaces
        and loads[space.space_id][taking_column[space.rules.gap]]
    }
    undecided = [
        space
        for space in candidates
        if space.space_id in busy_spaces
        or (
            space.space_id in loads
            and not space.rules.kind.is_exclusive
            and space.capacity - loads[space.space_id][0] < people
        )
    ]
    taken = taken_by_space(undecided, *around, busy) if undecided else {}
    places = searched.places

    def distance_to(place_id: int) -> float | None:
        if near is None:
            return None
        return distance_m(near[0], near[1], places[place_id].latitude, places[place_id].longitude)

    results = [
        SearchResult(space, places[space.place_id], distance_to(space.place_id))
        for space in candidates
        if space.space_id not in taken_exclusive
        and (
            space.space_id not in taken
            or core.free_seats_throughout(space.rules, taken[space.space_id], start, end) >= people
        )
    ]
    if near:
        results.sort(key=lambda result: result.distance_m or 0.0)  # all set when `near`
    return results
