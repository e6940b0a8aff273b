"""The national schema's rows and the correspondence of the platform's words with its
vocabularies (web.opendata.national, pure)."""

import re
from datetime import date, time

import pytest

from maillage.places.catalogue import SERVICES as CATALOGUE
from maillage.places.kinds import SpaceKind
from maillage.places.schedule import DateRange, OpeningRange
from maillage.web.opendata import national, schema_files
from maillage.web.opendata.facts import PlaceFacts

NATIONAL = schema_files.schema(schema_files.NATIONAL)
FIELDS = {field["name"]: field for field in NATIONAL["fields"]}


def vocabulary(field_name: str) -> set[str]:
    """The values a field's pattern of the vendored schema allows: its alternatives."""
    pattern = FIELDS[field_name]["constraints"]["pattern"]
    alternatives = re.search(r"\|\)\((.*)\)\)\+\$$", pattern)
    assert alternatives, pattern
    return {re.sub(r"\\(.)", r"\1", value) for value in alternatives[1].split("|")}


def test_every_catalogue_service_and_every_kind_of_space_has_its_line():
    """A service added to the catalogue (or a kind of space) must say what it stands for in
    the national vocabularies, even nothing (Facets())."""
    assert set(national.SERVICES) == set(CATALOGUE)
    assert set(national.SPACE_KINDS) == set(SpaceKind)


def test_the_tables_use_only_the_schemas_words():
    facets = [national.PLACE, *national.SERVICES.values(), *national.SPACE_KINDS.values()]
    assert {s for f in facets for s in f.services} <= vocabulary("services")
    assert {s for f in facets for s in f.support} <= vocabulary("modalites_accompagnement")
    assert {t for f in facets for t in f.typologies} == {"TIERS_LIEUX", "FABLAB"}
    for name, words in [
        ("services", national.SERVICES_VOCABULARY),
        ("modalites_accompagnement", national.SUPPORT_VOCABULARY),
        ("frais_a_charge", national.FEES_VOCABULARY),
        ("modalites_acces", national.ACCESS_VOCABULARY),
        ("prise_en_charge_specifique", national.NEEDS_VOCABULARY),
    ]:
        assert set(words) == vocabulary(name), name


def facts(**fields) -> PlaceFacts:
    values = {
        "pk": 12,
        "name": "La Ruche",
        "siret": "",
        "address": "1 place de la Mairie",
        "postal_code": "92100",
        "commune": "Boulogne-Billancourt",
        "insee_code": "92012",
        "latitude": 48.8353001234,
        "longitude": 2.2402009876,
        "phone": "",
        "email": "",
        "website": "",
        "description": "",
        "updated": date(2026, 11, 30),
        "page_url": "http://127.0.0.1:8000/lieux/la-ruche/",
        **fields,
    }
    return PlaceFacts(**values)


def test_a_bare_place():
    row = national.national_row(facts(), "92", "Département des Hauts-de-Seine (Maillage)")
    assert list(row) == schema_files.field_names(schema_files.NATIONAL)
    assert row["id"] == "92-tiers-lieu-12"
    assert row["pivot"] == "00000000000000"
    assert re.fullmatch(FIELDS["pivot"]["constraints"]["pattern"], row["pivot"])
    assert (row["latitude"], row["longitude"]) == (48.8353, 2.240201)
    assert row["typologie"] == "TIERS_LIEUX"
    assert row["itinerance"] == "Fixe"
    assert row["date_maj"] == date(2026, 11, 30)
    for empty in ("services", "frais_a_charge", "modalites_acces", "horaires", "prise_rdv"):
        assert row[empty] == ""


def test_a_full_place():
    place = facts(
        siret="73282932000074",
        phone="01 23 45 67 89",
        email="contact@la-ruche.test",
        services=("fablab", "cafe", "accompagnement", "service-ajoute-par-les-agents"),
        space_kinds=("desk", "workshop", "meeting_room"),
        prices_cents=(400, 0, 2000),
        books_online=True,
        free_under_condition=True,
        hearing_loop=True,
        step_free_access=True,
        accessible_toilets=True,
        hours=(OpeningRange(0, time(9), time(18)), OpeningRange(1, time(9), time(18))),
        closures=(DateRange(date(2026, 12, 24), date(2026, 12, 26)),),
    )
    row = national.national_row(place, "92", "Département des Hauts-de-Seine (Maillage)")
    assert row["pivot"] == "73282932000074"
    assert row["telephone"] == "+33123456789"
    assert row["typologie"] == "TIERS_LIEUX|FABLAB"
    assert row["services"] == (
        "Insertion professionnelle via le numérique|Loisirs et créations numériques|"
        "Accès internet et matériel informatique"
    )
    assert row["modalites_accompagnement"] == "En autonomie|Accompagnement individuel"
    assert row["frais_a_charge"] == "Gratuit sous condition|Payant"
    assert row["modalites_acces"] == "Téléphoner|Contacter par mail|Prendre un RDV en ligne"
    assert row["prise_en_charge_specifique"] == "Surdité|Handicaps moteurs"
    assert row["horaires"] == "Mo-Tu 09:00-18:00; 2026 Dec 24-2026 Dec 26 off"
    assert row["prise_rdv"] == "http://127.0.0.1:8000/lieux/la-ruche/"


@pytest.mark.parametrize(
    ("prices", "free", "expected"),
    [
        ((), False, ""),
        ((0, 0), False, "Gratuit"),
        ((0, 0), True, "Gratuit|Gratuit sous condition"),
        ((0, 1500), False, "Payant"),
        ((), True, "Gratuit sous condition"),
    ],
)
def test_fees(prices, free, expected):
    place = facts(prices_cents=prices, free_under_condition=free)
    assert national.national_row(place, "92", "x")["frais_a_charge"] == expected


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("01 23 45 67 89", "+33123456789"),
        ("0123456789", "+33123456789"),
        ("01.23.45.67.89", "+33123456789"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("+33123456789", "+33123456789"),
        ("", ""),
        ("123", ""),
    ],
)
def test_international_phone(phone, expected):
    assert national.international_phone(phone) == expected
    if expected:
        assert re.fullmatch(FIELDS["telephone"]["constraints"]["pattern"], expected)


def test_the_summary_holds_280_characters_on_one_line_cut_at_a_word():
    text = "Un tiers-lieu ; « accueillant »,\r\nau cœur de la ville. " + "mot " * 100
    summary = national.summary(text)
    assert len(summary) <= 280
    assert summary.startswith("Un tiers-lieu ; « accueillant », au cœur de la ville. mot")
    assert summary.endswith("mot…")
    assert "\n" not in summary
    assert national.summary("Court.\n\nDeux lignes.") == "Court. Deux lignes."


def test_the_hearing_loop_and_step_free_access_with_toilets_only():
    assert national.needs(facts(step_free_access=True)) == ()
    assert national.needs(facts(step_free_access=True, accessible_toilets=True)) == (
        "Handicaps moteurs",
    )
    assert national.needs(facts(hearing_loop=True)) == ("Surdité",)


def test_the_mapping_table_lists_staff_added_services_as_standing_for_nothing():
    rows = national.mapping_table({**CATALOGUE, "coin-sieste": "Coin sieste"})
    assert rows[0] == ("Tout tiers-lieu", national.PLACE)
    assert ("Service « Coin sieste »", national.Facets()) in rows
    assert ("Service « Fablab »", national.SERVICES["fablab"]) in rows
    assert len(rows) == 1 + len(CATALOGUE) + 1 + len(SpaceKind)
