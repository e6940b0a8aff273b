"""Reading the candidate-site inventory from a CSV file, with row-level errors."""

import math
import re
from dataclasses import dataclass
from datetime import date

from maillage.core.dates import DateRefused, parse_date
from maillage.core.text import has_control_characters
from maillage.observatory.engine import EngineInputError
from maillage.observatory.engine.io_csv import CsvRows
from maillage.observatory.models import SiteKind, SiteOwner

# The documented columns (French, as staff write them) and whether each is required.
COLUMNS = {
    "reference": True,
    "nom": True,
    "adresse": False,
    "latitude": True,
    "longitude": True,
    "proprietaire": True,
    "type": True,
    "surface_m2": True,
    "disponible_le": False,
    "thd": False,
    "cout_estime_euros": False,
    "notes": False,
}
OWNER_CODES = {
    "departement": SiteOwner.DEPARTEMENT,
    "commune": SiteOwner.COMMUNE,
    "etat": SiteOwner.STATE,
    "sncf": SiteOwner.SNCF,
    "autre_public": SiteOwner.OTHER_PUBLIC,
    "prive": SiteOwner.PRIVATE,
}
KIND_CODES = {
    "college": SiteKind.COLLEGE,
    "pavillon_parc": SiteKind.PARK_PAVILION,
    "plateau_bureaux": SiteKind.OFFICE_FLOOR,
    "locaux_gare": SiteKind.STATION_PREMISES,
    "local_commercial": SiteKind.SHOP,
    "autre": SiteKind.OTHER,
}
YES = {"oui", "o", "1", "vrai", "true"}
NO = {"non", "n", "0", "faux", "false", ""}
REFERENCE = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
# Every column is one line of text but the free notes.
MULTILINE_COLUMNS = {"notes"}
FRENCH_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})", re.ASCII)
# An import is one request: beyond these, the file is refused with the limit named.
MAX_ROWS = 100_000
MAX_CELL_CHARS = 10_000  # notes are free text; other columns have their model field's length
# The model field each column fills: the field's own rules (length, range…) apply to it,
# checked by services.import_candidate_sites; this module only reads the cells.
FIELD_COLUMNS = {
    "reference": "reference",
    "name": "nom",
    "address": "adresse",
    "latitude": "latitude",
    "longitude": "longitude",
    "surface_m2": "surface_m2",
    "available_from": "disponible_le",
    "estimated_cost_cents": "cout_estime_euros",
    "notes": "notes",
}


class CandidateImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class CandidateRow:
    line: int
    reference: str
    name: str
    address: str
    latitude: float
    longitude: float
    owner: str
    kind: str
    surface_m2: int
    available_from: date | None
    thd_available: bool
    estimated_cost_cents: int | None
    notes: str


@dataclass(frozen=True)
class Position:
    """A row's valid coordinates, even when another of its cells is wrong."""

    line: int
    latitude: float
    longitude: float


@dataclass
class CandidateFile:
    """The rows with no problem, the valid coordinates of every row, and the problems
    found so far (`problems.error(line, rule, column)` adds one)."""

    rows: list[CandidateRow]
    positions: list[Position]
    problems: CsvRows

    def raise_problems(self) -> None:
        """CandidateImportError listing every problem by line, if any."""
        try:
            self.problems.check()
        except EngineInputError as error:
            raise CandidateImportError(error.errors) from error


def _decimal(value: str) -> float:
    number = float(value.strip().replace(",", "."))
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _date(value: str) -> date:
    """AAAA-MM-JJ, or JJ/MM/AAAA as French spreadsheets write it (DateRefused otherwise)."""
    french = FRENCH_DATE.fullmatch(value)
    return parse_date(f"{french[3]}-{french[2]}-{french[1]}" if french else value, "disponible_le")


