"""CSV readers with row-level validation; every problem is an EngineInputError whose
French message names the file, the line (the header is line 1) and the rule."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .access import CostMatrix, from_pairs
from .demand import insee_cells_demand, parse_insee_cell_id
from .errors import EngineInputError
from .geo import WGS84, project_xy
from .points import Demand, Sites

_DEMAND_COLUMNS = {"id", "lon", "lat", "x", "y", "weight", "group"}
_SITE_COLUMNS = {"id", "lon", "lat", "x", "y", "capacity", "seats", "name"}
_INSEE_ID_COLUMNS = ("Idcar_200m", "IdINSPIRE", "idcar_200m", "id")


class _Rows:
    """A CSV file read as dict rows with its line numbers; ',' or ';' separated."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name

    def fail(self, line: int | None, rule: str) -> EngineInputError:
        where = f"{self.name}, ligne {line}" if line is not None else self.name
        return EngineInputError(f"{where} : {rule}")

    def read(self) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as error:
            raise self.fail(None, "fichier introuvable") from error
        except UnicodeDecodeError as error:
            raise self.fail(None, "le fichier doit être encodé en UTF-8") from error
        lines = text.splitlines()
        if not lines or not lines[0].strip():
            raise self.fail(1, "en-tête manquant")
        delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
        reader = csv.reader(lines, delimiter=delimiter)
        header = [column.strip() for column in next(reader)]
        seen: set[str] = set()
        for column in header:
            if column in seen:
                raise self.fail(1, f"colonne en double « {column} »")
            seen.add(column)

        def rows() -> Iterator[tuple[int, dict[str, str]]]:
            for line, values in enumerate(reader, start=2):
                if not any(value.strip() for value in values):
                    continue  # blank lines are not data
                if len(values) != len(header):
                    raise self.fail(line, f"{len(values)} valeurs pour {len(header)} colonnes")
                yield line, {key: value.strip() for key, value in zip(header, values, strict=True)}

        return header, rows()

    def number(self, line: int, row: dict[str, str], column: str) -> float:
        text = row[column]
        if text == "":
            raise self.fail(line, f"valeur manquante dans la colonne « {column} »")
        try:
            value = float(text)
        except ValueError as error:
            raise self.fail(
                line, f"« {text} » n'est pas un nombre (colonne « {column} »)"
            ) from error
        if not math.isfinite(value):
            raise self.fail(line, f"valeur non finie dans la colonne « {column} »")
        return value


def _check_header(rows: _Rows, header: list[str], allowed: set[str], required: set[str]) -> str:
    """Validate the columns; return the coordinate system, "lonlat" or "xy"."""
    unknown = [column for column in header if column not in allowed]
    if unknown:
        raise rows.fail(
            1,
            f"colonne inconnue « {unknown[0]} » (colonnes permises : {', '.join(sorted(allowed))})",
        )
    missing = sorted(required - set(header))
    if missing:
        raise rows.fail(1, f"colonne obligatoire manquante « {missing[0]} »")
    has_lonlat = {"lon", "lat"} <= set(header)
    has_xy = {"x", "y"} <= set(header)
    if has_lonlat == has_xy:
        raise rows.fail(
            1,
            "donnez soit les colonnes lon,lat (WGS84) soit x,y (Lambert-93), "
            "pas les deux ni aucune",
        )
    partial = ({"lon", "lat"} & set(header)) if has_xy else ({"x", "y"} & set(header))
    if partial:
        raise rows.fail(1, f"colonne « {sorted(partial)[0]} » sans sa paire")
    return "lonlat" if has_lonlat else "xy"


def _read_points(
    path: str | Path,
    allowed: set[str],
    required: set[str],
    numeric: tuple[str, ...],
    territory: BaseGeometry | None,
) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, np.ndarray], dict[str, list[str]]]:
    rows = _Rows(path)
    header, records = rows.read()
    system = _check_header(rows, header, allowed, required)
    first, second = ("lon", "lat") if system == "lonlat" else ("x", "y")
    ids: list[str] = []
    lines: list[int] = []
    seen: dict[str, int] = {}
    a: list[float] = []
    b: list[float] = []
    values: dict[str, list[float]] = {column: [] for column in numeric if column in header}
    texts: dict[str, list[str]] = {column: [] for column in ("group", "name") if column in header}
    for line, row in records:
        key = row["id"]
        if not key:
            raise rows.fail(line, "identifiant manquant")
        if key in seen:
            raise rows.fail(line, f"identifiant en double « {key} » (déjà ligne {seen[key]})")
        seen[key] = line
        ids.append(key)
        lines.append(line)
        a.append(rows.number(line, row, first))
        b.append(rows.number(line, row, second))
        if system == "lonlat" and not (-180 <= a[-1] <= 180 and -90 <= b[-1] <= 90):
            raise rows.fail(line, f"coordonnées lon,lat hors limites ({a[-1]:g}, {b[-1]:g})")
        for column, bucket in values.items():
            value = rows.number(line, row, column)
            if value < 0:
                label = {"weight": "poids", "capacity": "capacité", "seats": "places"}[column]
                raise rows.fail(line, f"{label} négatif ({value:g})")
            bucket.append(value)
        for column, bucket in texts.items():
            bucket.append(row[column])
    if not ids:
        raise rows.fail(None, "aucune ligne de données")
    x, y = np.array(a), np.array(b)
    if system == "lonlat":
        x, y = project_xy(x, y, source=WGS84)
    if territory is not None:
        shapely.prepare(territory)
        outside = ~shapely.intersects_xy(territory, x, y)
        if outside.any():
            k = int(np.flatnonzero(outside)[0])
            raise rows.fail(lines[k], f"le point « {ids[k]} » est hors du territoire")
    arrays = {column: np.array(bucket, dtype=float) for column, bucket in values.items()}
    return ids, x, y, arrays, texts


