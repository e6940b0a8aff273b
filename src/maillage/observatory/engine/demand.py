"""Demand builders: population spread over a grid, INSEE 200 m grid cells."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .errors import EngineInputError
from .geo import ETRS89_LAEA, LAMBERT93, project_xy
from .points import Demand

DEFAULT_GRID_M = 200.0

# "CRS3035RES200mN2862400E3758200": resolution, then the cell's lower-left corner (north, east).
# A positive side (metres) and a corner within the ETRS89-LAEA extent (8 digits of metres).
_INSEE_CELL = re.compile(r"^CRS3035RES([1-9]\d{0,5})mN(\d{1,8})E(\d{1,8})$")


def grid_demand(
    polygons: Mapping[str, BaseGeometry],
    populations: Mapping[str, float],
    grid_m: float = DEFAULT_GRID_M,
) -> Demand:
    """Spread each commune's population evenly over the grid centres inside its polygon.

    Centres sit at (k + 1/2) * grid_m, so grids built for different territories line up.
    A commune too small to hold a centre gets one point at its representative point.
    Communes without a polygon or without a population are left out. Point ids are
    "<code>:<k>", groups are the commune codes.
    """
    if grid_m <= 0:
        raise EngineInputError(f"le pas de grille doit être positif (reçu {grid_m})")
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    codes: list[str] = []
    counts: list[int] = []
    for code, polygon in polygons.items():
        population = populations.get(code)
        if population is None or polygon is None or polygon.is_empty:
            continue
        if population < 0:
            raise EngineInputError(f"commune {code} : population négative ({population})")
        px, py = _centres_inside(polygon, grid_m)
        if px.size == 0:
            point = polygon.representative_point()
            px, py = np.array([point.x]), np.array([point.y])
        xs.append(px)
        ys.append(py)
        weights.append(np.full(px.size, population / px.size))
        codes.append(code)
        counts.append(px.size)
    if not codes:
        return Demand(
            ids=np.empty(0, dtype=object),
            x=np.empty(0),
            y=np.empty(0),
            weight=np.empty(0),
            group=np.empty(0, dtype=object),
            cell_m=grid_m,
        )
    group = np.repeat(np.array(codes, dtype=object), counts)
    rank = np.concatenate([np.arange(count) for count in counts])
    ids = np.array([f"{code}:{k}" for code, k in zip(group, rank, strict=True)], dtype=object)
    return Demand(
        ids=ids,
        x=np.concatenate(xs),
        y=np.concatenate(ys),
        weight=np.concatenate(weights),
        group=group,
        cell_m=grid_m,
    )


def _centres_inside(polygon: BaseGeometry, grid_m: float) -> tuple[np.ndarray, np.ndarray]:
    xmin, ymin, xmax, ymax = polygon.bounds
    columns = np.arange(np.floor(xmin / grid_m), np.ceil(xmax / grid_m)) * grid_m + grid_m / 2
    rows = np.arange(np.floor(ymin / grid_m), np.ceil(ymax / grid_m)) * grid_m + grid_m / 2
    gx, gy = (grid.ravel() for grid in np.meshgrid(columns, rows))
    shapely.prepare(polygon)
    inside = shapely.contains_xy(polygon, gx, gy)
    return gx[inside], gy[inside]


def parse_insee_cell_id(cell_id: str) -> tuple[float, float, float]:
    """Centre (x, y) in EPSG:3035 metres and side of an INSEE grid cell id.

    The id gives the lower-left corner: "CRS3035RES200mN2862400E3758200" is the 200 m cell
    whose corner is at E 3,758,200 / N 2,862,400, so its centre is 100 m further each way.
    """
    match = _INSEE_CELL.match(cell_id.strip())
    if match is None:
        raise EngineInputError(f"identifiant de carreau INSEE invalide « {cell_id} »")
    side, north, east = (float(value) for value in match.groups())
    return east + side / 2, north + side / 2, side


def insee_cells_demand(
    cell_ids: list[str], populations: np.ndarray, group: np.ndarray | None = None
) -> Demand:
    """Demand from INSEE grid cells (ids as in the Filosofi files), projected to Lambert-93."""
    parsed = np.array([parse_insee_cell_id(cell) for cell in cell_ids], dtype=float).reshape(-1, 3)
    sides = np.unique(parsed[:, 2])
    x, y = project_xy(parsed[:, 0], parsed[:, 1], source=ETRS89_LAEA, target=LAMBERT93)
    return Demand(
        ids=np.array(cell_ids, dtype=object),
        x=x,
        y=y,
        weight=np.asarray(populations, dtype=float),
        group=group,
        cell_m=float(sides[0]) if sides.size == 1 else None,
    )
