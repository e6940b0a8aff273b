"""The community's fixtures: its seeded themes, a referent, members of each kind."""

import importlib

import pytest
from django.apps import apps as django_apps

from maillage.community import services
from maillage.community.models import Tag
from tests.community.samples import stored_files
from tests.factories import ManagerFactory, PlaceFactory
from tests.observatory.worker import run_ready_tasks

SEED = importlib.import_module("maillage.community.migrations.0002_seed_tags")


@pytest.fixture(autouse=True)
def _empty_document_storage():
    """The test settings' in-memory documents' storage lives as long as the process: each
    test here starts with none."""
    storage = stored_files()
    if storage.exists("documents"):
        for name in storage.listdir("documents")[1]:
            storage.delete(f"documents/{name}")


@pytest.fixture
def tags(db):
    """The seeded themes (seeded again: a transactional test may have flushed them), by
    identifier."""
    SEED.seed(django_apps, None)
    return {tag.slug: tag for tag in Tag.objects.all()}


@pytest.fixture
def referent(staff_user):
    """Claire Fontaine, the Département's referent."""
    return services.set_referent(
        staff_user,
        name="Claire Fontaine",
        title="Chargée de mission tiers-lieux",
        email="referente@cd92.test",
        phone="01 41 37 11 00",
        presentation="Je vous accompagne dans vos projets.",
    )


@pytest.fixture
def lea(place):
    """Léa, manager of the open place in Boulogne-Billancourt (address verified)."""
    return ManagerFactory(email="lea@lieu.test", first_name="Léa", places=[place])


@pytest.fixture
def karim(other_place):
    """Karim, manager of the open place in Nanterre (address verified)."""
    return ManagerFactory(email="karim@lieu.test", first_name="Karim", places=[other_place])


@pytest.fixture
def project(territory):
    """A place «en projet» in Sèvres: its managers are project holders."""
    return PlaceFactory(
        commune=territory.get(insee_code="92072"),
        slug="projet-sevres",
        name="La Fabrique de Sèvres",
        status="project",
        opening_date=None,
    )


@pytest.fixture
def sofia(project):
    """Sofia, holder of the project in Sèvres (address verified)."""
    return ManagerFactory(email="sofia@projet.test", first_name="Sofia", places=[project])


@pytest.fixture
def run_tasks():
    """One pass of the worker over the ready tasks, inside the test's transaction."""
    return run_ready_tasks
