"""The observatory's measures on the live territory: database rows in, engine figures out."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from django.conf import settings
from shapely import set_precision
from shapely.geometry import mapping, shape

from maillage.core.text import fold
from maillage.observatory import engine
from maillage.observatory.models import CandidateSite, PopulationLayer
from maillage.places.models import SEAT_KINDS, Place, PlaceStatus, today_in_paris
from maillage.territory.models import Commune
from maillage.territory.reference import ILE_DE_FRANCE_DEPARTEMENTS

THRESHOLDS_MINUTES = (5, 10, 15, 20, 30)
DEFAULT_THRESHOLD_MINUTES = 15
# Under-served areas with fewer inhabitants than this are noise on a map.
MIN_UNDERSERVED_POPULATION = 50
# Planning ratio for a candidate site's workstations when none are known yet.
SQUARE_METRES_PER_SEAT = 10
NO_EPT = "Hors EPT"


@dataclass(frozen=True)
class SitePoint:
    """A place or a candidate site, as the engine sees it."""

    key: str  # "place:12", "candidate:7"
    name: str
    kind: str  # existing, project, candidate
    latitude: float
    longitude: float
    commune_code: str
    seats: int = 0
    commune_name: str = ""

    @property
    def label(self) -> str:
        """Name and commune: site names alone repeat across communes."""
        return f"{self.name} ({self.commune_name})" if self.commune_name else self.name


@dataclass(frozen=True)
class AreaFigures:
    """Coverage figures of one area: the département, an EPT or a commune."""

    code: str
    name: str
    population: float
    share_within: dict[int, float]
    mean_minutes: float
    places: int = 0
    seats: int = 0

    @property
    def seats_per_thousand(self) -> float:
        return engine.seats_per_thousand(self.seats, self.population)


@dataclass(frozen=True)
class UnderservedZone:
    """A connected area of under-served grid cells within one commune (engine
    underserved_areas): its GeoJSON polygon (WGS84), its inhabitants (unrounded: sums of
    zones stay exact), its number of grid cells and its commune."""

    geometry: dict
    population: float
    cells: int
    commune_code: str = ""
    commune_name: str = ""


@dataclass(frozen=True)
class CoverageReport:
    threshold: int
    thresholds: tuple[int, ...]
    departement: AreaFigures
    p90_minutes: float
    gini_mean_access: float | None  # None when some commune has no site at all
    epts: list[AreaFigures]
    communes: list[AreaFigures]
    underserved: list[UnderservedZone] = field(default_factory=list)

    def commune(self, code: str) -> AreaFigures:
        return next(c for c in self.communes if c.code == code)

    @property
    def underserved_population(self) -> float:
        """Inhabitants of the under-served zones. Opening a site can split a zone in two, so
        this, not the number of zones, is what measures progress."""
        return sum(zone.population for zone in self.underserved)


@dataclass(frozen=True)
class TerritoryDemand:
    demand: engine.Demand
    names: dict[str, str]
    epts: dict[str, str]


def territory_demand(code: str) -> TerritoryDemand:
    """The active imported population layer, or else each commune's population spread over
    a 200 m grid."""
    communes = tuple(
        Commune.objects.of_departement(code)
        .order_by("insee_code")
        .values_list("insee_code", "name", "ept", "population")
    )
    layer = PopulationLayer.objects.filter(departement=code, is_active=True).first()
    return _demand_for(code, communes, layer.pk if layer else None)


@lru_cache(maxsize=8)
def _demand_for(code: str, communes: tuple, layer_id: int | None) -> TerritoryDemand:
    # Derived data cached per process, keyed by the communes' figures and the layer (layers
    # are never edited, a new import is a new layer): a process without it recomputes the
    # same result, so nothing here needs sharing between servers.
    names = {insee: name for insee, name, _, _ in communes}
    epts = {insee: ept or NO_EPT for insee, _, ept, _ in communes}
    if layer_id is not None:
        layer = PopulationLayer.objects.get(pk=layer_id)
        rows = list(layer.points.values_list("x", "y", "weight", "commune__insee_code"))
        # Imports refuse such layers; one written before that check falls back to the spread.
        if rows and sum(row[2] for row in rows) > 0:
            x, y, weight, group = (np.array(column) for column in zip(*rows, strict=True))
            demand = engine.Demand(
                ids=np.arange(len(rows)),
                x=x,
                y=y,
                weight=weight,
                group=group.astype(object),
                cell_m=layer.cell_m,
            )
            return TerritoryDemand(demand=demand, names=names, epts=epts)
    geometries = dict(Commune.objects.of_departement(code).values_list("insee_code", "geometry"))
    polygons = {insee: engine.project_geometry(shape(geometries[insee])) for insee in names}
    populations = {insee: float(population) for insee, _, _, population in communes}
    return TerritoryDemand(demand=engine.grid_demand(polygons, populations), names=names, epts=epts)


def _place_points(places, kind: str) -> list[SitePoint]:
    places = places.select_related("commune").prefetch_related("spaces")
    return [
        SitePoint(
            key=f"place:{place.pk}",
            name=place.name,
            kind=kind,
            latitude=place.latitude,
            longitude=place.longitude,
            commune_code=place.commune.insee_code,
            seats=sum(s.capacity for s in place.spaces.all() if s.kind in SEAT_KINDS),
            commune_name=place.commune.name,
        )
        for place in places
    ]


def open_places(code: str) -> list[SitePoint]:
    return _place_points(Place.objects.in_departement(code).open(today_in_paris()), "existing")


def preparing_places(code: str) -> list[SitePoint]:
    """Places about to open (PlaceQuerySet.preparing: «en préparation», or «ouvert» with
    their opening date to come), counted as supply on request."""
    return _place_points(
        Place.objects.in_departement(code).preparing(today_in_paris()), "preparing"
    )


def project_places(code: str, ids: Iterable[int] | None = None) -> list[SitePoint]:
    places = Place.objects.in_departement(code).filter(
        status__in=[PlaceStatus.PROJECT, PlaceStatus.PREPARING]
    )
    if ids is not None:
        places = places.filter(pk__in=list(ids))
    return _place_points(places, "project")


def candidate_points(code: str, ids: Iterable[int] | None = None) -> list[SitePoint]:
    sites = CandidateSite.objects.filter(commune__departement_id=code).select_related("commune")
    if ids is not None:
        sites = sites.filter(pk__in=list(ids))
    return [
        SitePoint(
            key=f"candidate:{site.pk}",
            name=site.name,
            kind="candidate",
            latitude=site.latitude,
            longitude=site.longitude,
            commune_code=site.commune.insee_code,
            seats=site.surface_m2 // SQUARE_METRES_PER_SEAT,
            commune_name=site.commune.name,
        )
        for site in sites
    ]


def engine_sites(points: list[SitePoint]) -> engine.Sites:
    x, y = engine.project_xy(
        np.array([p.longitude for p in points], dtype=float),
        np.array([p.latitude for p in points], dtype=float),
    )
    return engine.Sites(ids=np.array([p.key for p in points], dtype=object), x=x, y=y)


def walking() -> dict[str, float]:
    """The configured walking model, as the engine's keyword arguments."""
    return {
        "detour": settings.MAILLAGE_DETOUR_FACTOR,
        "speed_kmh": settings.MAILLAGE_WALKING_SPEED_KMH,
    }


