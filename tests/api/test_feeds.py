"""The change feeds (api.feeds, RPDE): every write path restamps the items it changes, in
the database; deletions leave tombstones; pages follow one another by (modified, id); and a
reader never skips an item, even one committed late by a transaction that started early."""

import importlib
import re
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maillage.api import feeds
from maillage.api.feeds import Position, changes_after
from maillage.api.views.common import Links
from maillage.api.views.feeds import events_data, places_data, slots_data, spaces_data
from maillage.booking import feed_slots, services
from maillage.booking.models import (
    Booking,
    Channel,
    ExternalBusy,
    ExternalCalendar,
    FeedSlot,
    SpaceBlock,
)
from maillage.core import feed_clock
from maillage.core.feed_sweeps import sweep
from maillage.core.models import FeedTombstone
from maillage.events.feed_sweep import restamp_events_on_their_times
from maillage.events.models import EventStatus
from maillage.places.feed_sweep import restamp_places_on_their_dates
from maillage.places.models import Closure, Equipment, OpeningHours, Place, Service, Space
from tests.factories import (
    BookablePlaceFactory,
    BookingFactory,
    DeskFactory,
    EventFactory,
    PlaceFactory,
    RegistrationFactory,
    SpaceFactory,
    VerifiedUserFactory,
)
from tests.moments import paris

PLACE_RESTAMPED_BY = importlib.import_module("maillage.places.migrations.0014_feeds").RESTAMPED_BY
# Committed changes only reach a feed (on PostgreSQL, nothing of a transaction still open).
pytestmark = pytest.mark.django_db(transaction=True)

EVENT_RESTAMPED_BY = importlib.import_module("maillage.events.migrations.0007_feed").RESTAMPED_BY
SLOT_RESTAMPED_BY = importlib.import_module(
    "maillage.booking.migrations.0020_feed_slots"
).RESTAMPED_BY


@pytest.fixture(autouse=True)
def _no_tombstones_of_flushed_rows():
    """On SQLite, the flush after a transactional test deletes rows one by one, leaving
    tombstones of ids the next test's rows take again: a test artefact (ids are never taken
    again outside tests), cleared before each test."""
    FeedTombstone.objects.all().delete()


def walk(feed: str, after: Position | None = None, limit: int = 1000) -> list[feeds.Change]:
    """Every change of `feed` after `after`, page by page."""
    seen = []
    while page := changes_after(feed, after, limit):
        seen += page
        after = page[-1].position
    return seen


def end_of(feed: str) -> Position | None:
    """Where a reader who has read all of `feed` stands."""
    changes = walk(feed)
    return changes[-1].position if changes else None


def changed_ids(feed: str, after: Position | None) -> set[int]:
    return {change.id for change in walk(feed, after)}


# --- Every write path restamps ----------------------------------------------------------


def test_a_place_changes_with_its_own_row_and_what_its_item_shows(commune):
    place = BookablePlaceFactory(commune=commune)
    other = PlaceFactory(commune=commune, slug="autre")
    writes = [
        lambda: Place.objects.filter(pk=place.pk).update(name="Renommé"),  # no save()
        lambda: OpeningHours.objects.filter(place=place).update(closes="19:00"),
        lambda: Closure.objects.create(
            place=place, start_date=timezone.localdate(), end_date=timezone.localdate()
        ),
        lambda: place.services.add(Service.objects.first()),
        lambda: SpaceFactory(place=place),
        lambda: Space.objects.filter(place=place).update(capacity=3),
        lambda: Space.objects.filter(place=place).delete(),
        lambda: OpeningHours.objects.filter(place=place).delete(),
    ]
    for write in writes:
        before = end_of("places")
        write()
        assert changed_ids("places", before) == {place.pk}, write
    assert other.pk in changed_ids("places", None)


def test_a_space_changes_with_its_equipment_and_its_place_status(commune):
    space = SpaceFactory(place=BookablePlaceFactory(commune=commune))
    for write in [
        lambda: space.equipment.add(Equipment.objects.first()),
        lambda: Space.objects.filter(pk=space.pk).update(name="Salle Renommée"),
        lambda: Place.objects.filter(pk=space.place_id).update(status="closed"),
    ]:
        before = end_of("spaces")
        write()
        assert changed_ids("spaces", before) == {space.pk}
    before = end_of("spaces")
    Place.objects.filter(pk=space.place_id).update(description="Rien qui touche l'espace")
    assert changed_ids("spaces", before) == set()


