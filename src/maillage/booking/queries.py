"""Reading availability from the database: a space's week, the département-wide search."""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings

from maillage.booking import availability as core
from maillage.booking.models import Booking
from maillage.booking.space_rules import closures_of, hours_of, rules_of
from maillage.places.models import Closure, OpeningHours, PlaceStatus, Space

EARTH_RADIUS_M = 6_371_000


def _intervals(queryset, gap: timedelta, start: datetime, end: datetime):
    return [
        core.BookedInterval(b.start, b.end, 1 if b.exclusive else b.seats)
        for b in queryset.holding().meeting(start - gap, end + gap)
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

    Four queries whatever the number of spaces: spaces, opening hours, closures, bookings.
    """
    spaces = (
        Space.objects.filter(
            is_bookable=True,
            capacity__gte=people,
            place__status=PlaceStatus.OPEN,
            place__commune__departement_id=departement or settings.MAILLAGE_DEPARTEMENT,
        )
        .select_related("place__commune")
        .order_by("pk")
    )
    if kind:
        spaces = spaces.filter(kind=kind)
    if commune_code:
        spaces = spaces.filter(place__commune__insee_code=commune_code)
    spaces = list(spaces)
    place_ids = {s.place_id for s in spaces}
    hours: dict[int, list[core.OpeningRange]] = defaultdict(list)
    for place_id, weekday, opens, closes in OpeningHours.objects.filter(
        place_id__in=place_ids
    ).values_list("place_id", "weekday", "opens", "closes"):
        hours[place_id].append(core.OpeningRange(weekday, opens, closes))
    closures: dict[int, list[core.Closure]] = defaultdict(list)
    first_day, last_day = (start - timedelta(days=1)).date(), (end + timedelta(days=1)).date()
    for place_id, first, last in Closure.objects.filter(
        place_id__in=place_ids, start_date__lte=last_day, end_date__gte=first_day
    ).values_list("place_id", "start_date", "end_date"):
        closures[place_id].append(core.Closure(first, last))
    widest_gap = max(
        (timedelta(minutes=s.buffer_before_minutes + s.buffer_after_minutes) for s in spaces),
        default=timedelta(0),
    )
    booked: dict[int, list[core.BookedInterval]] = defaultdict(list)
    for space_id, b_start, b_end, seats, exclusive in (
        Booking.objects.filter(space_id__in=[s.pk for s in spaces])
        .holding()
        .meeting(start - widest_gap, end + widest_gap)
        .values_list("space_id", "start", "end", "seats", "exclusive")
    ):
        booked[space_id].append(core.BookedInterval(b_start, b_end, 1 if exclusive else seats))
    weekly = {place_id: core.WeeklyHours(tuple(ranges)) for place_id, ranges in hours.items()}
    by_id = {s.pk: s for s in spaces}
    candidates = [
        core.Candidate(
            space_id=space.pk,
            rules=rules_of(space),
            hours=weekly.get(space.place_id, core.WeeklyHours()),
            closures=tuple(closures[space.place_id]),
            bookings=tuple(booked[space.pk]),
            distance=(
                distance_m(near[0], near[1], space.place.latitude, space.place.longitude)
                if near
                else None
            ),
        )
        for space in spaces
    ]
    return [
        SearchResult(by_id[c.space_id], c.distance)
        for c in core.search(candidates, start, end, people)
    ]
