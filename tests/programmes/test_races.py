"""Concurrent clients on real connections against one envelope, one person's credit and one
member's quota: the database refuses every overspend, and the ledger still matches."""

from datetime import timedelta

import pytest

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.programmes import ledger
from maillage.programmes.models import BookingShare, CapCounter, Envelope, Wallet
from tests.factories import RoomFactory, VerifiedUserFactory
from tests.moments import NOW, paris
from tests.programmes.builders import employer_quota, programme, verified
from tests.racing import run_together

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 16
# 2 hours of a room: 50 €, of which the social rate (the person pays 25 %) pays 37,50 €.
SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))
SHARE = 3750


def race(calls) -> list[tuple[str, object]]:
    """Run the calls at once (tests.racing): ("booked", what the person pays) or
    ("refused", codes) for each; none may fail otherwise."""
    results = [
        ("refused", tuple(o.codes))
        if isinstance(o, booking.BookingRefused)
        else ("error", repr(o))
        if isinstance(o, Exception)
        else ("booked", o.person_price_cents)
        for o in run_together(calls)
    ]
    assert [r for r in results if r[0] == "error"] == []
    return results


def booker_of(space, person, slot=SLOT):
    return lambda: booking.book(person, space.pk, *slot, now=NOW, channel=Channel.PAGE)


def test_many_clients_against_an_envelope_that_covers_five(bookable_place):
    rooms = [RoomFactory(place=bookable_place) for _ in range(CLIENTS)]
    made = programme(bookable_place, budget_cents=5 * SHARE)
    people = [VerifiedUserFactory(email=f"rsa{n}@exemple.test") for n in range(CLIENTS)]
    for person in people:
        verified(person, "rsa")
    results = race([booker_of(room, person) for room, person in zip(rooms, people, strict=True)])
    funded = [r for r in results if r == ("booked", 1250)]
    assert len(funded) == 5
    # The others were booked at the list price, or refused and offered it.
    assert {r for r in results if r not in funded} <= {
        ("booked", 5000),
        ("refused", ("funding_changed",)),
    }
    assert Envelope.objects.get(programme=made).left_cents == 0
    assert BookingShare.objects.count() == 5
    assert ledger.differences() == []


def test_one_persons_credit_spent_from_many_clients(bookable_place):
    rooms = [RoomFactory(place=bookable_place) for _ in range(CLIENTS)]
    made = programme(
        bookable_place,
        kind="credit",
        person_basis_points=None,
        credit_cents=10_000,
        credit_period="school_year",
    )
    person = VerifiedUserFactory(email="pass@exemple.test")
    verified(person, "rsa")
    results = race([booker_of(room, person) for room in rooms])
    assert sorted(r for r in results if r[0] == "booked")[:2] == [("booked", 0), ("booked", 0)]
    wallet = Wallet.objects.get(programme=made)
    assert (wallet.granted_cents, wallet.left_cents) == (10_000, 0)
    assert sum(BookingShare.objects.values_list("cents", flat=True)) == 10_000
    assert ledger.differences() == []


def test_one_members_quota_from_many_clients(bookable_place):
    days = 7
    rooms = [RoomFactory(place=bookable_place) for _ in range(days)]
    agent = VerifiedUserFactory(email="agent@hauts-de-seine.fr")
    made = employer_quota(bookable_place, [agent])  # 2 days a week
    monday = paris(2026, 12, 7, 9)
    slots = [(monday + timedelta(days=n), monday + timedelta(days=n, hours=2)) for n in range(7)]
    results = race([booker_of(room, agent, slot) for room, slot in zip(rooms, slots, strict=True)])
    assert [r for r in results if r == ("booked", 0)] == [("booked", 0)] * 2
    counter = CapCounter.objects.get(programme=made, kind="quota_days")
    assert (counter.used, counter.limit) == (2, 2)
    assert ledger.differences() == []


def test_bookings_expiring_requests_of_two_programmes_in_opposite_orders(bookable_place):
    """Each booking expires a stale request funded by the other programme: given back in the
    booking's transaction, the two programmes' envelopes were locked in opposite orders (a
    deadlock on PostgreSQL); they are given back after it, each request on its own."""
    pairs = CLIENTS // 2
    bookable_place.requires_approval = True
    bookable_place.save()
    rsa = programme(bookable_place, name="RSA", categories=("rsa",))
    handicap = programme(bookable_place, name="Handicap", categories=("handicap",))
    people = {}
    for role, code in (("a", "rsa"), ("b", "handicap"), ("c", "handicap"), ("d", "rsa")):
        for n in range(pairs):
            people[role, n] = VerifiedUserFactory(email=f"{role}{n}@exemple.test")
            verified(people[role, n], code)
    slot = (SLOT[0] + timedelta(days=10), SLOT[1] + timedelta(days=10))
    calls, requests = [], []
    for n in range(pairs):
        room_x, room_y = RoomFactory(place=bookable_place), RoomFactory(place=bookable_place)
        requests.append(booker_of(room_x, people["a", n], slot)())  # funded by RSA
        requests.append(booker_of(room_y, people["b", n], slot)())  # funded by Handicap
        later = max(r.pending_until for r in requests) + timedelta(minutes=1)
        assert later < slot[0]
        for room, person in ((room_x, people["c", n]), (room_y, people["d", n])):
            calls.append(
                lambda room=room, person=person, later=later: booking.book(
                    person, room.pk, *slot, now=later, channel=Channel.PAGE
                )
            )
    results = race(calls)
    assert results == [("booked", 1250)] * CLIENTS
    for request in requests:
        request.refresh_from_db()
        assert request.status == "expired"
        assert not BookingShare.objects.filter(booking=request, released_at__isnull=True)
    for made in (rsa, handicap):
        assert Envelope.objects.get(programme=made).left_cents == 100_000 - pairs * SHARE
    assert ledger.differences() == []