def test_a_deleted_item_reads_as_deleted_after_its_last_change(commune):
    place = PlaceFactory(commune=commune)
    space = SpaceFactory(place=place)
    before = end_of("spaces")
    space_id = space.pk
    space.delete()
    (change,) = walk("spaces", before)
    assert (change.id, change.deleted) == (space_id, True)
    assert FeedTombstone.objects.get(feed="spaces", item_id=space_id).modified == change.modified


def test_a_place_out_of_the_departement_reads_as_deleted(territory):
    place = PlaceFactory(commune=territory.get(insee_code="92012"))
    outside = PlaceFactory(commune=territory.get(insee_code="92050"), slug="ailleurs")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.MAILLAGE_DEPARTEMENT", "75")
        states = {change.id: change.deleted for change in walk("places")}
    assert states[place.pk] and states[outside.pk]
    assert not any(change.deleted for change in walk("places"))


def test_pages_follow_by_modified_then_id(commune):
    for n in range(7):
        PlaceFactory(commune=commune, slug=f"lieu-{n}")
    Place.objects.update(description="Tous ensemble")  # one modified number for the seven
    pages, after = [], None
    while page := changes_after("places", after, 3):
        pages.append(page)
        after = page[-1].position
    assert [len(p) for p in pages] == [3, 3, 1]
    positions = [change.position for page in pages for change in page]
    assert positions == sorted(positions) and len(set(positions)) == 7


def test_an_event_changes_with_its_seats_and_its_place(commune):
    place = PlaceFactory(commune=commune)
    event = EventFactory(place=place)
    draft = EventFactory(place=place, status=EventStatus.DRAFT)
    assert {c.id: c.deleted for c in walk("events")} == {event.pk: False, draft.pk: True}
    before = end_of("events")
    RegistrationFactory(event=event)
    assert changed_ids("events", before) == {event.pk}
    before = end_of("events")
    Place.objects.filter(pk=place.pk).update(description="Rien que l'événement montre")
    assert changed_ids("events", before) == set()
    Place.objects.filter(pk=place.pk).update(name="Lieu renommé")
    assert changed_ids("events", before) == {event.pk, draft.pk}
    before = end_of("events")
    Place.objects.filter(pk=place.pk).update(status="closed")
    assert {c.id: c.deleted for c in walk("events", before)} == {event.pk: True, draft.pk: True}


# --- Slots: the grid, and what is left of each slot -------------------------------------


@pytest.fixture
def slotted(commune):
    """A room (8 people) and 5 desks at a place open 8:00–20:00, and the feed's grid."""
    place = BookablePlaceFactory(commune=commune)
    room = SpaceFactory(place=place, buffer_after_minutes=30)
    desks = DeskFactory(place=place)
    feed_slots.refresh_feed_slots(timezone.now())
    return room, desks


HOUR = timedelta(hours=1)


def _day_ahead(days: int = 7):
    day = timezone.localdate() + timedelta(days=days)
    return day


def test_the_grid_covers_four_weeks_of_hour_slots(slotted):
    room, _ = slotted
    slots = FeedSlot.objects.filter(space=room)
    day = _day_ahead()
    that_day = slots.filter(start__gte=paris(day.year, day.month, day.day, 0))
    that_day = that_day.filter(start__lt=paris(day.year, day.month, day.day, 23))
    assert [timezone.localtime(s.start).hour for s in that_day.order_by("start")] == list(
        range(8, 20)
    )
    assert not slots.filter(start__lt=timezone.now()).exists()
    last = timezone.localtime(slots.order_by("-start").first().start).date()
    assert last == timezone.localdate() + timedelta(days=27)


def test_refreshing_again_changes_nothing_and_a_closure_deletes_its_slots(slotted):
    room, desks = slotted
    before = end_of("slots")
    assert feed_slots.refresh_feed_slots(timezone.now()).inserted == 0
    assert walk("slots", before) == []
    day = _day_ahead()
    Closure.objects.create(place=room.place, start_date=day, end_date=day)
    counts = feed_slots.refresh_feed_slots(timezone.now())
    assert counts.deleted == 24 and counts.inserted == 0
    gone = walk("slots", before)
    assert len(gone) == 24 and all(change.deleted for change in gone)