def _row(line: int, values: dict[str, str], problems: CsvRows) -> tuple:
    """(CandidateRow or None, Position or None) of a data row; problems are recorded."""

    def fail(column: str, rule: str) -> None:
        problems.error(line, rule, column)

    missing = [c for c, required in COLUMNS.items() if required and not values.get(c)]
    for column in missing:
        fail(column, "valeur obligatoire manquante")
    before = len(problems)
    for column, value in values.items():
        if column not in MULTILINE_COLUMNS and has_control_characters(value):
            fail(column, "caractères de contrôle interdits (retour à la ligne, tabulation…)")
    if values["reference"] and not REFERENCE.match(values["reference"]):
        fail("reference", "lettres, chiffres, tirets ou soulignés uniquement (60 au plus)")
    coordinates = {}
    for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        if not values[column]:
            continue
        try:
            coordinates[column] = _decimal(values[column])
        except ValueError:
            fail(column, f"nombre décimal attendu, reçu « {values[column]} »")
            continue
        if not low <= coordinates[column] <= high:
            fail(column, f"doit être comprise entre {low} et {high} (degrés WGS84)")
            del coordinates[column]
    position = (
        Position(line, coordinates["latitude"], coordinates["longitude"])
        if len(coordinates) == 2
        else None
    )
    owner = OWNER_CODES.get(values["proprietaire"].lower())
    if owner is None and values["proprietaire"]:
        fail(
            "proprietaire",
            f"valeur inconnue « {values['proprietaire']} » "
            f"(valeurs possibles : {', '.join(OWNER_CODES)})",
        )
    kind = KIND_CODES.get(values["type"].lower())
    if kind is None and values["type"]:
        fail(
            "type",
            f"valeur inconnue « {values['type']} » (valeurs possibles : {', '.join(KIND_CODES)})",
        )
    surface = None
    if values["surface_m2"]:
        try:
            surface = int(values["surface_m2"])
        except ValueError:
            fail("surface_m2", f"nombre entier attendu, reçu « {values['surface_m2']} »")
    available = None
    if values.get("disponible_le"):
        try:
            available = _date(values["disponible_le"])
        except DateRefused:
            fail("disponible_le", "date attendue au format AAAA-MM-JJ ou JJ/MM/AAAA")
    thd = values.get("thd", "").lower()
    if thd not in YES | NO:
        fail("thd", f"« oui » ou « non » attendu, reçu « {values['thd']} »")
    cost = None
    if values.get("cout_estime_euros"):
        try:
            cost = int(values["cout_estime_euros"].replace(" ", "").replace("\u202f", ""))
        except ValueError:
            fail("cout_estime_euros", "nombre entier d'euros attendu")
    if missing or len(problems) > before:
        return None, position
    # Required columns: none of these is missing here.
    assert owner is not None and kind is not None and surface is not None
    row = CandidateRow(
        line=line,
        reference=values["reference"],
        name=values["nom"],
        address=values.get("adresse", ""),
        latitude=coordinates["latitude"],
        longitude=coordinates["longitude"],
        owner=owner,
        kind=kind,
        surface_m2=surface,
        available_from=available,
        thd_available=thd in YES,
        estimated_cost_cents=None if cost is None else cost * 100,
        notes=values.get("notes", ""),
    )
    return row, position


def read_candidate_csv(content: bytes, filename: str = "fichier") -> CandidateFile:
    """The file's rows checked one by one, every problem recorded (none raised but the
    file's own: CandidateImportError for an encoding, header or size problem).

    Limits: MAX_ROWS data rows, MAX_CELL_CHARS characters a cell; a reference appears once.
    Rows are numbered as in a spreadsheet (the header is line 1).
    """
    try:
        problems = CsvRows.from_bytes(
            content, filename, max_cell_chars=MAX_CELL_CHARS, max_rows=MAX_ROWS
        )
        header, records = problems.read()
    except EngineInputError as error:
        raise CandidateImportError(error.errors) from error
    unknown = [
        f"{filename}, ligne 1 : colonne inconnue « {c} »" for c in header if c not in COLUMNS
    ]
    missing = [
        f"{filename}, ligne 1 : colonne obligatoire absente « {c} »"
        for c, required in COLUMNS.items()
        if required and c not in header
    ]
    if unknown or missing:
        raise CandidateImportError(unknown + missing)
    rows: list[CandidateRow] = []
    positions: list[Position] = []
    seen: dict[str, int] = {}
    for line, values in records:
        values = {column: values.get(column, "") for column in COLUMNS}
        row, position = _row(line, values, problems)
        if position is not None:
            positions.append(position)
        reference = values["reference"]
        if reference in seen:
            problems.error(
                line, f"« {reference} » figure déjà ligne {seen[reference]}", "reference"
            )
            continue
        if reference:
            seen[reference] = line
        if row is not None:
            rows.append(row)
    if not problems and not rows:
        raise CandidateImportError([f"{filename} : aucune ligne de données."])
    return CandidateFile(rows=rows, positions=positions, problems=problems)
