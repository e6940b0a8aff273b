import importlib

import pytest
from django.db import connection

from maillage.places.catalogue import seed_catalogue
from maillage.places.models import Equipment, Service
from maillage.territory.models import Commune
from maillage.territory.services import load_territory
from tests.factories import make_place

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_collection_modifyitems(items):
    # `make test-postgres` selects `-m django_db`: every test that touches the database
    # carries the marker, even when it only asks for a database fixture.
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())) and not item.get_closest_marker(
            "django_db"
        ):
            item.add_marker(pytest.mark.django_db)


# The booking history's append-only triggers, as its migration writes them.
HISTORY = importlib.import_module("maillage.booking.migrations.0011_booking_history")


@pytest.fixture(autouse=True)
def _booking_history_flushable(request):
    """After a transactional test Django empties every table: with TRUNCATE on PostgreSQL
    (which row triggers do not see), with DELETE on SQLite, which the history's triggers
    refuse. There, the history is emptied first, its triggers lifted for that moment only.
    Set up after the database fixture, so torn down before its flush."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if "booking_bookingevent" not in connection.introspection.table_names(cursor):
            return
        for sql in HISTORY.DROP["sqlite"]:
            cursor.execute(sql)
        cursor.execute("DELETE FROM booking_bookingevent")
        for sql in HISTORY.CREATE["sqlite"]:
            cursor.execute(sql)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the Hauts-de-Seine, loaded once per test session."""
    with django_db_blocker.unblock():
        load_territory("92")


@pytest.fixture
def territory(db):
    """The 92 communes, reloaded when a transactional test has flushed them."""
    if not Commune.objects.filter(departement_id="92").exists():
        load_territory("92")
        seed_catalogue(Service, Equipment)
    return Commune.objects.of_departement("92")


@pytest.fixture
def commune(territory):
    return territory.get(insee_code="92012")  # Boulogne-Billancourt


@pytest.fixture
def other_commune(territory):
    return territory.get(insee_code="92050")  # Nanterre


@pytest.fixture
def place(commune):
    return make_place(commune)


@pytest.fixture
def other_place(other_commune):
    return make_place(other_commune)


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        "agent@cd92.test", "motdepasse-agent-1", is_departement_staff=True
    )


@pytest.fixture
def manager(django_user_model, place):
    user = django_user_model.objects.create_user("gestion@lieu.test", "motdepasse-gestion-1")
    place.managers.add(user)
    return user


@pytest.fixture
def resident(django_user_model):
    return django_user_model.objects.create_user("habitant@exemple.test", "motdepasse-habitant-1")
