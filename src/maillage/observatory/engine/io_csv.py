"""CSV readers with row-level validation. Every problem of a file is reported in one pass: an
EngineInputError whose French message has one line per problem, each naming the file, the
line (the header is line 1; a spreadsheet's row number), the column when there is one, and
the rule."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from maillage.core.text import french_number

from .access import CostMatrix, from_pairs
from .demand import insee_cells_demand, parse_insee_cell_id
from .errors import EngineInputError
from .geo import WGS84, project_xy
from .points import Demand, Sites

_DEMAND_COLUMNS = {"id", "lon", "lat", "x", "y", "weight", "group"}
_SITE_COLUMNS = {"id", "lon", "lat", "x", "y", "capacity", "seats", "name"}
_INSEE_ID_COLUMNS = ("Idcar_200m", "IdINSPIRE", "idcar_200m", "id")
# Longest cell of an engine file (ids, names, numbers): beyond, the file is not what we expect.
MAX_CELL_CHARS = 1000
# Upper bounds keeping every sum and product of the engine finite (weights times minutes
# over millions of points): a person count, a capacity, a journey, a Lambert-93 coordinate.
MAX_QUANTITY = 10_000_000
MAX_MINUTES = 100_000
MAX_METRES = 10_000_000
# Beyond this many problems, the rest are counted, not listed.
MAX_REPORTED_ERRORS = 50


class CsvRows:
    """A CSV text read as dict rows with their line numbers, ',' or ';' separated.

    Row problems are collected with `error` while reading; `check` then raises one
    EngineInputError listing them all. Header problems raise at once (`fail`).
    `max_rows` (data rows) and `max_cell_chars` refuse files beyond those limits.
    """

    def __init__(
        self,
        name: str,
        text: str,
        *,
        max_cell_chars: int = MAX_CELL_CHARS,
        max_rows: int | None = None,
    ) -> None:
        self.name = name
        self.text = text
        self.max_cell_chars = max_cell_chars
        self.max_rows = max_rows
        self._problems: list[tuple[int, str]] = []

    @classmethod
    def from_path(cls, path: str | Path, **limits) -> CsvRows:
        """The file at `path`, UTF-8 (with or without a byte order mark)."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as error:
            raise EngineInputError(f"{path.name} : fichier introuvable") from error
        except UnicodeDecodeError as error:
            raise EngineInputError(f"{path.name} : le fichier doit être encodé en UTF-8") from error
        except IsADirectoryError as error:
            raise EngineInputError(f"{path} : dossier, un fichier CSV est attendu") from error
        except OSError as error:  # no read permission, a broken disk…
            raise EngineInputError(f"{path.name} : fichier illisible (droits ?)") from error
        return cls(path.name, text, **limits)

    @classmethod
    def from_bytes(cls, content: bytes, name: str, **limits) -> CsvRows:
        """An uploaded file's bytes, UTF-8 (with or without a byte order mark)."""
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise EngineInputError(f"{name} : le fichier doit être encodé en UTF-8") from error
        return cls(name, text, **limits)

    def where(self, line: int | None, *columns: str) -> str:
        """«file, ligne 3, colonne « x »» (or «colonnes « a », « b »»)."""
        if line is None:
            return self.name
        named = ", ".join(f"« {column} »" for column in columns)
        kind = "colonnes" if len(columns) > 1 else "colonne"
        return f"{self.name}, ligne {line}" + (f", {kind} {named}" if columns else "")

    def fail(self, line: int | None, rule: str) -> EngineInputError:
        """An error that stops the reading at once (a header problem)."""
        return EngineInputError(f"{self.where(line)} : {rule}")

    def error(self, line: int | None, rule: str, *columns: str) -> None:
        """Record a problem of a row (or of the file, line None); reading goes on."""
        self._problems.append((line or 0, f"{self.where(line, *columns)} : {rule}"))

    def __len__(self) -> int:
        """How many problems are recorded."""
        return len(self._problems)

    @property
    def errors(self) -> list[str]:
        """Every problem recorded, the file's first, then by line."""
        return [message for _, message in sorted(self._problems, key=lambda p: p[0])]

    def check(self) -> None:
        """Raise EngineInputError listing every problem recorded (MAX_REPORTED_ERRORS of
        them, then how many more), if any."""
        errors = self.errors
        if not errors:
            return
        shown = errors[:MAX_REPORTED_ERRORS]
        if len(errors) > MAX_REPORTED_ERRORS:
            shown.append(f"… et {len(errors) - MAX_REPORTED_ERRORS} autres erreurs.")
        raise EngineInputError("\n".join(shown), errors=shown)

    def read(self) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
        """The header (stripped names) and an iterator over the well-formed data rows (blank
        rows skipped, values stripped); malformed rows are recorded and skipped."""
        # csv's own per-field limit (128 KiB) would end the reading with an English error
        # naming neither row nor column: lift it to the text's size (no field can be longer;
        # the setting is process-wide and only ever raised) and apply max_cell_chars here.
        if csv.field_size_limit() < len(self.text):
            csv.field_size_limit(len(self.text))
        lines = io.StringIO(self.text, newline="")
        first = self.text.split("\n", 1)[0]
        if not first.strip():
            raise self.fail(1, "en-tête manquant")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            header = [column.strip() for column in next(reader)]
        except csv.Error as error:
            raise self.fail(1, f"en-tête illisible ({error})") from error
        seen: set[str] = set()
        for column in header:
            if len(column) > self.max_cell_chars:
                raise self.fail(1, f"nom de colonne de plus de {self.max_cell_chars} caractères")
            if column in seen:
                raise self.fail(1, f"colonne en double « {column} »")
            seen.add(column)
        return header, self._rows(reader, header)

    def _rows(self, reader, header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
        count = 0
        line = 1
        while True:
            line += 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                self.error(line, f"ligne illisible ({error}) ; lecture arrêtée")
                return
            if not any(value.strip() for value in values):
                continue  # blank lines are not data
            count += 1
            if self.max_rows is not None and count > self.max_rows:
                self.error(
                    None,
                    f"plus de {french_number(self.max_rows)} lignes de données, la limite d'un "
                    "import ; découpez le fichier",
                )
                return
            if len(values) != len(header):
                self.error(line, f"{len(values)} valeurs pour {len(header)} colonnes")
                continue
            too_long = [
                (column, len(value))
                for column, value in zip(header, values, strict=True)
                if len(value) > self.max_cell_chars
            ]
            for column, length in too_long:
                self.error(
                    line,
                    f"valeur de {length} caractères, {self.max_cell_chars} au plus",
                    column,
                )
            # No database stores U+0000 in text (PostgreSQL refuses it, SQLite cuts there).
            with_nul = [
                column for column, value in zip(header, values, strict=True) if "\0" in value
            ]
            for column in with_nul:
                self.error(line, "caractère nul (U+0000) interdit", column)
            if not too_long and not with_nul:
                yield line, {key: value.strip() for key, value in zip(header, values, strict=True)}

    def number(self, line: int, row: dict[str, str], column: str) -> float | None:
        """The column's value as a finite float, or None when it is not (recorded)."""
        text = row[column]
        if text == "":
            self.error(line, f"valeur manquante dans la colonne « {column} »")
            return None
        try:
            value = float(text)
        except ValueError:
            self.error(line, f"« {text} » n'est pas un nombre (colonne « {column} »)")
            return None
        if not math.isfinite(value):
            self.error(line, f"valeur non finie dans la colonne « {column} »")
            return None
        return value

    def quantity(
        self,
        line: int,
        row: dict[str, str],
        column: str,
        label: str,
        high: float = MAX_QUANTITY,
        feminine: bool = False,
    ) -> float | None:
        """The column's value as a float in [0, high], or None when it is not (recorded)."""
        value = self.number(line, row, column)
        if value is None:
            return None
        ending = "e" if feminine else ""
        if value < 0:
            self.error(line, f"{label} négati{'ve' if feminine else 'f'} ({value:g})")
            return None
        if value > high:
            self.error(
                line, f"{label} supérieur{ending} à {french_number(high)} ({french_number(value)})"
            )
            return None
        return value


def _check_header(rows: CsvRows, header: list[str], allowed: set[str], required: set[str]) -> str:
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


_QUANTITY_LABELS = {
    "weight": ("poids", False),
    "capacity": ("capacité", True),
    "seats": ("nombre de places", False),
}


def _coordinates(rows: CsvRows, line: int, row: dict[str, str], system: str):
    """(a, b) of a row: lon,lat in degrees or x,y in metres; None when invalid (recorded)."""
    first, second = ("lon", "lat") if system == "lonlat" else ("x", "y")
    a, b = rows.number(line, row, first), rows.number(line, row, second)
    if a is None or b is None:
        return None
    if system == "lonlat" and not (-180 <= a <= 180 and -90 <= b <= 90):
        rows.error(line, f"coordonnées lon,lat hors limites ({a:g}, {b:g})")
        return None
    if system == "xy" and not (abs(a) <= MAX_METRES and abs(b) <= MAX_METRES):
        rows.error(line, f"coordonnées x,y hors limites ({a:g}, {b:g})")
        return None
    return a, b


def _read_points(
    rows: CsvRows,
    allowed: set[str],
    required: set[str],
    numeric: tuple[str, ...],
    territory: BaseGeometry | None,
    max_weight: float = MAX_QUANTITY,
) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, np.ndarray], dict[str, list[str]]]:
    header, records = rows.read()
    system = _check_header(rows, header, allowed, required)
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
            rows.error(line, "identifiant manquant")
        elif key in seen:
            rows.error(line, f"identifiant en double « {key} » (déjà ligne {seen[key]})")
        else:
            seen[key] = line
        point = _coordinates(rows, line, row, system)
        numbers = {
            column: rows.quantity(
                line,
                row,
                column,
                _QUANTITY_LABELS[column][0],
                max_weight if column == "weight" else MAX_QUANTITY,
                feminine=_QUANTITY_LABELS[column][1],
            )
            for column in values
        }
        if not key or seen[key] != line or point is None or None in numbers.values():
            continue
        ids.append(key)
        lines.append(line)
        a.append(point[0])
        b.append(point[1])
        for column, bucket in values.items():
            bucket.append(numbers[column])  # type: ignore[arg-type]  # no None: skipped above
        for column, words in texts.items():
            words.append(row[column])
    x, y = np.array(a, dtype=float), np.array(b, dtype=float)
    if system == "lonlat":
        x, y = project_xy(x, y, source=WGS84)
    if territory is not None and len(x):
        shapely.prepare(territory)
        for k in np.flatnonzero(~shapely.intersects_xy(territory, x, y)):
            rows.error(lines[k], f"le point « {ids[k]} » est hors du territoire")
    rows.check()
    if not ids:
        raise rows.fail(None, "aucune ligne de données")
    arrays = {column: np.array(bucket, dtype=float) for column, bucket in values.items()}
    return ids, x, y, arrays, texts


