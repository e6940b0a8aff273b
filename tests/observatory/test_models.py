"""Candidate sites, scenarios and population layers refuse hostile text and numbers, with the
same answer on SQLite and PostgreSQL."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from maillage.observatory.models import CandidateSite, PopulationLayer, PopulationPoint

pytestmark = pytest.mark.django_db


def candidate(commune, **fields) -> CandidateSite:
    values = {
        "reference": "ancien-college",
        "name": "Ancien collège",
        "commune": commune,
        "latitude": commune.centroid_lat,
        "longitude": commune.centroid_lon,
        "owner": "departement",
        "kind": "college",
        "surface_m2": 400,
        **fields,
    }
    return CandidateSite(**values)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"name": "Collège\r\nX"},
            "name",
            "Le nom ne peut pas contenir de retour à la ligne ni de caractère de contrôle.",
        ),
        ({"name": "x" * 10_000}, "name", "au plus 150 caractères"),
        ({"address": "x" * 201}, "address", "au plus 200 caractères"),
        (
            {"address": "1 rue\x00"},
            "address",
            "L'adresse ne peut pas contenir de retour à la ligne ni de caractère de contrôle.",
        ),
        (
            {"surface_m2": 2**31},
            "surface_m2",
            "La surface doit être entre 1 et 100\u202f000\u00a0m².",
        ),
        ({"estimated_cost_cents": 10**20}, "estimated_cost_cents", "Le coût estimé doit être"),
        ({"latitude": math.nan}, "latitude", "La latitude doit être un nombre fini."),
        ({"longitude": -math.inf}, "longitude", "La longitude doit être un nombre fini."),
    ],
)
def test_a_candidate_site_names_the_field_and_the_rule(commune, fields, field, message):
    with pytest.raises(ValidationError) as error:
        candidate(commune, **fields).full_clean()
    assert any(message in text for text in error.value.message_dict[field])


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Collège\nX"},
        {"name": "x" * 151},
        {"address": "1 rue\r\n"},
        {"address": "x" * 201},
        {"surface_m2": 100_001},
        {"surface_m2": 2**31},
        {"estimated_cost_cents": 1_000_000_000_01},
    ],
)
def test_database_refuses_a_candidate_site_beyond_its_rules(commune, fields):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        candidate(commune, **fields).save()
    assert not CandidateSite.objects.exists()


@pytest.fixture
def layer(commune):
    return PopulationLayer.objects.create(
        name="Carreaux", source="points", departement="92", is_active=False
    )


@pytest.mark.parametrize("weight", [math.inf, math.nan, 1e308, -1.0])
def test_database_refuses_a_weight_that_is_not_a_head_count(layer, commune, weight):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        PopulationPoint.objects.create(
            layer=layer, commune=commune, x=645_000, y=6_862_000, weight=weight
        )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"weight": math.inf}, "weight", "Le poids doit être un nombre fini."),
        ({"weight": 1e308}, "weight", "Le poids doit être entre 0 et 1\u202f000\u202f000."),
        ({"x": 1e308}, "x", "L'abscisse x (Lambert-93) doit être entre"),
        ({"y": math.nan}, "y", "L'ordonnée y (Lambert-93) doit être un nombre fini."),
    ],
)
def test_a_population_point_names_the_field_and_the_rule(layer, commune, fields, field, message):
    point = PopulationPoint(
        layer=layer, commune=commune, **{"x": 645_000, "y": 6_862_000, "weight": 12.0, **fields}
    )
    with pytest.raises(ValidationError) as error:
        point.full_clean()
    assert any(message in text for text in error.value.message_dict[field])
