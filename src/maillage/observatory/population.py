"""Importing a finer population layer (INSEE 200 m grid or any CSV of points)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from shapely.geometry import shape

from maillage.core.model_fields import own_field
from maillage.observatory import engine
from maillage.observatory.models import (
    MAX_POINT_WEIGHT,
    PopulationLayer,
    PopulationPoint,
    PopulationSource,
)
from maillage.territory.models import Commune

BATCH = 5000

logger = logging.getLogger(__name__)


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


def _messages(error: ValidationError, label: str, model=PopulationLayer) -> list[str]:
    fields = (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )
    return [
        f"{label} ({model._meta.get_field(field).verbose_name}) : {message}"
        if field != NON_FIELD_ERRORS
        else f"{label} : {message}"
        for field, messages in fields.items()
        for message in messages
    ]


def _check_fields(file: str, layer: PopulationLayer, demand: engine.Demand) -> None:
    """The models' own field rules on the layer and on every distinct x, y and weight
    (the readers already bound them; this keeps any later model rule in force)."""
    errors = []
    try:
        layer.full_clean(exclude=["is_active"])
    except ValidationError as error:
        errors += _messages(error, f"{file} : couche")
    for column in ("x", "y", "weight"):
        field = own_field(PopulationPoint, column)
        for value in np.unique(getattr(demand, column)):
            try:
                field.clean(float(value), None)
            except ValidationError as error:
                errors += _messages(error, f"{file} : point, {field.verbose_name} {value:g}")
                break
    if errors:
        raise engine.EngineInputError("\n".join(errors), errors=errors)


def import_population(
    code: str,
    path: str,
    source: str,
    name: str,
    actor=None,
    population_column: str = "Ind",
    progress: Callable[[str], None] = lambda message: None,
) -> PopulationImport:
    """Read the file, keep the points inside the département, and make the new layer the one
    the observatory uses.

    All or nothing: the whole file is checked first (EngineInputError, French, one line per
    problem naming the row), including a file with no inhabited point in the département;
    then the layer and its points are written and activated in one transaction, in bulk.
    """
    file = Path(path).name
    try:
        progress(f"Lecture de {path}…")
        if source == PopulationSource.INSEE_GRID:
            demand = engine.read_insee_grid_csv(
                path, population_column=population_column, max_weight=MAX_POINT_WEIGHT
            )
        else:
            demand = engine.read_demand_csv(path, max_weight=MAX_POINT_WEIGHT)
        communes, owner = _commune_of_points(code, demand)
        inside = owner >= 0
        outside = int((~inside).sum())
        progress(f"{int(inside.sum())} points dans le département, {outside} hors.")
        population = float(demand.weight[inside].sum())
        if population <= 0:
            raise engine.EngineInputError(
                f"{file} : aucun point du fichier n'est dans le département {code} avec une "
                f"population ({outside} points hors du département)"
            )
        layer = PopulationLayer(
            name=name, source=source, departement=code, cell_m=demand.cell_m, imported_by=actor
        )
        _check_fields(file, layer, demand)
    except engine.EngineInputError as error:
        # Counts only: the rows are the file's content.
        logger.info("Population import for %s refused: %s problems", code, len(error.errors))
        raise
    rows = [
        PopulationPoint(x=x, y=y, weight=w, commune=communes[k])
        for x, y, w, k in zip(
            demand.x[inside], demand.y[inside], demand.weight[inside], owner[inside], strict=True
        )
    ]
    with transaction.atomic():
        PopulationLayer.objects.filter(departement=code, is_active=True).update(is_active=False)
        layer.save()
        for row in rows:
            row.layer = layer
        PopulationPoint.objects.bulk_create(rows, batch_size=BATCH)
    progress(f"{len(rows)} points enregistrés.")
    logger.info(
        "Population layer %s imported for %s: %s points kept, %s outside the département",
        layer.pk,
        code,
        len(rows),
        outside,
    )
    return PopulationImport(layer=layer, points=len(rows), population=population, outside=outside)
