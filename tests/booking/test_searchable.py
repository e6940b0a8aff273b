"""The places the search keeps (booking.searchable) and their data version
(places.data_version): every write to a table the search keeps changes the version, in
the database, whatever path wrote it; a search sees a change at once; and the search, deciding
most spaces from grouped counts, finds exactly what each space's week (the availability core
on every booking) shows free."""

import importlib
import random
import re
from datetime import date, time, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillage.booking import blocks, queries, searchable, services
from maillage.booking.intervals import covers
from maillage.places.data_version import places_data_version
from maillage.places.models import Closure, OpeningHours, Place, Space
from maillage.territory.models import Commune
from tests.factories import (
    BookablePlaceFactory,
    BookingFactory,
    DeskFactory,
    ManagerFactory,
    SpaceFactory,
    VerifiedUserFactory,
)
from tests.moments import paris

VERSIONED_TABLES = importlib.import_module("maillage.places.migrations.0013_data_version").TABLES


def _monday_ahead() -> date:
    """A Monday two weeks or more ahead: within every space's horizon and notice."""
    day = timezone.localdate() + timedelta(weeks=2)
    return day + timedelta(days=-day.weekday() % 7)


@pytest.mark.django_db
def test_the_search_keeps_only_versioned_tables():
    """Every table the kept places are read from has the triggers: a new column read from
    another table would be kept stale."""
    BookablePlaceFactory()
    with CaptureQueriesContext(connection) as queries_run:
        searchable.load_searchable("92", timezone.localdate())
    read = {
        table
        for query in queries_run.captured_queries
        for table in re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"])
    }
    assert read and read <= set(VERSIONED_TABLES), read - set(VERSIONED_TABLES)


@pytest.mark.django_db
def test_inside_a_transaction_nothing_is_kept():
    with transaction.atomic():
        assert places_data_version() is None


WRITES = {
    "places_place": lambda place, space: Place.objects.filter(pk=place.pk).update(name="Autre"),
    "places_space": lambda place, space: Space.objects.filter(pk=space.pk).update(capacity=3),
    "places_openinghours": lambda place, space: OpeningHours.objects.filter(place=place).update(
        opens=time(9)
    ),
    "places_closure": lambda place, space: Closure.objects.create(
        place=place, start_date=date(2031, 1, 1), end_date=date(2031, 1, 2)
    ),
    "territory_commune": lambda place, space: Commune.objects.filter(pk=place.commune_id).update(
        name="Autre nom"
    ),
}


@pytest.mark.django_db(transaction=True)
def test_every_write_to_a_versioned_table_changes_the_version(territory):
    assert set(WRITES) == set(VERSIONED_TABLES)
    place = BookablePlaceFactory()
    space = SpaceFactory(place=place)
    for table, write in WRITES.items():
        before = places_data_version()
        write(place, space)  # update() and create(): no signal, only the database sees them
        assert places_data_version() > before, table
    # Deleting too, and a transaction that rolls back changes nothing.
    before = places_data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Space.objects.filter(pk=space.pk).delete()
        raise RuntimeError
    assert places_data_version() == before
    Space.objects.filter(pk=space.pk).delete()
    assert places_data_version() > before


@pytest.mark.django_db(transaction=True)
def test_a_search_sees_a_change_of_places_at_once(territory):
    place = BookablePlaceFactory()
    room, desks = SpaceFactory(place=place), DeskFactory(place=place)
    monday = _monday_ahead()
    start, end = (
        paris(monday.year, monday.month, monday.day, 10),
        paris(monday.year, monday.month, monday.day, 12),
    )

    def found(**filters):
        return {r.space_id for r in queries.search_spaces(start, end, 1, **filters)}

    assert found() == {room.pk, desks.pk}
    assert found() == {room.pk, desks.pk}  # from what this process kept
    Space.objects.filter(pk=room.pk).update(is_bookable=False)
    assert found() == {desks.pk}
    Closure.objects.create(place=place, start_date=monday, end_date=monday)
    assert found() == set()
    Closure.objects.all().delete()
    OpeningHours.objects.filter(place=place).update(opens=time(11))
    assert found() == set()
    OpeningHours.objects.filter(place=place).update(opens=time(8))
    Space.objects.filter(pk=desks.pk).update(kind="private_office")
    assert found(kind="desk") == set() and found(kind="private_office") == {desks.pk}
    Place.objects.filter(pk=place.pk).update(status="closed")
    assert found() == set()


def _random_bookings(rng, spaces, monday, count):
    """About `count` bookings through the booking service, the refused ones skipped."""
    people = [VerifiedUserFactory() for _ in range(6)]
    made = 0
    for _ in range(count):
        space = rng.choice(spaces)
        day = monday + timedelta(days=rng.randint(0, 2))
        start = paris(day.year, day.month, day.day, rng.randint(8, 17), rng.choice([0, 30]))
        end = start + timedelta(minutes=rng.choice([30, 60, 90, 120, 180]))
        seats = rng.randint(1, space.capacity) if space.kind == "desk" else 1
        try:
            BookingFactory(space=space, user=rng.choice(people), start=start, end=end, seats=seats)
        except services.BookingRefused:
            continue
        made += 1
    return made


@pytest.mark.django_db(transaction=True)
def test_the_search_finds_what_each_space_s_week_shows_free_on_random_bookings(territory):
    """Random bookings, buffers, blocks and windows: the grouped counts (a bound of the seats
    held, an exclusive space taken with its gap) decide as the core does on every booking."""
    rng = random.Random(20261201)
    place = BookablePlaceFactory()
    spaces = [
        SpaceFactory(place=place, capacity=4),
        SpaceFactory(place=place, buffer_before_minutes=15, buffer_after_minutes=15),
        SpaceFactory(place=place, buffer_after_minutes=30),
        SpaceFactory(place=place, kind="private_office", capacity=2),
        DeskFactory(place=place, capacity=3),
        DeskFactory(place=place, capacity=6),
    ]
    monday = _monday_ahead()
    assert _random_bookings(rng, spaces, monday, 90) > 30
    manager = ManagerFactory(places=[place])
    tuesday = monday + timedelta(days=1)
    blocks.add_block(
        manager,
        spaces[4],
        paris(tuesday.year, tuesday.month, tuesday.day, 19),
        paris(tuesday.year, tuesday.month, tuesday.day, 20),
        "Ménage",
    )
    weeks = {space.pk: queries.space_week(space, monday) for space in spaces}
    answers = set()
    for _ in range(150):
        day = monday + timedelta(days=rng.randint(0, 2))
        start = paris(day.year, day.month, day.day, rng.randint(8, 18), rng.choice([0, 15, 30]))
        end = start + timedelta(minutes=rng.choice([15, 30, 60, 120, 240]))
        people = rng.choice([1, 1, 2, 3, 4])
        found = {r.space_id for r in queries.search_spaces(start, end, people)}
        expected = {
            space.pk
            for space in spaces
            if space.capacity >= people and covers(weeks[space.pk].free_for(people), start, end)
        }
        assert found == expected, (start, end, people)
        answers.add(len(found))
    assert len(answers) >= 4  # every kind of answer, from none to most
