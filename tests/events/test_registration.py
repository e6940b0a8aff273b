"""Registering: registered, awaiting approval or on the waiting list; and every refusal, a
French message on its field with nothing written."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.core.models import OutboundEmail
from maillage.events import selectors, services
from maillage.events.models import (
    Event,
    EventLog,
    EventStatus,
    LogAction,
    Registration,
    RegistrationStatus,
)
from tests.factories import EventFactory, UserFactory
from tests.moments import paris

S = RegistrationStatus


def written(event: Event) -> tuple[int, int, int, int]:
    """What a refused request must leave as it was."""
    event.refresh_from_db()
    return (
        Registration.objects.count(),
        EventLog.objects.count(),
        OutboundEmail.objects.count(),
        event.seats_taken,
    )


def refused(call, field: str, message: str) -> None:
    with pytest.raises(services.RegistrationRefused) as caught:
        call()
    assert caught.value.field == field
    assert caught.value.message == message
    assert caught.value.message_dict == {field: [message]}


def test_free_seats_register_at_once_at_the_frozen_price(event, booker):
    registration = services.register(booker, event, 2)
    assert registration.status == S.REGISTERED
    assert (registration.price_cents, registration.person_price_cents) == (2400, 2400)
    event.refresh_from_db()
    assert event.seats_taken == 2
    log = EventLog.objects.get()
    assert (log.actor, log.action, log.from_status, log.to_status) == (
        booker,
        LogAction.STATUS,
        None,
        S.REGISTERED,
    )
    assert OutboundEmail.objects.get().context == {
        "kind": "registered",
        "registration": registration.pk,
    }
    # The price is frozen: the organiser's later change does not reach it.
    Event.objects.filter(pk=event.pk).update(price_cents=5000)
    registration.refresh_from_db()
    assert registration.price_cents == 2400


def test_an_event_needing_approval_holds_the_seats_awaiting_it(place, booker, manager):
    event = EventFactory(place=place, capacity=3, needs_approval=True)
    registration = services.register(booker, event, 1)
    assert registration.status == S.AWAITING_APPROVAL
    assert registration.get_status_display() == "En attente de l'accord de l'organisateur"
    event.refresh_from_db()
    assert event.seats_taken == 1
    kinds = sorted((e.address, e.context["kind"]) for e in OutboundEmail.objects.all())
    assert kinds == [(booker.email, "awaiting_approval"), (manager.email, "organiser_request")]


def test_a_full_event_puts_people_on_its_waiting_list_in_order(event, people):
    services.register(people[0], event, 2)
    services.register(people[1], event, 1)
    later = [services.register(person, event, 1) for person in people[2:]]
    assert [r.status for r in later] == [S.WAITING] * 3
    assert [selectors.waiting_rank(r) for r in later] == [1, 2, 3]
    assert [r.pk for r in selectors.waiting_list(event)] == [r.pk for r in later]
    assert selectors.waiting_rank(Registration.objects.get(user=people[0])) is None
    event.refresh_from_db()
    assert event.seats_taken == 3
    assert later[0].get_status_display() == "Sur la liste d'attente"


def test_asking_more_than_is_left_waits_when_the_event_has_a_list(event, people):
    services.register(people[0], event, 2)
    assert services.register(people[1], event, 2).status == S.WAITING
    # A smaller request still gets the seat left.
    assert services.register(people[2], event, 1).status == S.REGISTERED


def test_a_full_event_without_a_waiting_list_refuses(place, people):
    event = EventFactory(place=place, capacity=1, has_waiting_list=False)
    services.register(people[0], event, 1)
    before = written(event)
    refused(lambda: services.register(people[1], event, 1), "seats", "Cet atelier est complet.")
    assert written(event) == before


def test_more_seats_than_left_without_a_waiting_list_says_how_many(place, people):
    event = EventFactory(
        place=place, capacity=3, max_seats_per_registration=3, has_waiting_list=False
    )
    services.register(people[0], event, 2)
    before = written(event)
    refused(
        lambda: services.register(people[1], event, 2),
        "seats",
        "Il ne reste qu'une place : demandez-en moins.",
    )
    assert written(event) == before


def test_after_the_deadline_registration_is_closed(place, booker):
    start = paris(2026, 12, 10, 14, 0)
    event = EventFactory(
        place=place,
        start=start,
        end=start + timedelta(hours=2),
        registration_opens_at=paris(2026, 11, 1, 9, 0),
        registration_closes_at=paris(2026, 12, 8, 18, 30),
    )
    before = written(event)
    refused(
        lambda: services.register(booker, event, 1, now=paris(2026, 12, 8, 18, 30)),
        "event",
        "Les inscriptions sont closes depuis le 8 décembre 2026 à 18h30.",
    )
    assert written(event) == before
    assert services.register(booker, event, 1, now=paris(2026, 12, 8, 18, 29)).pk


def test_before_the_opening_registration_waits(place, booker):
    start = paris(2026, 12, 10, 14, 0)
    event = EventFactory(
        place=place,
        start=start,
        end=start + timedelta(hours=2),
        registration_opens_at=paris(2026, 12, 1, 9, 0),
        registration_closes_at=paris(2026, 12, 9, 12, 0),
    )
    refused(
        lambda: services.register(booker, event, 1, now=paris(2026, 11, 30, 9, 0)),
        "event",
        "Les inscriptions ouvrent le 1er décembre 2026 à 09h00.",
    )
    assert not Registration.objects.exists()


@pytest.mark.parametrize("status", [S.REGISTERED, S.WAITING])
def test_registering_twice_is_refused(event, people, status):
    if status == S.WAITING:
        services.register(people[1], event, 2)
        services.register(people[2], event, 1)
    first = services.register(people[0], event, 1)
    assert first.status == status
    before = written(event)
    refused(
        lambda: services.register(people[0], event, 1),
        "event",
        "Vous êtes déjà inscrit à cet atelier ou sur sa liste d'attente.",
    )
    assert written(event) == before


def test_after_a_cancellation_one_may_register_again(event, booker):
    first = services.register(booker, event, 1)
    services.cancel(booker, first)
    again = services.register(booker, event, 2)
    assert again.status == S.REGISTERED
    assert Registration.objects.filter(user=booker).count() == 2


@pytest.mark.parametrize("seats", [0, -1, 3, 1000, True, "1", 1.0, None])
def test_a_number_of_seats_out_of_the_rule_is_refused(event, booker, seats):
    before = written(event)
    refused(
        lambda: services.register(booker, event, seats),
        "seats",
        "Le nombre de places doit être entre 1 et 2 par inscription.",
    )
    assert written(event) == before


def test_one_seat_per_registration_is_said_so(place, booker):
    event = EventFactory(place=place, max_seats_per_registration=1)
    refused(
        lambda: services.register(booker, event, 2),
        "seats",
        "Une inscription est pour une seule place.",
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (EventStatus.DRAFT, "Cet atelier n'est pas publié."),
        (EventStatus.CANCELLED, "Cet atelier est annulé."),
    ],
)
def test_a_draft_or_cancelled_event_takes_no_registration(place, booker, status, message):
    event = EventFactory(place=place, status=status)
    refused(lambda: services.register(booker, event, 1), "event", message)
    assert not Registration.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "unverified", "inactive"])
def test_only_people_with_a_verified_address_register(event, who):
    actor = {
        "anonymous": AnonymousUser,
        "unverified": lambda: UserFactory(),
        "inactive": lambda: UserFactory(email_verified=True, is_active=False),
    }[who]()
    with pytest.raises(PermissionDenied, match="Confirmez votre adresse"):
        services.register(actor, event, 1)
    assert not Registration.objects.exists()


# The database's own rules, whatever code writes.


def test_the_database_refuses_a_second_active_registration(event, booker):
    services.register(booker, event, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=event, user=booker, seats=1, status=S.WAITING, waiting_since=timezone.now()
        )
    Registration.objects.create(event=event, user=booker, seats=1, status=S.CANCELLED)


def test_the_database_refuses_more_seats_taken_than_the_capacity(event):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(seats_taken=event.capacity + 1)


@pytest.mark.parametrize(
    "fields",
    [
        {"status": S.OFFERED, "waiting_since": timezone.now()},  # an offer without deadline
        {"status": S.REGISTERED, "offered_until": timezone.now()},  # a deadline without offer
        {"status": S.WAITING},  # waiting without its place in the list
        {"status": S.WAITING, "waiting_since": timezone.now(), "attended": True},
        {"status": S.REGISTERED, "seats": 0},
        {"status": S.REGISTERED, "price_cents": 100, "person_price_cents": 200},
        {"status": "unknown"},
    ],
)
def test_the_database_refuses_incoherent_registrations(event, booker, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(event=event, user=booker, **{"seats": 1, **fields})


def test_saving_an_event_read_earlier_keeps_the_seats_taken(event, booker):
    stale = Event.objects.get(pk=event.pk)
    services.register(booker, event, 2)
    stale.title = "Atelier renommé"
    stale.save()
    event.refresh_from_db()
    assert (event.title, event.seats_taken) == ("Atelier renommé", 2)