def access_minutes(code: str, sites: list[SitePoint]) -> np.ndarray:
    """Walking minutes from each demand point to its nearest site."""
    return engine.nearest_minutes(territory_demand(code).demand, engine_sites(sites), **walking())


def _round_minutes(value: float) -> float:
    return round(value, 1) if np.isfinite(value) else float("inf")


def _commune_figures(
    territory: TerritoryDemand,
    minutes: np.ndarray,
    sites: list[SitePoint],
    thresholds: tuple[int, ...],
) -> list[AreaFigures]:
    """Each commune's figures, by name: its population, the share within each threshold of
    walking minutes, its mean access, its sites and their seats."""
    demand = territory.demand
    assert demand.group is not None  # the territory's points are grouped by commune
    places = Counter(site.commune_code for site in sites)
    seats: Counter[str] = Counter()
    for site in sites:
        seats[site.commune_code] += site.seats
    by_commune = engine.share_within_by_group(minutes, demand.weight, demand.group, thresholds)
    mean_by_commune = engine.mean_access_by_group(minutes, demand.weight, demand.group)
    # A layer of points may leave a commune without anyone: it is listed, with no population.
    nobody = (float("inf"), 0.0)
    return [
        AreaFigures(
            code=insee,
            name=territory.names[insee],
            population=mean_by_commune.get(insee, nobody)[1],
            share_within={int(t): by_commune.get(insee, {}).get(t, 0.0) for t in thresholds},
            mean_minutes=_round_minutes(mean_by_commune.get(insee, nobody)[0]),
            places=places[insee],
            seats=seats[insee],
        )
        for insee in sorted(territory.names, key=lambda c: fold(territory.names[c]))
    ]


