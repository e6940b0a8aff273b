"""The observatory's field-rule migration on data written before its rules existed."""

import math

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from maillage.observatory.models import CandidateSite, PopulationLayer

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("observatory", "0003_population_layers")


def migrate(target: tuple[str, str]):
    """Migrate the observatory app to `target`; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor.loader.project_state([target]).apps


def latest() -> tuple[str, str]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes("observatory")[0]


def test_absurd_candidates_stop_it_and_unusable_layers_are_removed(commune):
    apps = migrate(BEFORE)
    try:
        layer = apps.get_model("observatory", "PopulationLayer").objects.create(
            name="Points infinis", source="points", departement="92", is_active=True
        )
        apps.get_model("observatory", "PopulationPoint").objects.create(
            layer=layer, x=650_000, y=6_860_000, weight=math.inf, commune_id=commune.pk
        )
        site = apps.get_model("observatory", "CandidateSite").objects.create(
            reference="immense",
            name="Hangar",
            commune_id=commune.pk,
            latitude=48.83,
            longitude=2.24,
            owner="commune",
            kind="office_floor",
            surface_m2=2**31 - 1,
        )
        with pytest.raises(RuntimeError, match=f"identifiants {site.pk}"):
            migrate(latest())
        site.delete()
    finally:
        migrate(latest())
    assert not PopulationLayer.objects.filter(pk=layer.pk).exists()
    assert not CandidateSite.objects.exists()


def test_spaces_beyond_the_rules_stop_the_places_migration(place):
    target = ("places", "0006_booking_terms_editable_in_range")
    apps = migrate(target)
    try:
        space = apps.get_model("places", "Space").objects.create(
            place_id=place.pk, name="Hall", kind="desk", capacity=5000
        )
        with pytest.raises(RuntimeError, match=f"identifiants {space.pk}"):
            MigrationExecutor(connection).migrate(
                [("places", "0007_field_rules_names_one_line_numbers_bounded")]
            )
        space.delete()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