def read_demand_csv(
    path: str | Path, territory: BaseGeometry | None = None, max_weight: float = MAX_QUANTITY
) -> Demand:
    """demand.csv: id, lon,lat or x,y, weight (0 to `max_weight`), optional group.
    Territory in Lambert-93. Every row problem is reported at once (EngineInputError)."""
    ids, x, y, numbers, texts = _read_points(
        CsvRows.from_path(path),
        _DEMAND_COLUMNS,
        {"id", "weight"},
        ("weight",),
        territory,
        max_weight,
    )
    group = np.array(texts["group"], dtype=object) if "group" in texts else None
    return Demand(ids=np.array(ids, dtype=object), x=x, y=y, weight=numbers["weight"], group=group)


def read_sites_csv(path: str | Path, territory: BaseGeometry | None = None) -> Sites:
    """candidates.csv or existing.csv: id, lon,lat or x,y, optional capacity and seats."""
    ids, x, y, numbers, _ = _read_points(
        CsvRows.from_path(path), _SITE_COLUMNS, {"id"}, ("capacity", "seats"), territory
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
    rows = CsvRows.from_path(path)
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
        origin, destination = demand_index.get(row["origin"]), site_index.get(row["destination"])
        if origin is None:
            rows.error(line, f"origine inconnue « {row['origin']} »")
        if destination is None:
            rows.error(line, f"destination inconnue « {row['destination']} »")
        value = rows.quantity(line, row, "minutes", "durée", MAX_MINUTES, feminine=True)
        if origin is None or destination is None:
            continue
        pair = (origin, destination)
        if pair in seen:
            rows.error(
                line,
                f"couple en double « {row['origin']} » → "
                f"« {row['destination']} » (déjà ligne {seen[pair]})",
            )
            continue
        seen[pair] = line
        if value is None:
            continue
        origins.append(pair[0])
        destinations.append(pair[1])
        minutes.append(value)
    rows.check()
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
    max_weight: float = MAX_QUANTITY,
) -> Demand:
    """INSEE gridded population (Filosofi, 200 m): cell ids like
    "CRS3035RES200mN2862400E3758200" and a population column (`Ind`, 0 to `max_weight`).
    Other columns are ignored. With a territory (Lambert-93), cells whose centre falls
    outside are skipped. Every row problem is reported at once (EngineInputError)."""
    rows = CsvRows.from_path(path)
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
        valid = True
        try:
            parse_insee_cell_id(cell)
        except EngineInputError:
            rows.error(line, f"identifiant de carreau INSEE invalide « {cell} »")
            valid = False
        if cell in seen:
            rows.error(line, f"identifiant en double « {cell} » (déjà ligne {seen[cell]})")
            valid = False
        seen.setdefault(cell, line)
        value = rows.quantity(line, row, population_column, "population", max_weight, feminine=True)
        if valid and value is not None:
            cells.append(cell)
            population.append(value)
    rows.check()
    if not cells:
        raise rows.fail(None, "aucune ligne de données")
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
