"""Concurrent clients on real connections: the database decides, exactly once."""

import threading
from functools import partial

import pytest
from django.db import IntegrityError, connection, transaction

from maillage.accounts.models import User
from maillage.booking import services
from maillage.booking.models import Booking, BookingStatus
from tests.booking import on_page
from tests.factories import VerifiedUserFactory
from tests.moments import NOW, paris
from tests.racing import run_together

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 16
SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))


def race(call, clients: int = CLIENTS) -> list[tuple[str, object]]:
    """Run call(n) for `clients` numbers at once (tests.racing): ("booked", booking id),
    ("refused", codes) or ("error", repr) for each."""
    return [
        ("refused", tuple(o.codes))
        if isinstance(o, services.BookingRefused)
        else ("error", repr(o))
        if isinstance(o, Exception)
        else ("booked", o.pk)
        for o in run_together([partial(call, n) for n in range(clients)])
    ]


@pytest.fixture
def people(db):
    return [
        VerifiedUserFactory(email=f"client{n}@exemple.test", password="motdepasse-client-1")
        for n in range(CLIENTS)
    ]


def test_one_room_one_winner(people, room):
    results = race(lambda n: on_page.book(people[n], room.pk, *SLOT, now=NOW))
    assert sorted(kind for kind, _ in results) == ["booked"] + ["refused"] * (CLIENTS - 1)
    assert {codes for kind, codes in results if kind == "refused"} == {("slot_taken",)}
    assert Booking.objects.holding().filter(space=room).count() == 1


def test_desk_seats_never_exceed_capacity(people, desks):
    results = race(lambda n: on_page.book(people[n], desks.pk, *SLOT, 1, now=NOW))
    assert [kind for kind, _ in results].count("booked") == desks.capacity
    assert {codes for kind, codes in results if kind == "refused"} == {("not_enough_seats",)}
    assert sum(Booking.objects.holding().filter(space=desks).values_list("seats", flat=True)) == 5


def test_the_same_request_sent_many_times_books_once(people, room):
    results = race(
        lambda n: on_page.book(people[0], room.pk, *SLOT, idempotency_key="retry-42", now=NOW)
    )
    assert {kind for kind, _ in results} == {"booked"}
    assert len({pk for _, pk in results}) == 1
    assert Booking.objects.count() == 1


def test_the_database_itself_refuses_overlaps(people, room):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no exclusion constraints: its writes are serialised instead")
    on_page.book(people[0], room.pk, *SLOT, now=NOW)
    start, end = paris(2026, 12, 2, 10), paris(2026, 12, 2, 12)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            space=room,
            user=people[1],
            start=start,
            end=end,
            blocked_start=start,
            blocked_end=end,
            person_price_cents=0,
            exclusive=True,
            status=BookingStatus.CONFIRMED,
        )
    assert User.objects.count() == CLIENTS


def test_a_series_that_loses_a_date_to_a_racing_booking_skips_it(people, room, monkeypatch):
    """Another connection books the first date between the series' check and its inserts
    (rooms are guarded by the exclusion constraint on PostgreSQL, not by a lock)."""
    from maillage.booking import sql

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions: nothing lands between the two")

    checked = sql.holding_meeting
    raced = []

    def check_then_race(*args):
        rows = checked(*args)
        if not raced:
            raced.append(True)
            racer = threading.Thread(
                target=lambda: (
                    on_page.book(people[1], room.pk, *SLOT, now=NOW),
                    connection.close(),
                )
            )
            racer.start()
            racer.join(timeout=30)
        return rows

    monkeypatch.setattr(sql, "holding_meeting", check_then_race)
    series, booked, skipped = on_page.book_series(people[0], room.pk, *SLOT, 3, now=NOW)
    assert raced and len(booked) == 2
    assert [o.start for o in skipped] == [SLOT[0]]
    assert [v.code for v in skipped[0].violations] == ["slot_taken"]
    assert Booking.objects.filter(space=room).count() == 3


def test_one_person_racing_for_more_seats_gets_one_booking(people, desks):
    """The same person sends many requests for a desk with seats to spare: one is booked,
    every other is told they hold it already."""
    results = race(lambda n: on_page.book(people[0], desks.pk, *SLOT, 1, now=NOW))
    assert sorted(kind for kind, _ in results) == ["booked"] + ["refused"] * (CLIENTS - 1)
    assert {codes for kind, codes in results if kind == "refused"} == {("already_booked",)}
    assert Booking.objects.holding().filter(space=desks, user=people[0]).count() == 1


def test_one_person_racing_a_series_against_a_booking_is_charged_once(people, desks):
    """A single booking and a weekly series over the same date race: the person holds that
    date once."""
    calls = [
        lambda: on_page.book(people[0], desks.pk, *SLOT, now=NOW),
        lambda: on_page.book_series(people[0], desks.pk, *SLOT, 3, now=NOW)[0],
    ]
    results = race(lambda n: calls[n](), clients=2)
    assert "error" not in {kind for kind, _ in results}
    assert Booking.objects.holding().filter(space=desks, start=SLOT[0]).count() == 1


def person_overlap(person, desks, start, end) -> Booking:
    return Booking(
        space=desks,
        user=person,
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        exclusive=False,
        person_price_cents=0,
        seats=1,
        status=BookingStatus.CONFIRMED,
    )


def test_the_database_itself_refuses_a_persons_overlapping_bookings(people, desks):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no exclusion constraints: its writes are serialised instead")
    on_page.book(people[0], desks.pk, *SLOT, now=NOW)
    later = (paris(2026, 12, 2, 10), paris(2026, 12, 2, 12))
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        person_overlap(people[0], desks, *later).save()
    assert refused.value.__cause__.diag.constraint_name == services.ONE_PER_PERSON_CONSTRAINT
    # Someone else, or the same person once the first booking is cancelled, may.
    person_overlap(people[1], desks, *later).save()
    Booking.objects.filter(user=people[0]).update(status=BookingStatus.CANCELLED)
    person_overlap(people[0], desks, *later).save()


def test_a_booking_the_check_missed_is_refused_as_the_persons_own(people, desks, monkeypatch):
    """Should the check not see the person's booking (another writer's, not yet committed),
    PostgreSQL's constraint refuses the insert, and the person is told why."""
    from maillage.booking import sql

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises write transactions: the check always sees it")
    on_page.book(people[0], desks.pk, *SLOT, now=NOW)
    monkeypatch.setattr(sql, "holding_meeting", lambda *args: [])
    with pytest.raises(services.BookingRefused) as refused:
        on_page.book(people[0], desks.pk, *SLOT, now=NOW)
    assert refused.value.codes == ["already_booked"]
    assert Booking.objects.filter(user=people[0]).count() == 1
