"""Reading the candidate-site inventory from a CSV file, with row-level errors."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

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
MAX_REPORTED_ERRORS = 50


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


def _decimal(value: str) -> float:
    return float(value.strip().replace(",", "."))


def _date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError


def _row(line: int, raw: dict[str, str], errors: list[str]) -> CandidateRow | None:
    def fail(column: str, rule: str) -> None:
        errors.append(f"ligne {line}, colonne « {column} » : {rule}")

    values = {k: (v or "").strip() for k, v in raw.items()}
    for column, required in COLUMNS.items():
        if required and not values.get(column):
            fail(column, "valeur obligatoire manquante")
    if any(required and not values.get(c) for c, required in COLUMNS.items()):
        return None
    before = len(errors)
    if not REFERENCE.match(values["reference"]):
        fail("reference", "lettres, chiffres, tirets ou soulignés uniquement (60 au plus)")
    coordinates = {}
    for column, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        try:
            coordinates[column] = _decimal(values[column])
            if not low <= coordinates[column] <= high:
                fail(column, f"doit être comprise entre {low} et {high} (degrés WGS84)")
        except ValueError:
            fail(column, f"nombre décimal attendu, reçu « {values[column]} »")
    owner = OWNER_CODES.get(values["proprietaire"].lower())
    if owner is None:
        fail(
            "proprietaire",
            f"valeur inconnue « {values['proprietaire']} » "
            f"(valeurs possibles : {', '.join(OWNER_CODES)})",
        )
    kind = KIND_CODES.get(values["type"].lower())
    if kind is None:
        fail(
            "type",
            f"valeur inconnue « {values['type']} » (valeurs possibles : {', '.join(KIND_CODES)})",
        )
    surface = None
    try:
        surface = int(values["surface_m2"])
        if surface < 1:
            fail("surface_m2", "doit être un nombre entier de mètres carrés, au moins 1")
    except ValueError:
        fail("surface_m2", f"nombre entier attendu, reçu « {values['surface_m2']} »")
    available = None
    if values.get("disponible_le"):
        try:
            available = _date(values["disponible_le"])
        except ValueError:
            fail("disponible_le", "date attendue au format AAAA-MM-JJ ou JJ/MM/AAAA")
    thd = values.get("thd", "").lower()
    if thd not in YES | NO:
        fail("thd", f"« oui » ou « non » attendu, reçu « {values['thd']} »")
    cost = None
    if values.get("cout_estime_euros"):
        try:
            cost = int(values["cout_estime_euros"].replace(" ", "").replace("\u202f", ""))
            if cost < 0:
                fail("cout_estime_euros", "doit être positif ou nul")
        except ValueError:
            fail("cout_estime_euros", "nombre entier d'euros attendu")
    if len(errors) > before:
        return None
    return CandidateRow(
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


def parse_candidate_csv(content: bytes, filename: str = "fichier") -> list[CandidateRow]:
    """Every row of the file, or CandidateImportError listing each row's problem."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CandidateImportError(
            [f"{filename} : le fichier doit être encodé en UTF-8."]
        ) from error
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    errors = [f"{filename}, ligne 1 : colonne inconnue « {c} »" for c in header if c not in COLUMNS]
    errors += [
        f"{filename}, ligne 1 : colonne obligatoire absente « {c} »"
        for c, required in COLUMNS.items()
        if required and c not in header
    ]
    if errors:
        raise CandidateImportError(errors)
    rows: list[CandidateRow] = []
    row_errors: list[str] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        if None in raw:
            row_errors.append(f"ligne {line} : plus de valeurs que de colonnes")
            continue
        row = _row(line, raw, row_errors)
        if row is None:
            continue
        if row.reference in seen:
            row_errors.append(
                f"ligne {line}, colonne « reference » : « {row.reference} » "
                f"figure déjà ligne {seen[row.reference]}"
            )
            continue
        seen[row.reference] = line
        rows.append(row)
    if row_errors:
        shown = [f"{filename}, {e}" for e in row_errors[:MAX_REPORTED_ERRORS]]
        if len(row_errors) > MAX_REPORTED_ERRORS:
            shown.append(f"… et {len(row_errors) - MAX_REPORTED_ERRORS} autres erreurs.")
        raise CandidateImportError(shown)
    if not rows:
        raise CandidateImportError([f"{filename} : aucune ligne de données."])
    return rows
