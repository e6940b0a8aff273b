"""Registrations racing on real connections for priced events funded by one small envelope,
one person's pass, and bookings against the same envelope: the database refuses every
overspend, the shares add up exactly, and the ledger still matches."""

from datetime import timedelta
from functools import partial

import pytest

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.events import services as events
from maillage.events.models import Event, Registration
from maillage.programmes import ledger
from maillage.programmes.models import BookingShare, Envelope, Programme, Wallet
from tests.factories import EventFactory, RoomFactory, VerifiedUserFactory
from tests.programmes.builders import a_pass, programme, verified
from tests.racing import run_together

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 16
REFUSED = "Le tarif réduit ne s'applique plus : "


def outcome(result: object) -> tuple[str, object]:
    """("paid", what the person pays), ("refused", the message's reason) or ("error", …)."""
    if isinstance(result, events.RegistrationRefused) and result.message.startswith(REFUSED):
        return ("refused", result.message.removeprefix(REFUSED).split(".")[0])
    if isinstance(result, booking.BookingRefused):
        return ("refused", tuple(result.codes))
    if isinstance(result, Exception):
        return ("error", repr(result))
    assert isinstance(result, Registration | booking.Booking)
    return ("paid", result.person_price_cents)


def race(calls) -> list[tuple[str, object]]:
    results = [outcome(result) for result in run_together(calls)]
    assert [r for r in results if r[0] == "error"] == []
    return results


def people(count: int, code: str | None = "rsa") -> list:
    made = [VerifiedUserFactory(email=f"personne{n}@exemple.test") for n in range(count)]
    for person in made:
        if code:
            verified(person, code)
    return made


def spent_and_left(made: Programme) -> tuple[int, int]:
    """What the shares not given back hold, and what is left of the envelope."""
    held = BookingShare.objects.filter(programme=made, released_at__isnull=True)
    return sum(held.values_list("cents", flat=True)), Envelope.objects.get(
        programme=made
    ).left_cents


def test_many_people_register_against_an_envelope_that_covers_five(bookable_place):
    # 12 € a seat, the social rate pays 9 €: the envelope holds 5 shares.
    event = EventFactory(place=bookable_place, capacity=CLIENTS, price_cents=1200)
    made = programme(bookable_place, covers_events=True, budget_cents=5 * 900)
    crowd = people(CLIENTS)
    results = race([partial(events.register, person, event, 1) for person in crowd])
    assert sorted(results) == [("paid", 300)] * 5 + [("paid", 1200)] * (CLIENTS - 5)
    assert spent_and_left(made) == (5 * 900, 0)
    assert Registration.objects.filter(person_price_cents=300).count() == 5
    event = Event.objects.get(pk=event.pk)
    assert event.seats_taken == CLIENTS
    assert ledger.differences() == []


def test_bookings_and_registrations_race_for_one_envelope(bookable_place):
    # A room for 2 hours (50 €) and a 2-hour workshop seat at 50 €: the rate pays 37,50 €
    # of either; the envelope holds 5 shares.
    event = EventFactory(place=bookable_place, capacity=CLIENTS, price_cents=5000)
    made = programme(bookable_place, covers_events=True, budget_cents=5 * 3750)
    crowd = people(CLIENTS)
    start = event.start + timedelta(hours=4)
    calls = []
    for n, person in enumerate(crowd):
        if n % 2:
            calls.append(partial(events.register, person, event, 1))
        else:
            room = RoomFactory(place=bookable_place)
            calls.append(
                partial(
                    booking.book,
                    person,
                    room.pk,
                    start,
                    start + timedelta(hours=2),
                    channel=Channel.PAGE,
                )
            )
    results = race(calls)
    funded = [r for r in results if r == ("paid", 1250)]
    assert len(funded) == 5
    # The others pay the list price, or were refused the reduced one as it ran out under
    # them (told the list price, nothing written).
    assert {r for r in results if r not in funded} <= {
        ("paid", 5000),
        ("refused", ("funding_changed",)),
        ("refused", "le budget du dispositif vient d'être épuisé"),
    }
    assert spent_and_left(made) == (5 * 3750, 0)
    assert ledger.differences() == []


def test_one_person_s_pass_spent_on_many_events_at_once(bookable_place):
    # 8 workshops at 12 € for one collégien with a pass of 30 €.
    made = a_pass(bookable_place, 3000, covers_events=True)
    (person,) = people(1, "collegien")
    workshops = [
        EventFactory(place=bookable_place, price_cents=1200, title=f"Atelier {n}") for n in range(8)
    ]
    results = race([partial(events.register, person, w, 1) for w in workshops])
    assert {r[0] for r in results} <= {"paid", "refused"}
    wallet = Wallet.objects.get(programme=made)
    assert wallet.granted_cents == 3000
    spent, left = spent_and_left(made)
    assert spent >= 1200  # the first to commit, at least
    assert 0 <= wallet.left_cents == 3000 - spent
    assert left == 100_000 - spent
    # What the person paid and what the pass paid add up to the seats' list prices.
    registered = Registration.objects.filter(user=person)
    paid = sum(registered.values_list("person_price_cents", flat=True))
    assert paid + spent == 1200 * registered.count()
    assert ledger.differences() == []
