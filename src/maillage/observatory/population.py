"""Importing a finer population layer (INSEE 200 m grid or any CSV of points)."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from django.db import transaction
from shapely.geometry import shape

from maillage.observatory import engine
from maillage.observatory.models import PopulationLayer, PopulationPoint, PopulationSource
from maillage.territory.models import Commune

BATCH = 5000


@dataclass(frozen=True)
class PopulationImport:
    layer: PopulationLayer
    points: int
    population: float
    outside: int


def _commune_of_points(code: str, demand: engine.Demand) -> tuple[list[Commune], np.ndarray]:
    """Index into the communes list of the commune holding each point (-1 outside)."""
    communes = list(Commune.objects.of_departement(code))
    polygons = [engine.project_geometry(shape(c.geometry)) for c in communes]
    tree = shapely.STRtree(polygons)
    points = shapely.points(demand.x, demand.y)
    point_index, polygon_index = tree.query(points, predicate="intersects")
    owner = np.full(len(demand), -1, dtype=np.int64)
    owner[point_index] = polygon_index  # a point on a shared border goes to either commune
    return communes, owner


@transaction.atomic
def import_population(
    code: str,
    path: str,
    source: str,
    name: str,
    actor=None,
    population_column: str = "Ind",
    progress: Callable[[str], None] = lambda message: None,
) -> PopulationImport:
    """Read the file (EngineInputError names the row at fault), keep the points inside the
    département, and make the new layer the one the observatory uses."""
    progress(f"Lecture de {path}…")
    if source == PopulationSource.INSEE_GRID:
        demand = engine.read_insee_grid_csv(path, population_column=population_column)
    else:
        demand = engine.read_demand_csv(path)
    communes, owner = _commune_of_points(code, demand)
    inside = owner >= 0
    progress(f"{int(inside.sum())} points dans le département, {int((~inside).sum())} hors.")
    PopulationLayer.objects.filter(departement=code, is_active=True).update(is_active=False)
    layer = PopulationLayer.objects.create(
        name=name, source=source, departement=code, cell_m=demand.cell_m, imported_by=actor
    )
    rows = [
        PopulationPoint(layer=layer, x=x, y=y, weight=w, commune=communes[k])
        for x, y, w, k in zip(
            demand.x[inside], demand.y[inside], demand.weight[inside], owner[inside], strict=True
        )
    ]
    for start in range(0, len(rows), BATCH):
        PopulationPoint.objects.bulk_create(rows[start : start + BATCH])
        progress(f"  {min(start + BATCH, len(rows))}/{len(rows)} points enregistrés")
    return PopulationImport(
        layer=layer,
        points=len(rows),
        population=float(demand.weight[inside].sum()),
        outside=int((~inside).sum()),
    )
