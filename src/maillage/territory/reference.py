"""Reading the vendored reference data (no Django): communes, populations, polygons."""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from shapely import set_precision
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

DATA_DIR = Path(__file__).resolve().parent / "data"
COMMUNES_GEOJSON = DATA_DIR / "communes-ile-de-france.geojson"
POPULATION_CSV = DATA_DIR / "communes-ile-de-france-population.csv"

ILE_DE_FRANCE_DEPARTEMENTS = {
    "75": "Paris",
    "77": "Seine-et-Marne",
    "78": "Yvelines",
    "91": "Essonne",
    "92": "Hauts-de-Seine",
    "93": "Seine-Saint-Denis",
    "94": "Val-de-Marne",
    "95": "Val-d'Oise",
}
# Each one's name after «de», with its article: «les porteurs de projet des Hauts-de-Seine».
ILE_DE_FRANCE_DEPARTEMENTS_OF = {
    "75": "de Paris",
    "77": "de Seine-et-Marne",
    "78": "des Yvelines",
    "91": "de l'Essonne",
    "92": "des Hauts-de-Seine",
    "93": "de la Seine-Saint-Denis",
    "94": "du Val-de-Marne",
    "95": "du Val-d'Oise",
}

# Vertices are kept to 5 decimals (about 1 m), as in the source files.
COORDINATE_DECIMALS = 5


class UnknownDepartement(ValueError):
    pass


@dataclass(frozen=True)
class CommuneRecord:
    insee_code: str
    name: str
    departement: str
    population: int
    postal_codes: tuple[str, ...]
    ept: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class DepartementRecord:
    code: str
    name: str
    communes: tuple[CommuneRecord, ...]
    outline: BaseGeometry
    polygons_without_population: tuple[str, ...]


def read_departement(code: str) -> DepartementRecord:
    """The communes of an Île-de-France département, with their polygons and population."""
    if code not in ILE_DE_FRANCE_DEPARTEMENTS:
        known = ", ".join(sorted(ILE_DE_FRANCE_DEPARTEMENTS))
        raise UnknownDepartement(
            f"Département « {code} » inconnu : les données fournies couvrent {known}."
        )
    with COMMUNES_GEOJSON.open(encoding="utf-8") as stream:
        features = json.load(stream)["features"]
    polygons = {
        f["properties"]["code"]: shape(f["geometry"])
        for f in features
        if f["properties"]["code"].startswith(code)
    }
    with POPULATION_CSV.open(encoding="utf-8", newline="") as stream:
        rows = [row for row in csv.DictReader(stream) if row["departement"] == code]
    communes = tuple(
        CommuneRecord(
            insee_code=row["code_insee"],
            name=row["nom"],
            departement=code,
            population=int(row["population"]),
            postal_codes=tuple(row["codes_postaux"].split()),
            ept=row["ept"],
            geometry=polygons[row["code_insee"]],
        )
        for row in rows
    )
    with_population = {c.insee_code for c in communes}
    return DepartementRecord(
        code=code,
        name=ILE_DE_FRANCE_DEPARTEMENTS[code],
        communes=communes,
        outline=unary_union([c.geometry for c in communes]),
        # 2018 polygons of communes merged since then: no population row of their own.
        polygons_without_population=tuple(sorted(set(polygons) - with_population)),
    )


def to_geojson(geometry: BaseGeometry) -> dict:
    """GeoJSON geometry with rounded coordinates, as stored and sent to maps."""
    return mapping(set_precision(geometry, 10**-COORDINATE_DECIMALS))
