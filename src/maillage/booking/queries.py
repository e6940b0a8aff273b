"""Reading availability from the database: a space's week, the département-wide search."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch

from maillage.booking import availability as core
from maillage.booking.models import Booking
from maillage.booking.space_rules import (
    RULE_FIELDS,
    closures_of,
    hours_of,
    rules_from,
    rules_of,
    weekly_hours,
)
from maillage.places.models import Closure, OpeningHours, Place, PlaceStatus, Space
from maillage.territory.models import Commune

EARTH_RADIUS_M = 6_371_000


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


def meeting_window(queryset, start: datetime, end: datetime):
    """The bookings of `queryset` whose blocked span meets [start, end), on a bounded range."""
    queryset = queryset.meeting(start, end)
    longest = longest_blocked_span()
    if longest is not None:
        queryset = queryset.filter(blocked_start__gt=start - longest)
    return queryset


def _intervals(queryset, gap: timedelta, start: datetime, end: datetime):
    return [
        core.BookedInterval(b_start, b_end, 1 if exclusive else seats)
        for b_start, b_end, seats, exclusive in meeting_window(
            queryset.holding(), start - gap, end + gap
        )
        .order_by()
        .values_list("start", "end", "seats", "exclusive")
    ]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def space_week(space: Space, monday: date) -> core.Availability:
    """Free, booked and closed time of a space over the Paris week starting `monday`."""
    start = core.wall_clock_instant(datetime.combine(monday, datetime.min.time()))
    end = core.wall_clock_instant(datetime.combine(monday + timedelta(days=7), datetime.min.time()))
    rules = rules_of(space)
    return core.compute_availability(
        rules,
        start,
        end,
        hours=hours_of(space.place),
        closures=closures_of(space.place),
        bookings=_intervals(Booking.objects.filter(space=space), rules.gap, start, end),
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), plenty precise at a département's scale."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass
class SearchResult:
    space: Space
    distance_m: float | None
    price_cents: int | None = None  # for the searched window, filled in by the page


# Above this many spaces the bookings query filters by time only and Python keeps the rows
# of the spaces searched: a long IN list costs more (in Django and the database) than it saves.
_SPACE_LIST_LIMIT = 200
# The Space columns a search loads (its description loads on access, if ever).
_SPACE_COLUMNS = tuple(
    field.attname for field in Space._meta.concrete_fields if field.name != "description"
)
_rule_values = itemgetter(*(_SPACE_COLUMNS.index(name) for name in RULE_FIELDS))


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

    A fixed number of queries whatever the number of spaces: spaces (plain rows), opening
    hours, closures, the longest blocked span, bookings, places (with their communes). Only the
    spaces found become model instances, with their place and commune loaded (shared between
    the spaces of a place, as prefetch_related does; long texts and outlines load on access).
    """
    place_filter = {
        "status": PlaceStatus.OPEN,
        "commune__departement_id": departement or settings.MAILLAGE_DEPARTEMENT,
    }
    if commune_code:
        place_filter["commune__insee_code"] = commune_code
    of_places = {f"place__{name}": value for name, value in place_filter.items()}
    spaces = Space.objects.filter(is_bookable=True, capacity__gte=people, **of_places)
    if kind:
        spaces = spaces.filter(kind=kind)
    rows = list(
        spaces.order_by("pk").values_list(*_SPACE_COLUMNS, "place__latitude", "place__longitude")
    )
    if not rows:
        return []
    # Filtered by join rather than by a list of ids: a superset, cheaper than a long IN list.
    hours: dict[int, list[tuple]] = defaultdict(list)
    for place_id, weekday, opens, closes in OpeningHours.objects.filter(**of_places).values_list(
        "place_id", "weekday", "opens", "closes"
    ):
        hours[place_id].append((weekday, opens, closes))
    weekly = {place_id: weekly_hours(tuple(sorted(ranges))) for place_id, ranges in hours.items()}
    closures: dict[int, list[core.Closure]] = defaultdict(list)
    first_day, last_day = (start - timedelta(days=1)).date(), (end + timedelta(days=1)).date()
    for place_id, first, last in Closure.objects.filter(
        start_date__lte=last_day, end_date__gte=first_day, **of_places
    ).values_list("place_id", "start_date", "end_date"):
        closures[place_id].append(core.Closure(first, last))
    before = _SPACE_COLUMNS.index("buffer_before_minutes")
    after = _SPACE_COLUMNS.index("buffer_after_minutes")
    widest_gap = timedelta(minutes=max(row[before] + row[after] for row in rows))
    pk, place = _SPACE_COLUMNS.index("id"), _SPACE_COLUMNS.index("place_id")
    booked: dict[int, list[core.BookedInterval]] = {row[pk]: [] for row in rows}
    bookings = meeting_window(Booking.objects.holding(), start - widest_gap, end + widest_gap)
    if len(rows) <= _SPACE_LIST_LIMIT:
        bookings = bookings.filter(space_id__in=list(booked))
    for space_id, b_start, b_end, seats, exclusive in bookings.order_by().values_list(
        "space_id", "start", "end", "seats", "exclusive"
    ):
        if (held := booked.get(space_id)) is not None:
            held.append(core.BookedInterval(b_start, b_end, 1 if exclusive else seats))
    no_hours = core.WeeklyHours()
    # A space can be free only if its place is open throughout: the core decides that once per
    # distinct (hours, closures), with a probe that has nothing else to refuse it for.
    probe = core.SpaceRules(kind=core.SpaceKind.DESK, capacity=people)
    open_throughout: dict[tuple, bool] = {}  # by (hours, closures); the hours are shared
    schedules: dict[int, tuple[core.WeeklyHours, tuple[core.Closure, ...], bool]] = {}
    candidates = []
    for index, row in enumerate(rows):
        schedule = schedules.get(row[place])
        if schedule is None:
            week, closed = weekly.get(row[place], no_hours), tuple(closures[row[place]])
            key = (id(week), closed)
            if (is_open := open_throughout.get(key)) is None:
                is_open = open_throughout[key] = bool(
                    core.search([core.Candidate(None, probe, week, closed)], start, end, people)
                )
            schedule = schedules[row[place]] = (week, closed, is_open)
        if schedule[2]:
            candidates.append(
                core.Candidate(
                    space_id=index,
                    rules=rules_from(*_rule_values(row)),
                    hours=schedule[0],
                    closures=schedule[1],
                    bookings=tuple(booked[row[pk]]),
                    distance=distance_m(near[0], near[1], row[-2], row[-1]) if near else None,
                )
            )
    found = core.search(candidates, start, end, people)
    if not found:
        return []
    places = {
        p.pk: p
        for p in Place.objects.filter(**place_filter)
        .defer("description", "search_text")
        .prefetch_related(Prefetch("commune", queryset=Commune.objects.defer("geometry")))
    }
    db = spaces.db
    results = []
    for candidate in found:
        row = rows[candidate.space_id]
        if row[place] not in places:  # the place changed between two queries
            continue
        space = Space.from_db(db, _SPACE_COLUMNS, row[: len(_SPACE_COLUMNS)])
        space.place = places[row[place]]
        results.append(SearchResult(space, candidate.distance))
    return results