def test_a_booking_restamps_the_slots_it_reaches_in_its_transaction(slotted):
    room, desks = slotted
    day = _day_ahead()
    start, end = paris(day.year, day.month, day.day, 10), paris(day.year, day.month, day.day, 11)
    before = end_of("slots")
    with transaction.atomic():
        booking = BookingFactory(space=room, start=start, end=end)
        stamped = set(
            FeedSlot.objects.filter(space=room, feed_modified__gt=before.modified).values_list(
                "start", flat=True
            )
        )
    # The slot itself and, the room keeping 30 minutes after a booking, those on either side:
    # a booking of 9:00-10:00 would now end too close, one at 11:00 would start too soon.
    assert {timezone.localtime(s).hour for s in stamped} == {9, 10, 11}
    changes = walk("slots", before)
    assert len(changes) == 3
    data = slots_data(_links(), [c.id for c in changes])
    assert {(d["remainingUses"], d["maximumUses"]) for d in data.values()} == {(0, 1)}
    before = end_of("slots")
    services.cancel(booking.user, booking, channel=Channel.PAGE)
    changes = walk("slots", before)
    assert len(changes) == 3
    data = slots_data(_links(), [c.id for c in changes])
    assert all(d["remainingUses"] == 1 for d in data.values())


def test_desks_left_count_seats(slotted):
    _, desks = slotted
    day = _day_ahead()
    start, end = paris(day.year, day.month, day.day, 9), paris(day.year, day.month, day.day, 12)
    BookingFactory(space=desks, start=start, end=end, seats=2)
    slot = FeedSlot.objects.get(space=desks, start=paris(day.year, day.month, day.day, 10))
    (data,) = slots_data(_links(), [slot.pk]).values()
    assert (data["remainingUses"], data["maximumUses"]) == (3, 5)
    assert data["duration"] == "PT60M"


def test_what_holds_a_space_restamps_its_slots_and_nothing_else_does(slotted):
    """Blocks and busy times restamp the slots they reach; a booking's reminder, a space's
    description, its equipment do not (the slots show none of them)."""
    room, desks = slotted
    day = _day_ahead()
    start, end = paris(day.year, day.month, day.day, 14), paris(day.year, day.month, day.day, 15)
    before = end_of("slots")
    SpaceBlock.objects.create(space=desks, start=start, end=end, reason="Travaux")
    assert stamped_hours(desks, before) == {14}
    before = end_of("slots")
    calendar = ExternalCalendar.objects.create(
        space=desks, url="https://agenda.exemple.fr/a.ics", set_at=timezone.now()
    )
    ExternalBusy.objects.create(calendar=calendar, space=desks, start=end, end=end + HOUR)
    assert stamped_hours(desks, before) == {15}
    booking = BookingFactory(space=desks, start=start + 2 * HOUR, end=end + 2 * HOUR)
    before = end_of("slots")
    Booking.objects.filter(pk=booking.pk).update(reminder_sent_at=timezone.now())
    Space.objects.filter(pk=desks.pk).update(description="Lumineux")
    desks.equipment.add(Equipment.objects.first())
    assert walk("slots", before) == []
    Space.objects.filter(pk=desks.pk).update(capacity=7)
    assert {c.id for c in walk("slots", before)} == set(
        FeedSlot.objects.filter(space=desks).values_list("pk", flat=True)
    )


def stamped_hours(space, before) -> set[int]:
    """The Paris hours of `space`'s slots changed after `before`."""
    changed = [c.id for c in walk("slots", before)]
    starts = FeedSlot.objects.filter(space=space, pk__in=changed).values_list("start", flat=True)
    return {timezone.localtime(start).hour for start in starts}


def test_slots_of_a_place_that_stops_taking_bookings_read_as_deleted(slotted):
    room, desks = slotted
    before = end_of("slots")
    Place.objects.filter(pk=room.place_id).update(status="closed")
    changes = walk("slots", before)
    assert {c.id for c in changes} == set(
        FeedSlot.objects.filter(space__in=[room, desks]).values_list("pk", flat=True)
    )
    assert slots_data(_links(), [c.id for c in changes]) == {}  # pages say «deleted»


