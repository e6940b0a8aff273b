"""Reading availability from the database: a space's week, the département-wide search."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from maillage.booking import availability as core
from maillage.booking import sql
from maillage.booking.models import Booking, BookingQuerySet
from maillage.booking.price_lines import PriceLine
from maillage.booking.space_rules import RULE_FIELDS, RuleFields, rules_from, weekly_hours
from maillage.places.kinds import KIND_LABELS, SpaceKind
from maillage.places.models import PLACE_PAGE, Closure, OpeningHours, Place, Space
from maillage.places.schedule import DateRange
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


@dataclass(frozen=True)
class PlaceCard:
    """What a search result shows of its place."""

    slug: str
    name: str
    commune: str
    latitude: float
    longitude: float
    is_fictional: bool

    def get_absolute_url(self) -> str:
        return PLACE_PAGE(self.slug)


@dataclass
class SearchResult:
    """A free space, as plain values: a search may find thousands, so no model instances."""

    space_id: int
    name: str
    kind: str
    capacity: int
    price_hour_cents: int | None
    price_half_day_cents: int | None
    price_day_cents: int | None
    place_id: int
    place: PlaceCard
    distance_m: float | None
    price_cents: int | None = None  # for the searched window, filled in by the page
    distance_label: str | None = None  # «850 m», filled in by the page when `near`
    # The signed-in person's price for the window and why (presentation.PriceLine), filled
    # in by the page for the results it shows.
    price_line: PriceLine | None = None

    @property
    def is_exclusive(self) -> bool:
        return SpaceKind(self.kind).is_exclusive

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[SpaceKind(self.kind)]


_SPACE_COLUMNS = (
    "id",
    "place_id",
    "name",
    "price_hour_cents",
    "price_half_day_cents",
    "price_day_cents",
    *RULE_FIELDS,
)
# Rows are read as plain tuples (thousands per search); these positions name their columns.
_ID, _PLACE, _NAME, _HOUR, _HALF_DAY, _DAY = range(6)
_RULES = slice(6, None)  # the RULE_FIELDS, in order
_KIND, _CAPACITY = (6 + RULE_FIELDS.index(name) for name in ("kind", "capacity"))
# Above this many spaces the bookings query filters by time only and Python keeps the rows
# of the spaces searched: a long IN list costs more (in Django and the database) than it saves.
_SPACE_LIST_LIMIT = 200


def _starts_in_window(rules: core.SpaceRules, start: datetime, now: datetime) -> bool:
    """Whether a booking made now may start at `start` (notice and advance of the space)."""
    earliest, latest = core.start_window(rules, now)
    return earliest <= start and (latest is None or start <= latest)


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
    """Spaces free for `people` throughout [start, end), nearest first when a point is given.

    A fixed number of queries whatever the number of spaces (spaces, places, opening hours,
    closures, the longest blocked span, bookings, busy times), all read as plain rows.
    Whether a place is open all along is decided once per place; each space then only checks
    its bookings and busy times (imported, and managers' blocks).
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    place_filter = {"commune__departement_id": departement or settings.MAILLAGE_DEPARTEMENT}
    if commune_code:
        place_filter["commune__insee_code"] = commune_code
    of_places = {f"place__{name}": value for name, value in place_filter.items()}
    spaces = Space.objects.bookable(timezone.localdate()).filter(capacity__gte=people, **of_places)
    if kind:
        spaces = spaces.filter(kind=kind)
    rows = list(spaces.order_by("pk").values_list(*_SPACE_COLUMNS))
    if not rows:
        return []
    # Filtered by join rather than by a list of ids: a superset, cheaper than a long IN list.
    # Only the weekdays the window touches matter for whether a place is open all along.
    local_days = {
        (start.astimezone(core.PARIS) + timedelta(days=n)).date()
        for n in range((end - start).days + 2)
    }
    weekdays = sorted(
        {day.weekday() for day in local_days if day <= end.astimezone(core.PARIS).date()}
    )
    hours: dict[int, list[tuple[int, time, time]]] = defaultdict(list)
    for place_id, weekday, opens, closes in OpeningHours.objects.filter(
        weekday__in=weekdays, **of_places
    ).values_list("place_id", "weekday", "opens", "closes"):
        hours[place_id].append((weekday, opens, closes))
    closures: dict[int, list[DateRange]] = defaultdict(list)
    first_day, last_day = (start - timedelta(days=1)).date(), (end + timedelta(days=1)).date()
    for place_id, first, last in Closure.objects.filter(
        start_date__lte=last_day, end_date__gte=first_day, **of_places
    ).values_list("place_id", "start_date", "end_date"):
        closures[place_id].append(DateRange(first, last))
    # Places share a few patterns of hours and most have no closure in the window: decide
    # each (hours, closures) pattern once.
    open_by_pattern: dict[tuple[core.WeeklyHours, tuple[DateRange, ...]], bool] = {}

    def is_open(place_id: int) -> bool:
        pattern = (weekly_hours(tuple(sorted(hours[place_id]))), tuple(closures[place_id]))
        if pattern not in open_by_pattern:
            open_by_pattern[pattern] = core.open_throughout(*pattern, start, end)
        return open_by_pattern[pattern]

    open_places = {
        place_id
        for place_id in {row[_PLACE] for row in rows}
        if place_id in hours and is_open(place_id)
    }
    now = timezone.now()
    # Spaces share a handful of rule combinations: each is decided once, by its field values
    # (the rules, or None when a booking made now cannot start at `start`).
    rules_by_fields: dict[tuple[object, ...], core.SpaceRules | None] = {}
    rules: dict[int, core.SpaceRules] = {}
    for row in rows:
        if row[_PLACE] not in open_places:
            continue
        fields = row[_RULES]
        if fields not in rules_by_fields:
            candidate = rules_from(RuleFields._make(fields))
            rules_by_fields[fields] = (
                candidate if _starts_in_window(candidate, start, now) else None
            )
        if (space_rules := rules_by_fields[fields]) is not None:
            rules[row[_ID]] = space_rules
    rows = [row for row in rows if row[_ID] in rules]
    if not rows:
        return []
    widest_gap = max(space_rules.gap for space_rules in rules.values())
    booked: dict[int, list[core.BookedInterval]] = {space_id: [] for space_id in rules}
    bookings = meeting_window(Booking.objects.holding(), start - widest_gap, end + widest_gap)
    if len(rows) <= _SPACE_LIST_LIMIT:
        bookings = bookings.filter(space_id__in=list(booked))
    for space_id, b_start, b_end, seats, exclusive in bookings.order_by().values_list(
        "space_id", "start", "end", "seats", "exclusive"
    ):
        if (held := booked.get(space_id)) is not None:
            held.append(core.BookedInterval(b_start, b_end, 1 if exclusive else seats))
    # Busy times (imported from the spaces' external calendars, managers' blocks) take the
    # whole space.
    searched = list(booked) if len(rows) <= _SPACE_LIST_LIMIT else None
    for space_id, b_start, b_end in sql.busy_meeting(
        start - widest_gap, end + widest_gap, searched
    ):
        if (held := booked.get(space_id)) is not None:
            held.append(sql.busy_interval(rules[space_id], b_start, b_end))
    # A space with no booking near the window is free: its capacity was filtered in SQL.
    free = [
        row
        for row in rows
        if not booked[row[_ID]]
        or core.free_seats_throughout(rules[row[_ID]], booked[row[_ID]], start, end) >= people
    ]
    if not free:
        return []
    places = {
        pk: PlaceCard(slug, name, commune, latitude, longitude, fictional)
        for pk, slug, name, commune, latitude, longitude, fictional in Place.objects.filter(
            **place_filter
        ).values_list(
            "pk", "slug", "name", "commune__name", "latitude", "longitude", "is_fictional"
        )
    }
    results = [
        SearchResult(
            space_id=row[_ID],
            name=row[_NAME],
            kind=row[_KIND],
            capacity=row[_CAPACITY],
            price_hour_cents=row[_HOUR],
            price_half_day_cents=row[_HALF_DAY],
            price_day_cents=row[_DAY],
            place_id=row[_PLACE],
            place=places[row[_PLACE]],
            distance_m=(
                distance_m(
                    near[0], near[1], places[row[_PLACE]].latitude, places[row[_PLACE]].longitude
                )
                if near
                else None
            ),
        )
        for row in free
        if row[_PLACE] in places  # a place closed between two queries is left out
    ]
    if near:
        results.sort(key=lambda result: result.distance_m or 0.0)  # all set when `near`
    return results