def read_demand_csv(path: str | Path, territory: BaseGeometry | None = None) -> Demand:
    """demand.csv: id, lon,lat or x,y, weight, optional group. Territory in Lambert-93."""
    ids, x, y, numbers, texts = _read_points(
        path, _DEMAND_COLUMNS, {"id", "weight"}, ("weight",), territory
    )
    group = np.array(texts["group"], dtype=object) if "group" in texts else None
    return Demand(ids=np.array(ids, dtype=object), x=x, y=y, weight=numbers["weight"], group=group)


def read_sites_csv(path: str | Path, territory: BaseGeometry | None = None) -> Sites:
    """candidates.csv or existing.csv: id, lon,lat or x,y, optional capacity and seats."""
    ids, x, y, numbers, _ = _read_points(
        path, _SITE_COLUMNS, {"id"}, ("capacity", "seats"), territory
    )
    return Sites(
        ids=np.array(ids, dtype=object),
        x=x,
        y=y,
        capacity=numbers.get("capacity"),
        seats=numbers.get("seats"),
    )


def read_travel_times(
    path: str | Path,
    demand_ids: np.ndarray,
    site_ids: np.ndarray,
    max_minutes: float = math.inf,
) -> CostMatrix:
    """origin,destination,minutes (as r5py, OSRM or Valhalla tables give) to a sparse
    CostMatrix. A pair absent from the file is unreachable."""
    rows = _Rows(path)
    header, records = rows.read()
    expected = ["origin", "destination", "minutes"]
    if sorted(header) != sorted(expected):
        extra = [column for column in header if column not in expected]
        if extra:
            raise rows.fail(
                1, f"colonne inconnue « {extra[0]} » (attendu : origin,destination,minutes)"
            )
        missing = [column for column in expected if column not in header]
        raise rows.fail(1, f"colonne obligatoire manquante « {missing[0]} »")
    demand_index = {str(key): i for i, key in enumerate(demand_ids)}
    site_index = {str(key): j for j, key in enumerate(site_ids)}
    seen: dict[tuple[int, int], int] = {}
    origins, destinations, minutes = [], [], []
    for line, row in records:
        if row["origin"] not in demand_index:
            raise rows.fail(line, f"origine inconnue « {row['origin']} »")
        if row["destination"] not in site_index:
            raise rows.fail(line, f"destination inconnue « {row['destination']} »")
        pair = (demand_index[row["origin"]], site_index[row["destination"]])
        if pair in seen:
            raise rows.fail(
                line,
                f"couple en double « {row['origin']} » → "
                f"« {row['destination']} » (déjà ligne {seen[pair]})",
            )
        seen[pair] = line
        value = rows.number(line, row, "minutes")
        if value < 0:
            raise rows.fail(line, f"durée négative ({value:g})")
        origins.append(pair[0])
        destinations.append(pair[1])
        minutes.append(value)
    return from_pairs(
        np.array(origins, dtype=np.int64),
        np.array(destinations, dtype=np.int64),
        np.array(minutes, dtype=float),
        (len(demand_ids), len(site_ids)),
        max_minutes,
    )


def read_insee_grid_csv(
    path: str | Path,
    population_column: str = "Ind",
    id_column: str | None = None,
    territory: BaseGeometry | None = None,
) -> Demand:
    """INSEE gridded population (Filosofi, 200 m): cell ids like
    "CRS3035RES200mN2862400E3758200" and a population column (`Ind`). Other columns are
    ignored. With a territory (Lambert-93), cells whose centre falls outside are skipped."""
    rows = _Rows(path)
    header, records = rows.read()
    if id_column is None:
        id_column = next((column for column in _INSEE_ID_COLUMNS if column in header), None)
        if id_column is None:
            raise rows.fail(
                1,
                "colonne d'identifiant de carreau introuvable "
                f"(attendu : {', '.join(_INSEE_ID_COLUMNS)})",
            )
    for column in (id_column, population_column):
        if column not in header:
            raise rows.fail(1, f"colonne obligatoire manquante « {column} »")
    cells: list[str] = []
    population: list[float] = []
    seen: dict[str, int] = {}
    for line, row in records:
        cell = row[id_column]
        try:
            parse_insee_cell_id(cell)
        except EngineInputError as error:
            raise rows.fail(line, f"identifiant de carreau INSEE invalide « {cell} »") from error
        if cell in seen:
            raise rows.fail(line, f"identifiant en double « {cell} » (déjà ligne {seen[cell]})")
        seen[cell] = line
        value = rows.number(line, row, population_column)
        if value < 0:
            raise rows.fail(line, f"population négative ({value:g})")
        cells.append(cell)
        population.append(value)
    demand = insee_cells_demand(cells, np.array(population))
    if territory is None:
        return demand
    shapely.prepare(territory)
    inside = shapely.intersects_xy(territory, demand.x, demand.y)
    return Demand(
        ids=demand.ids[inside],
        x=demand.x[inside],
        y=demand.y[inside],
        weight=demand.weight[inside],
        cell_m=demand.cell_m,
    )