def test_sweeps_restamp_what_changes_with_time_alone(commune):
    today = timezone.localdate()
    opening = PlaceFactory(commune=commune, slug="bientot", opening_date=today + timedelta(days=1))
    space = SpaceFactory(place=opening)
    event = EventFactory(place=PlaceFactory(commune=commune, slug="agenda"))
    now = timezone.now()
    sweep("places", now, restamp_places_on_their_dates)  # from a day back, to now
    sweep("events", now, restamp_events_on_their_times)
    before = {feed: end_of(feed) for feed in ("places", "spaces", "events")}
    tomorrow = now + timedelta(days=1)
    assert sweep("places", tomorrow, restamp_places_on_their_dates) == 1
    assert changed_ids("places", before["places"]) == {opening.pk}
    assert changed_ids("spaces", before["spaces"]) == {space.pk}
    assert sweep("places", tomorrow, restamp_places_on_their_dates) == 0  # swept already
    registration_closes = event.registration_closes_at + timedelta(seconds=1)
    assert sweep("events", registration_closes, restamp_events_on_their_times) == 1
    assert changed_ids("events", before["events"]) == {event.pk}


def test_every_table_a_slot_is_read_from_restamps_it(slotted):
    """What is left of a slot is read from these tables only, and each restamps the slots
    it changes: reading another table would publish changes nobody is told of."""
    room, desks = slotted
    rows = list(FeedSlot.objects.filter(space__in=[room, desks])[:50])
    with CaptureQueriesContext(connection) as run:
        feed_slots.slot_states(rows, timezone.now())
    read = {t for q in run.captured_queries for t in re.findall(r'(?:FROM|JOIN) "?(\w+)', q["sql"])}
    restamping = set(SLOT_RESTAMPED_BY)
    assert read and read <= restamping, read - restamping


def test_every_table_an_item_shows_restamps_it(commune):
    """A place's, a space's and an event's items are read from their own table, from tables
    that restamp them, or from reference data named here (communes, the services' and
    equipment's names)."""
    space = SpaceFactory(place=BookablePlaceFactory(commune=commune))
    reference = {"territory_commune", "places_service", "places_equipment"}
    event = EventFactory(place=space.place)
    for builder, ids, restamping in [
        (places_data, [space.place_id], set(PLACE_RESTAMPED_BY)),
        (spaces_data, [space.pk], set(PLACE_RESTAMPED_BY)),
        (events_data, [event.pk], set(EVENT_RESTAMPED_BY)),
    ]:
        with CaptureQueriesContext(connection) as run:
            builder(_links(), ids)
        read = {
            t for q in run.captured_queries for t in re.findall(r'(?:FROM|JOIN) "?(\w+)', q["sql"])
        }
        assert read and read <= restamping | reference, read - restamping - reference


def _links():
    return Links(RequestFactory().get("/api/v1/flux/creneaux"))


# --- Never skip: concurrent writers and a reader ----------------------------------------


class Held(threading.Thread):
    """A transaction on its own connection that writes, then waits for `release` to commit."""

    def __init__(self, write):
        super().__init__()
        self.write = write
        self.written = threading.Event()
        self.release = threading.Event()
        self.error = None

    def run(self):
        try:
            with transaction.atomic():
                self.write()
                self.written.set()
                assert self.release.wait(30)
        except Exception as error:  # noqa: BLE001 — the test reads it
            self.error = error
            self.written.set()
        finally:
            connections.close_all()


def test_a_late_commit_of_an_early_transaction_is_not_skipped(territory):
    """Writer A changes place X and holds its transaction open; writer B changes place Y and
    commits; a reader reads the feed to its end; then A commits. The reader, going on from
    where it stood, finds X. (On SQLite, B waits for A: one writer at a time.)"""
    x = PlaceFactory(commune=territory.get(insee_code="92012"), slug="x")
    y = PlaceFactory(commune=territory.get(insee_code="92050"), slug="y")
    start = end_of("places")
    a = Held(lambda: Place.objects.filter(pk=x.pk).update(name="X changé"))
    a.start()
    assert a.written.wait(30)
    b = threading.Thread(
        target=lambda: (
            Place.objects.filter(pk=y.pk).update(name="Y changé"),
            connections.close_all(),
        )
    )
    b.start()
    b.join(2 if connection.vendor == "sqlite" else 30)
    passed = walk("places", start)
    reader_at = passed[-1].position if passed else start
    a.release.set()
    a.join(30)
    b.join(30)
    assert a.error is None
    assert x.pk not in {c.id for c in passed}
    later = walk("places", reader_at)
    assert x.pk in {c.id for c in later}
    assert {c.id for c in passed + later} == {x.pk, y.pk}


