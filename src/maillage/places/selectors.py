"""Reads of the places shared by the public directory (web) and the API: which places the
directory shows, and the places near a point."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from maillage.places.models import (
    Closure,
    OpeningHours,
    Place,
    PlaceQuerySet,
    Space,
    SpaceQuerySet,
    today_in_paris,
)
from maillage.territory.models import Commune

EARTH_RADIUS_M = 6_371_000
# Metres in a degree of latitude (and of longitude at the equator).
METRES_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine), plenty precise at a département's scale."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def directory_places() -> PlaceQuerySet:
    """Every place of the active département with its commune, as the public directory and
    its map start from (then PlaceQuerySet.listed unless a status is asked)."""
    # A commune's outline (GeoJSON, kilobytes) is for maps of communes, never for a place.
    return (
        Place.objects.in_departement(settings.MAILLAGE_DEPARTEMENT)
        .select_related("commune")
        .defer("commune__geometry")
    )


@dataclass(frozen=True)
class Near:
    """A point (WGS84 degrees) and a radius in metres."""

    lat: float
    lon: float
    radius_m: float


def _box(near: Near) -> Q:
    """The places in a latitude and longitude box holding the circle of `near`."""
    lat_span = near.radius_m / METRES_PER_DEGREE
    cos_lat = max(math.cos(math.radians(near.lat)), 1e-6)
    lon_span = min(180.0, near.radius_m / (METRES_PER_DEGREE * cos_lat))
    return Q(
        latitude__gte=near.lat - lat_span,
        latitude__lte=near.lat + lat_span,
        longitude__gte=near.lon - lon_span,
        longitude__lte=near.lon + lon_span,
    )


def places_near(places: PlaceQuerySet, near: Near) -> list[Place]:
    """The places of `places` within `near.radius_m` metres of the point, each with its
    `distance_m` (metres, float) set, nearest first then by id. The database keeps the
    places of a box around the circle; the distance is then computed for those only."""
    boxed = places.filter(_box(near))
    found = []
    for place in boxed:
        metres = distance_m(near.lat, near.lon, place.latitude, place.longitude)
        if metres <= near.radius_m:
            place.distance_m = metres  # type: ignore[attr-defined]
            found.append(place)
    found.sort(key=lambda place: (place.distance_m, place.pk))  # type: ignore[attr-defined]
    return found


# How far around the communes a search by postal code or commune looks (straight line).
AROUND_COMMUNES_M = 5_000


def places_around(places: PlaceQuerySet, communes: Sequence[Commune]) -> list[Place]:
    """The places of `places` in `communes` first (by name, then id, `distance_m` None), then
    the others within AROUND_COMMUNES_M metres of one of the communes' centres, nearest first
    then by id, each with `distance_m` set (metres, float, to the nearest centre)."""
    inside_ids = {commune.pk for commune in communes}
    centres = [Near(c.centroid_lat, c.centroid_lon, AROUND_COMMUNES_M) for c in communes]
    reach = Q(commune__in=inside_ids)
    for centre in centres:
        reach |= _box(centre)
    inside: list[Place] = []
    others: list[Place] = []
    for place in places.filter(reach):
        if place.commune_id in inside_ids:
            place.distance_m = None  # type: ignore[attr-defined]
            inside.append(place)
            continue
        metres = min(distance_m(c.lat, c.lon, place.latitude, place.longitude) for c in centres)
        if metres <= AROUND_COMMUNES_M:
            place.distance_m = metres  # type: ignore[attr-defined]
            others.append(place)
    inside.sort(key=lambda place: (place.name, place.pk))
    others.sort(key=lambda place: (place.distance_m, place.pk))  # type: ignore[attr-defined]
    return inside + others


def place_spaces(place: Place) -> SpaceQuerySet:
    """The spaces of `place` as its public page lists them (kind, then name, then id), with
    their equipment."""
    return (
        Space.objects.filter(place=place)
        .prefetch_related("equipment")
        .order_by("kind", "name", "pk")
    )


@dataclass
class PageFacts:
    """What a place's public page lists besides its own fields, as plain values."""

    services: list[tuple[str, str]] = field(default_factory=list)  # (slug, name), by name
    # (weekday, 0 for Monday; opens; closes), Paris wall clock, by weekday then opening.
    hours: list[tuple[int, time, time]] = field(default_factory=list)
    # (first day, last day, reason) of the closures not over yet (Paris days), by first day.
    closures: list[tuple[date, date, str]] = field(default_factory=list)
    # (id, name, kind, capacity) of the spaces, by kind, name then id.
    spaces: list[tuple[int, str, str, int]] = field(default_factory=list)


def page_facts(place_ids: Iterable[int]) -> dict[int, PageFacts]:
    """The PageFacts of each of these places (four queries of plain rows, whatever their
    number: a page of places builds no model instance for them)."""
    ids = list(place_ids)
    facts = {place_id: PageFacts() for place_id in ids}
    services = Place.services.through.objects.filter(place_id__in=ids).order_by(
        "service__name", "service_id"
    )
    for place_id, slug, name in services.values_list("place_id", "service__slug", "service__name"):
        facts[place_id].services.append((slug, name))
    hours = OpeningHours.objects.filter(place_id__in=ids).order_by("weekday", "opens", "pk")
    for place_id, weekday, opens, closes in hours.values_list(
        "place_id", "weekday", "opens", "closes"
    ):
        facts[place_id].hours.append((weekday, opens, closes))
    closures = Closure.objects.filter(place_id__in=ids, end_date__gte=today_in_paris()).order_by(
        "start_date", "pk"
    )
    for place_id, first, last, reason in closures.values_list(
        "place_id", "start_date", "end_date", "reason"
    ):
        facts[place_id].closures.append((first, last, reason))
    spaces = Space.objects.filter(place_id__in=ids).order_by("kind", "name", "pk")
    for place_id, space_id, name, kind, capacity in spaces.values_list(
        "place_id", "pk", "name", "kind", "capacity"
    ):
        facts[place_id].spaces.append((space_id, name, kind, capacity))
    return facts


def bookable_space_ids(places: Iterable[Place]) -> set[int]:
    """The ids of the spaces of `places` that can be booked today (Space.objects.bookable)."""
    return set(
        Space.objects.bookable(timezone.localdate())
        .filter(place__in=[place.pk for place in places])
        .values_list("pk", flat=True)
    )
