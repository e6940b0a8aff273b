"""What the free-space search reads of a département's places (its bookable spaces with their
rules, its places' cards, hours and closures), kept by each process while the places' data
version (places.data_version) stays the same: a search then reads only what changes with
every booking.

A search runs for every visitor and partner app; places change when a manager edits them.
Reading their thousands of rows once per version instead of once per search is most of what
makes a search cheap (bench: `maillage bench api`).
"""

import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time, timedelta

from maillage.booking import availability as core
from maillage.booking.space_rules import RULE_FIELDS, RuleFields, rules_from, weekly_hours
from maillage.places.data_version import places_data_version
from maillage.places.models import PLACE_PAGE, Closure, OpeningHours, Place, Space
from maillage.places.schedule import DateRange


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


@dataclass(frozen=True, slots=True)
class SearchableSpace:
    """A bookable space as the search reads it (prices in cents, None: no such price)."""

    space_id: int
    place_id: int
    commune_code: str  # its place's commune, INSEE code
    name: str
    kind: str
    capacity: int
    price_hour_cents: int | None
    price_half_day_cents: int | None
    price_day_cents: int | None
    rules: core.SpaceRules


@dataclass(frozen=True)
class Searchable:
    """A département's places on a Paris day, as the search reads them."""

    spaces: tuple[SearchableSpace, ...]  # bookable on the day, by id
    places: dict[int, PlaceCard]  # every place of the département, by id
    hours: dict[int, core.WeeklyHours]  # by place, the places with opening hours
    # The places with hours, grouped by their weekly hours (a handful of patterns).
    places_by_hours: dict[core.WeeklyHours, tuple[int, ...]]
    # From the day before on (a search window starts no earlier than now), by place.
    closures: dict[int, tuple[DateRange, ...]]
    # The spaces' rules, each once (spaces with the same rules share one object).
    rules: tuple[core.SpaceRules, ...]


_SPACE_COLUMNS = (
    "id",
    "place_id",
    "place__commune__insee_code",
    "name",
    "price_hour_cents",
    "price_half_day_cents",
    "price_day_cents",
    *RULE_FIELDS,
)
_RULES = slice(7, None)  # the RULE_FIELDS, in order, in a row of _SPACE_COLUMNS
_KIND, _CAPACITY = (7 + RULE_FIELDS.index(name) for name in ("kind", "capacity"))


def load_searchable(departement: str, day: date) -> Searchable:
    """The searchable places of `departement` (code) on the Paris day `day`, read now (four queries,
    plain rows)."""
    of_places = {"place__commune__departement_id": departement}
    spaces = tuple(
        SearchableSpace(
            space_id=row[0],
            place_id=row[1],
            commune_code=row[2],
            name=row[3],
            kind=row[_KIND],
            capacity=row[_CAPACITY],
            price_hour_cents=row[4],
            price_half_day_cents=row[5],
            price_day_cents=row[6],
            rules=rules_from(RuleFields._make(row[_RULES])),
        )
        for row in Space.objects.bookable(day)
        .filter(**of_places)
        .order_by("pk")
        .values_list(*_SPACE_COLUMNS)
    )
    places = {
        pk: PlaceCard(slug, name, commune, latitude, longitude, fictional)
        for pk, slug, name, commune, latitude, longitude, fictional in Place.objects.filter(
            commune__departement_id=departement
        ).values_list(
            "pk", "slug", "name", "commune__name", "latitude", "longitude", "is_fictional"
        )
    }
    ranges: dict[int, list[tuple[int, time, time]]] = defaultdict(list)
    for place_id, weekday, opens, closes in OpeningHours.objects.filter(**of_places).values_list(
        "place_id", "weekday", "opens", "closes"
    ):
        ranges[place_id].append((weekday, opens, closes))
    closures: dict[int, list[DateRange]] = defaultdict(list)
    for place_id, first, last in (
        Closure.objects.filter(end_date__gte=day - timedelta(days=1), **of_places)
        .order_by("start_date")
        .values_list("place_id", "start_date", "end_date")
    ):
        closures[place_id].append(DateRange(first, last))
    hours = {
        place_id: weekly_hours(tuple(sorted(place_ranges)))
        for place_id, place_ranges in ranges.items()
    }
    places_by_hours: dict[core.WeeklyHours, list[int]] = defaultdict(list)
    for place_id, place_hours in hours.items():
        places_by_hours[place_hours].append(place_id)
    return Searchable(
        spaces=tuple(space for space in spaces if space.place_id in places),  # none deleted since
        places=places,
        hours=hours,
        places_by_hours={pattern: tuple(ids) for pattern, ids in places_by_hours.items()},
        closures={place_id: tuple(dates) for place_id, dates in closures.items()},
        rules=tuple({id(space.rules): space.rules for space in spaces}.values()),
    )


# What this process read, by (data version, département, day); a few entries at most.
_KEPT: dict[tuple[int, str, date], Searchable] = {}
_KEPT_AT_MOST = 8
_KEEPING = threading.Lock()


def searchable(departement: str, day: date) -> Searchable:
    """The searchable places of `departement` on the Paris day `day`: as this process last
    read them while the places' data version is unchanged, read again otherwise (and always
    inside a transaction, which may have written them: places_data_version)."""
    version = places_data_version()
    if version is None:
        return load_searchable(departement, day)
    key = (version, departement, day)
    kept = _KEPT.get(key)
    if kept is None:
        kept = load_searchable(departement, day)
        with _KEEPING:
            if len(_KEPT) >= _KEPT_AT_MOST:
                _KEPT.clear()
            _KEPT[key] = kept
    return kept
