"""Concurrent people and organisers on real connections: the capacity holds, and freed seats
go to the waiting list in its order, whoever commits first."""

from datetime import timedelta
from functools import partial

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from maillage.core.formatting import french_moment
from maillage.events import organising, services
from maillage.events.models import Event, Registration, RegistrationStatus
from maillage.events.waitlist import Waiting, offers, one_after_another
from tests.factories import EventFactory, VerifiedUserFactory
from tests.racing import run_together

pytestmark = pytest.mark.django_db(transaction=True)

S = RegistrationStatus
CLIENTS = 12


def outcome(result: object) -> str:
    if isinstance(result, services.RegistrationRefused):
        return f"refused: {result.message}"
    if isinstance(result, Exception):
        return f"error: {result!r}"
    return "ok"


def holding_seats(event: Event) -> int:
    """The seats the event's registrations hold, checked equal to its counter."""
    event.refresh_from_db()
    held = sum(Registration.objects.filter(event=event).holding().values_list("seats", flat=True))
    assert event.seats_taken == held
    return held


def queue_of(event: Event) -> list[Registration]:
    return list(Registration.objects.filter(event=event).waiting_in_order())


@pytest.fixture
def crowd(db):
    return [VerifiedUserFactory() for _ in range(CLIENTS)]


def test_many_people_for_the_last_seats_never_overbook(place, crowd):
    event = EventFactory(place=place, capacity=7, max_seats_per_registration=2)
    asked = [1 + n % 2 for n in range(CLIENTS)]  # 1, 2, 1, 2…: 18 seats asked for 7
    results = run_together(
        [
            partial(services.register, person, event, n)
            for person, n in zip(crowd, asked, strict=True)
        ]
    )
    assert {outcome(r) for r in results} == {"ok"}
    assert holding_seats(event) <= 7
    registered = Registration.objects.filter(event=event, status=S.REGISTERED)
    waiting = queue_of(event)
    assert registered.count() + len(waiting) == CLIENTS
    # Whoever waits could not have had the seats left when they asked: at most one seat is
    # left, and then only 2-seat entries wait.
    left = 7 - holding_seats(event)
    assert left <= 1
    assert all(entry.seats > left for entry in waiting)
    # The same registrations made one after another, in the order the database took them
    # (their ids, each written under the event's lock), end the same way: the race changed
    # who came first, never what each one got.
    in_order = Registration.objects.filter(event=event).order_by("pk").values_list("pk", "seats")
    taken = one_after_another(7, in_order)
    expected = {pk: S.REGISTERED if got else S.WAITING for pk, got in taken.items()}
    outcome_of = dict(Registration.objects.filter(event=event).values_list("pk", "status"))
    assert outcome_of == expected


def test_many_people_for_one_seat_without_a_waiting_list(place, crowd):
    event = EventFactory(place=place, capacity=3, has_waiting_list=False)
    results = run_together([partial(services.register, person, event, 1) for person in crowd])
    outcomes = sorted(outcome(r) for r in results)
    assert outcomes == ["ok"] * 3 + ["refused: Cet atelier est complet."] * (CLIENTS - 3)
    assert holding_seats(event) == 3


def test_one_person_registering_many_times_at_once_registers_once(place, crowd):
    event = EventFactory(place=place, capacity=5)
    results = run_together([partial(services.register, crowd[0], event, 1) for _ in range(6)])
    assert (
        sorted(outcome(r) for r in results)
        == ["ok"] + ["refused: Vous êtes déjà inscrit à cet atelier ou sur sa liste d'attente."] * 5
    )
    assert Registration.objects.filter(event=event, user=crowd[0]).count() == 1
    assert holding_seats(event) == 1


def test_cancellations_at_once_offer_seats_in_the_list_s_order(place, crowd):
    """Six people hold a seat each; six wait asking 2, 1, 1, 2, 1, 1 seats. Four
    cancel at once: each cancellation offers the seat it frees to the first entry it fits,
    whatever order they commit in, so the offers are those of four cancellations in a row."""
    now = timezone.now()
    event = EventFactory(place=place, capacity=6, max_seats_per_registration=2)
    holders = [services.register(p, event, 1, now=now) for p in crowd[:6]]
    asked = [2, 1, 1, 2, 1, 1]  # the crowd has twelve: six hold, six wait
    waiting = [
        services.register(p, event, n, now=now + timedelta(seconds=k))
        for k, (p, n) in enumerate(zip(crowd[6:], asked, strict=True))
    ]
    results = run_together([partial(services.cancel, h.user, h, now=now) for h in holders[:4]])
    assert {outcome(r) for r in results} == {"ok"}

    # The same four cancellations one after another, by the pure rule.
    queue = [Waiting(r.pk, r.seats) for r in waiting]
    expected: list[int] = []
    free = 0
    for _ in range(4):
        free += 1
        chosen = offers(free, queue)
        free -= sum(w.seats for w in queue if w.id in chosen)
        expected += chosen
        queue = [w for w in queue if w.id not in chosen]
    offered = set(
        Registration.objects.filter(event=event, status=S.OFFERED).values_list("pk", flat=True)
    )
    assert offered == set(expected)
    assert holding_seats(event) <= 6
    assert [r.pk for r in queue_of(event)] == [w.id for w in queue]


