"""The Table Schemas of the published files (pure: no Django): the national «Lieux de
médiation numérique» schema 1.0.2 as vendored (schemas/README.md gives its provenance), the
tiers-lieux extension and the communes' coverage, both the project's own (documented in
schemas/*.md). Frictionless Table Schema: https://specs.frictionlessdata.io/table-schema/."""

import json
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

NATIONAL = "lieux-mediation-numerique-v1.0.2.json"
NATIONAL_EXAMPLE = "lieux-mediation-numerique-exemple-valide.csv"
EXTENSION = "tiers-lieux-espaces.json"
COVERAGE = "couverture-communes.json"
# The schemas served as they are (views.schema), by file name.
PUBLISHED = (NATIONAL, EXTENSION, COVERAGE)

# Licence Ouverte / Open Licence 2.0 (Etalab), as the national schema names it.
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
}


@cache
def schema_text(name: str) -> str:
    """The schema file `name` (one of PUBLISHED) as stored, UTF-8 JSON text."""
    if name not in PUBLISHED:
        raise KeyError(name)
    return (SCHEMA_DIR / name).read_text(encoding="utf-8")


def schema(name: str) -> dict:
    """The schema `name` (one of PUBLISHED) as a dict (a fresh copy each call)."""
    descriptor: dict = json.loads(schema_text(name))
    return descriptor


def field_names(name: str) -> list[str]:
    """The names of the schema's fields, in its order: the CSV's header."""
    return [field["name"] for field in schema(name)["fields"]]
