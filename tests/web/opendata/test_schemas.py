"""The schemas shipped with the platform (web/opendata/schemas): the national one vendored
unchanged with its valid example, the project's own valid Table Schemas, and their
documentation saying what the code does."""

import hashlib
import re

from frictionless import Resource, Schema

from maillage.places.catalogue import SERVICES as CATALOGUE
from maillage.web.opendata import national, schema_files

README = (schema_files.SCHEMA_DIR / "README.md").read_text()


def report_errors(report) -> str:
    """A frictionless report's errors, one per line, for an assertion's message."""
    return "\n".join(map(str, report.flatten(["rowNumber", "fieldName", "type", "note"])))


def test_the_national_schema_and_its_example_are_vendored_unchanged():
    for name in (schema_files.NATIONAL, schema_files.NATIONAL_EXAMPLE):
        digest = hashlib.sha256((schema_files.SCHEMA_DIR / name).read_bytes()).hexdigest()
        assert f"`{name}`" in README
        assert digest in README, f"{name} differs from the vendored file ({digest})"
    assert schema_files.schema(schema_files.NATIONAL)["version"] == "v1.0.2"


def test_the_schemas_own_valid_example_is_valid_with_the_vendored_schema():
    resource = Resource(
        path=schema_files.NATIONAL_EXAMPLE,
        basepath=str(schema_files.SCHEMA_DIR),
        schema=Schema.from_descriptor(schema_files.schema(schema_files.NATIONAL)),
    )
    report = resource.validate()
    assert report.valid, report_errors(report)
    assert report.tasks[0].stats["rows"] == 1


def test_a_row_breaking_the_vendored_schema_is_refused():
    """The check can fail: the example with a SIRET too short and an unknown service."""
    example = (schema_files.SCHEMA_DIR / schema_files.NATIONAL_EXAMPLE).read_text()
    broken = example.replace('"43493312300029"', '"4349"').replace(
        "Loisirs et créations numériques", "Café"
    )
    report = Resource(
        data=broken.encode(),
        format="csv",
        schema=Schema.from_descriptor(schema_files.schema(schema_files.NATIONAL)),
    ).validate()
    assert not report.valid
    assert {
        (error[1], error[2]) for error in report.flatten(["rowNumber", "fieldName", "type"])
    } >= {
        ("pivot", "constraint-error"),
        ("services", "constraint-error"),
    }


def test_the_projects_schemas_are_valid_table_schemas_under_the_open_licence():
    for name in schema_files.PUBLISHED:
        descriptor = schema_files.schema(name)
        report = Schema.validate_descriptor(descriptor)
        assert report.valid, (name, report_errors(report))
        assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    assert schema_files.field_names(schema_files.EXTENSION)[:2] == ["id", "id_lieu"]


def test_each_of_the_projects_schemas_is_documented_field_by_field():
    for name in (schema_files.EXTENSION, schema_files.COVERAGE):
        doc = (schema_files.SCHEMA_DIR / name.replace(".json", ".md")).read_text()
        missing = [field for field in schema_files.field_names(name) if f"`{field}`" not in doc]
        assert missing == [], (name, missing)


def _cell(values: tuple[str, ...]) -> str:
    return ", ".join(values) or "—"


def test_the_documented_correspondence_is_the_codes():
    doc = (schema_files.SCHEMA_DIR / "tiers-lieux-espaces.md").read_text()
    table = doc.split("| Sur la plateforme | typologie | services | modalites_accompagnement |")[1]
    documented = re.findall(r"^\| (.+) \|$", table.split("\n\n")[0], re.MULTILINE)
    expected = [
        " | ".join([platform, _cell(f.typologies), _cell(f.services), _cell(f.support)])
        for platform, f in national.mapping_table(CATALOGUE)
    ]
    assert documented == expected