def test_without_the_horizon_a_reader_would_skip(territory):
    """The same interleaving, read as a naive feed would (no horizon): the reader passes B's
    change, and A's commit lands behind it. The horizon is what the previous test proves."""
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite a second writer waits: the interleaving cannot happen")
    x = PlaceFactory(commune=territory.get(insee_code="92012"), slug="x")
    y = PlaceFactory(commune=territory.get(insee_code="92050"), slug="y")
    start = end_of("places")
    a = Held(lambda: Place.objects.filter(pk=x.pk).update(name="X changé"))
    a.start()
    assert a.written.wait(30)
    Place.objects.filter(pk=y.pk).update(name="Y changé")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(feeds, "HORIZON_SQL", {})
        passed = walk("places", start)
        a.release.set()
        a.join(30)
        later = walk("places", passed[-1].position)
    assert {c.id for c in passed} == {y.pk}
    assert x.pk not in {c.id for c in later}  # skipped: what the horizon prevents


def test_concurrent_writers_and_a_reader_never_lose_a_change(territory):
    """Writers update random places in transactions that linger before committing, bookers
    book and cancel, while a reader follows the places and slots feeds; at the end, the
    reader's copy holds every item's last committed modified number."""
    communes = list(territory.order_by("insee_code")[:6])
    places = [BookablePlaceFactory(commune=c, slug=f"course-{n}") for n, c in enumerate(communes)]
    desks = [DeskFactory(place=p, capacity=20) for p in places]
    feed_slots.refresh_feed_slots(timezone.now())
    people = [VerifiedUserFactory(email=f"course{n}@exemple.test") for n in range(2)]
    day = _day_ahead(3)
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for round_ in range(12):
                with transaction.atomic():
                    target = places[(number * 7 + round_) % len(places)]
                    Place.objects.filter(pk=target.pk).update(description=f"{number}-{round_}")
                    time.sleep(0.02 * ((number + round_) % 3))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    def booker(number: int) -> None:
        try:
            for round_ in range(6):
                hour = 8 + (number * 5 + round_) % 11
                start = paris(day.year, day.month, day.day, hour)
                booking = services.book(
                    people[number],
                    desks[round_ % len(desks)].pk,
                    start,
                    start + timedelta(hours=1),
                    channel=Channel.API,
                )
                if round_ % 2:
                    services.cancel(people[number], booking, channel=Channel.API)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    copies: dict[str, dict[int, int]] = {"places": {}, "slots": {}}

    def reader() -> None:
        try:
            at: dict[str, Position | None] = {"places": None, "slots": None}
            while True:
                last_round = stop.is_set()
                for feed in copies:
                    for change in walk(feed, at[feed], 50):
                        copies[feed][change.id] = change.modified
                        at[feed] = change.position
                if last_round:
                    return
                time.sleep(0.005)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    threads += [threading.Thread(target=booker, args=(n,)) for n in range(2)]
    follower = threading.Thread(target=reader)
    follower.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    stop.set()
    follower.join(120)
    assert not errors, errors
    assert Booking.objects.count() == 12
    committed = {
        "places": dict(Place.objects.values_list("pk", "feed_modified")),
        "slots": dict(FeedSlot.objects.values_list("pk", "feed_modified")),
    }
    for feed, rows in committed.items():
        assert {pk: copies[feed].get(pk) for pk in rows} == rows, feed


def test_after_a_restore_into_another_cluster_rebase_keeps_numbers_growing(commune):
    """A restore into a new PostgreSQL cluster brings numbers above the new cluster's
    transaction ids (simulated by a tombstone stamped far ahead): `rebase_feeds` raises the
    clock's offset, and the next change comes after every reader."""
    if connection.vendor != "postgresql":
        assert feed_clock.rebase() == (0, 0)  # SQLite's counter lives in the database
        return
    ahead = 10**12
    FeedTombstone.objects.create(
        feed="places", item_id=10**9, modified=ahead, deleted_at=timezone.now()
    )
    place = PlaceFactory(commune=commune)
    assert place.pk not in changed_ids("places", Position(ahead, 10**9))
    out = StringIO()
    call_command("rebase_feeds", stdout=out)
    assert f"plus haut numéro enregistré {ahead}" in out.getvalue()
    Place.objects.filter(pk=place.pk).update(name="Après la restauration")
    assert changed_ids("places", Position(ahead, 10**9)) == {place.pk}
    highest, offset = feed_clock.rebase()
    assert highest > ahead and offset == feed_clock.rebase()[1]  # never lowered