def test_an_accept_racing_the_expiry_sweep_is_decided_once(place, crowd):
    now = timezone.now()
    event = EventFactory(place=place, capacity=1, hold_hours=2)
    holder = services.register(crowd[0], event, 1, now=now)
    first = services.register(crowd[1], event, 1, now=now)
    second = services.register(crowd[2], event, 1, now=now + timedelta(seconds=1))
    services.cancel(crowd[0], holder, now=now)
    offer = Registration.objects.get(pk=first.pk)
    deadline = offer.offered_until
    assert deadline is not None

    accepted, lapsed = run_together(
        [
            partial(services.accept_offer, crowd[1], offer, now=deadline - timedelta(seconds=1)),
            partial(services.expire_offers, deadline + timedelta(seconds=1)),
        ]
    )
    first.refresh_from_db()
    second.refresh_from_db()
    if first.status == S.REGISTERED:  # the accept came first: nothing left to lapse
        assert outcome(accepted) == "ok" and lapsed == 0
        assert second.status == S.WAITING
    else:  # the sweep came first: the accept finds the offer lapsed
        assert first.status == S.LAPSED and lapsed == 1
        assert outcome(accepted).startswith("refused: Une inscription « proposition expirée »")
        assert second.status == S.OFFERED
    assert holding_seats(event) == 1


def test_a_capacity_raise_racing_registrations(place, crowd, staff_user):
    """Two seats, both held; three people wait. The organiser raises the capacity to 6 while
    seven more people register: the three who waited are offered seats whatever the order,
    and the capacity holds."""
    event = EventFactory(place=place, capacity=2)
    for person in crowd[:2]:
        services.register(person, event, 1)
    early = [services.register(person, event, 1) for person in crowd[2:5]]
    calls = [partial(services.change_capacity, staff_user, event, 6)]
    calls += [partial(services.register, person, event, 1) for person in crowd[5:]]
    results = run_together(calls)
    assert {outcome(r) for r in results} == {"ok"}
    assert holding_seats(event) == 6
    assert {Registration.objects.get(pk=r.pk).status for r in early} == {S.OFFERED}
    late = Registration.objects.filter(event=event, user__in=crowd[5:])
    assert late.holding().count() == 1
    assert late.filter(status=S.WAITING).count() == len(crowd[5:]) - 1


def test_a_deadline_moved_later_racing_newcomers(place, crowd, staff_user):
    """One seat freed after the deadline, two people waiting; the organiser moves the
    deadline later while four newcomers register: whatever the order (a newcomer before the
    move finds registration closed), the first waiting entry is offered the seat and no
    newcomer takes it."""
    now = timezone.now()
    event = EventFactory(place=place, capacity=2, registration_closes_at=now + timedelta(hours=1))
    holder, _other = (services.register(p, event, 1, now=now) for p in crowd[:2])
    waiting = [services.register(p, event, 1, now=now) for p in crowd[2:4]]
    after = now + timedelta(hours=2)
    services.cancel(crowd[0], holder, now=after)
    edited = Event.objects.get(pk=event.pk)
    edited.registration_closes_at = now + timedelta(days=2)
    calls = [partial(organising.save_event, staff_user, edited, now=after)]
    calls += [partial(services.register, person, event, 1, now=after) for person in crowd[4:8]]
    results = run_together(calls)
    assert outcome(results[0]) == "ok"
    closed = french_moment(event.registration_closes_at)
    assert {outcome(r) for r in results[1:]} <= {
        "ok",
        f"refused: Les inscriptions sont closes depuis {closed}.",
    }
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [S.OFFERED, S.WAITING]
    newcomers = Registration.objects.filter(event=event, user__in=crowd[4:8])
    assert set(newcomers.values_list("status", flat=True)) <= {S.WAITING}
    assert holding_seats(event) == 2


def test_the_database_itself_refuses_an_overbooking_between_transactions(place):
    """Without the services' condition, two concurrent `seats_taken + 2` of three seats: the
    CHECK event_seats_within_capacity refuses the second, on the row as the first left it."""
    event = EventFactory(place=place, capacity=3)

    def take_two() -> str:
        with transaction.atomic():
            Event.objects.filter(pk=event.pk).update(seats_taken=F("seats_taken") + 2)
        return "taken"

    results = run_together([take_two, take_two])
    assert sorted("refused" if isinstance(r, IntegrityError) else str(r) for r in results) == [
        "refused",
        "taken",
    ]
    event.refresh_from_db()
    assert event.seats_taken == 2