def commune_coverage(code: str, sites: list[SitePoint], threshold: int) -> list[AreaFigures]:
    """The communes' figures of the network made of `sites` at one threshold (minutes), as
    coverage_report gives them, without the rest of the report (EPTs, zones)."""
    territory = territory_demand(code)
    return _commune_figures(territory, access_minutes(code, sites), sites, (threshold,))


def coverage_report(
    code: str,
    sites: list[SitePoint],
    threshold: int = DEFAULT_THRESHOLD_MINUTES,
    thresholds: tuple[int, ...] = THRESHOLDS_MINUTES,
) -> CoverageReport:
    """Every indicator of the network made of `sites`, for the département's population."""
    territory = territory_demand(code)
    demand = territory.demand
    assert demand.group is not None  # the territory's points are grouped by commune
    thresholds = tuple(sorted({*thresholds, threshold}))
    minutes = access_minutes(code, sites)
    communes = _commune_figures(territory, minutes, sites, thresholds)
    nobody = (float("inf"), 0.0)

    ept_of_point = np.array([territory.epts[g] for g in demand.group], dtype=np.object_)
    by_ept = engine.share_within_by_group(minutes, demand.weight, ept_of_point, thresholds)
    mean_by_ept = engine.mean_access_by_group(minutes, demand.weight, ept_of_point)
    epts = [
        AreaFigures(
            code="",  # communes carry only the EPT's name: there is no code to give
            name=ept,
            population=mean_by_ept.get(ept, nobody)[1],
            share_within={int(t): by_ept.get(ept, {}).get(t, 0.0) for t in thresholds},
            mean_minutes=_round_minutes(mean_by_ept.get(ept, nobody)[0]),
            places=sum(c.places for c in communes if territory.epts[c.code] == ept),
            seats=sum(c.seats for c in communes if territory.epts[c.code] == ept),
        )
        for ept in sorted(set(territory.epts.values()))
    ]

    summary = engine.access_summary(minutes, demand.weight)
    overall = engine.share_within(minutes, demand.weight, thresholds)
    inhabited = [c for c in communes if c.population > 0]
    finite = [c for c in inhabited if np.isfinite(c.mean_minutes)]
    gini = (
        engine.gini(
            np.array([c.mean_minutes for c in finite]), np.array([c.population for c in finite])
        )
        if finite and len(finite) == len(inhabited)
        else None
    )
    areas = engine.underserved_areas(
        demand.x,
        demand.y,
        demand.weight,
        minutes,
        threshold,
        demand.cell_m or engine.DEFAULT_GRID_M,  # points, or cells of several sizes
        MIN_UNDERSERVED_POPULATION,
        group=demand.group,
    )
    return CoverageReport(
        threshold=threshold,
        thresholds=thresholds,
        departement=AreaFigures(
            code=code,
            name=ILE_DE_FRANCE_DEPARTEMENTS.get(code, code),
            population=demand.total_weight,
            share_within={int(t): share for t, share in overall.items()},
            mean_minutes=_round_minutes(summary.mean),
            places=len(sites),
            seats=sum(c.seats for c in communes),
        ),
        p90_minutes=_round_minutes(summary.p90),
        gini_mean_access=None if gini is None else round(gini, 4),
        epts=epts,
        communes=communes,
        underserved=[
            UnderservedZone(
                geometry=mapping(
                    set_precision(
                        engine.project_geometry(
                            area.polygon, source=engine.LAMBERT93, target=engine.WGS84
                        ),
                        1e-5,
                    )
                ),
                population=area.population,
                cells=area.cells,
                commune_code=str(area.group),
                commune_name=territory.names[str(area.group)],
            )
            for area in areas
        ],
    )
