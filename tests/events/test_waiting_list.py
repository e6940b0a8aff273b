"""The waiting list: freed seats offered in order to the entries they fit, held for a time,
accepted, declined, lapsed; leaving the list; the person's rights over their registration."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from maillage.core.models import OutboundEmail
from maillage.events import selectors, services
from maillage.events.models import Event, EventLog, Registration, RegistrationStatus
from maillage.events.presentation import state_of
from tests.factories import EventFactory, VerifiedUserFactory

S = RegistrationStatus


def fresh(registration: Registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


def seats_taken(event: Event) -> int:
    event.refresh_from_db()
    held = Registration.objects.filter(event=event).holding()
    assert event.seats_taken == sum(held.values_list("seats", flat=True))
    return event.seats_taken


def emails(kind: str) -> list[str]:
    return sorted(e.address for e in OutboundEmail.objects.all() if e.context["kind"] == kind)


@pytest.fixture
def full(place):
    """A full event of 4 seats (two people holding 2 each), 2 per registration, and a
    waiting list: 2 seats, 1 seat, 2 seats, 1 seat."""
    event = EventFactory(place=place, capacity=4, max_seats_per_registration=2, hold_hours=12)
    holders = [services.register(VerifiedUserFactory(), event, 2) for _ in range(2)]
    waiting = [services.register(VerifiedUserFactory(), event, n) for n in (2, 1, 2, 1)]
    assert [r.status for r in waiting] == [S.WAITING] * 4
    return event, holders, waiting


def test_freed_seats_go_to_the_first_entry_they_fit(full):
    event, holders, waiting = full
    now = timezone.now()
    services.cancel(holders[0].user, holders[0], now=now)
    assert [fresh(r).status for r in waiting] == [S.OFFERED, S.WAITING, S.WAITING, S.WAITING]
    offer = fresh(waiting[0])
    assert offer.offered_until == now + timedelta(hours=12)
    assert seats_taken(event) == 4
    assert emails("offered") == [waiting[0].user.email]
    log = EventLog.objects.filter(registration=offer).last()
    assert (log.actor, log.from_status, log.to_status) == (None, S.WAITING, S.OFFERED)


def test_an_entry_too_big_keeps_its_rank_while_a_smaller_one_gets_the_seat(place, people):
    event = EventFactory(place=place, capacity=2, max_seats_per_registration=2)
    holders = [services.register(person, event, 1) for person in people[:2]]
    big = services.register(people[2], event, 2)
    small = services.register(people[3], event, 1)
    services.cancel(people[0], holders[0])
    assert (fresh(big).status, fresh(small).status) == (S.WAITING, S.OFFERED)
    assert selectors.waiting_rank(fresh(big)) == 1
    # The next seat freed: the big entry still does not fit (1 free), nobody else waits.
    services.cancel(people[1], holders[1])
    assert fresh(big).status == S.WAITING
    assert seats_taken(event) == 1
    # The small entry declines: 2 free, the big entry's turn at last.
    services.decline_offer(people[3], fresh(small))
    assert fresh(big).status == S.OFFERED
    assert seats_taken(event) == 2


def test_accepting_an_offer_registers_at_the_price_quoted_then(full):
    event, holders, waiting = full
    services.cancel(holders[0].user, holders[0])
    Event.objects.filter(pk=event.pk).update(price_cents=700)
    accepted = services.accept_offer(waiting[0].user, fresh(waiting[0]))
    assert accepted.status == S.REGISTERED
    assert accepted.offered_until is None
    assert (accepted.price_cents, accepted.person_price_cents) == (1400, 1400)
    assert seats_taken(event) == 4
    assert emails("registered").count(waiting[0].user.email) == 1


def test_accepting_an_offer_to_an_event_needing_approval_awaits_it(place, people):
    event = EventFactory(place=place, capacity=1, needs_approval=True)
    first = services.register(people[0], event, 1)
    second = services.register(people[1], event, 1)
    services.cancel(people[0], first)
    accepted = services.accept_offer(people[1], fresh(second))
    assert accepted.status == S.AWAITING_APPROVAL


def test_an_offer_accepted_too_late_lapses_and_goes_to_the_next(full):
    event, holders, waiting = full
    now = timezone.now()
    services.cancel(holders[0].user, holders[0], now=now)
    late = now + timedelta(hours=12)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.accept_offer(waiting[0].user, fresh(waiting[0]), now=late)
    assert refused.value.field == "status"
    assert "Le délai pour confirmer ces places a pris fin le " in refused.value.message
    # The lapse is kept, whatever the refusal: the seats went on to the next entries.
    assert fresh(waiting[0]).status == S.LAPSED
    assert [fresh(r).status for r in waiting[1:]] == [S.OFFERED, S.WAITING, S.OFFERED]
    assert fresh(waiting[1]).offered_until == late + timedelta(hours=12)
    assert seats_taken(event) == 4
    assert emails("lapsed") == [waiting[0].user.email]


def test_the_sweep_lapses_offers_past_their_deadline_and_offers_on(full):
    event, holders, waiting = full
    now = timezone.now()
    services.cancel(holders[0].user, holders[0], now=now)
    assert services.expire_offers(now + timedelta(hours=11)) == 0
    assert fresh(waiting[0]).status == S.OFFERED
    assert services.expire_offers(now + timedelta(hours=12)) == 1
    assert [fresh(r).status for r in waiting] == [S.LAPSED, S.OFFERED, S.WAITING, S.OFFERED]
    assert seats_taken(event) == 4
    assert services.expire_offers(now + timedelta(hours=12)) == 0


def test_one_event_failing_does_not_stop_the_sweep(full, place, monkeypatch, caplog):
    event, holders, waiting = full
    other = EventFactory(place=place, capacity=1)
    first = services.register(VerifiedUserFactory(), other, 1)
    next_in_line = services.register(VerifiedUserFactory(), other, 1)
    now = timezone.now()
    services.cancel(holders[0].user, holders[0], now=now)
    services.cancel(first.user, first, now=now)
    offer_free_seats = services._offer_free_seats

    def failing_for_the_first(event, now):
        if event.pk == full[0].pk:
            raise RuntimeError("boom")
        return offer_free_seats(event, now)

    monkeypatch.setattr(services, "_offer_free_seats", failing_for_the_first)
    assert services.expire_offers(now + timedelta(days=1)) == 1
    assert fresh(waiting[0]).status == S.OFFERED  # its event's transaction rolled back
    assert fresh(next_in_line).status == S.LAPSED
    assert f"offers of event {event.pk} not expired" in caplog.text


def test_the_hold_ends_at_the_registration_deadline(place, people):
    now = timezone.now()
    event = EventFactory(
        place=place, capacity=1, hold_hours=24, registration_closes_at=now + timedelta(hours=5)
    )
    first = services.register(people[0], event, 1, now=now)
    second = services.register(people[1], event, 1, now=now)
    services.cancel(people[0], first, now=now)
    assert fresh(second).offered_until == event.registration_closes_at


def test_no_offer_once_registration_is_closed(place, people):
    now = timezone.now()
    event = EventFactory(place=place, capacity=1, registration_closes_at=now + timedelta(hours=1))
    first = services.register(people[0], event, 1, now=now)
    second = services.register(people[1], event, 1, now=now)
    services.cancel(people[0], first, now=now + timedelta(hours=2))
    assert fresh(second).status == S.WAITING
    assert seats_taken(event) == 0
    assert services.expire_offers(now + timedelta(hours=3)) == 0


def test_leaving_the_waiting_list_moves_the_others_up(full):
    event, holders, waiting = full
    assert [selectors.waiting_rank(r) for r in waiting] == [1, 2, 3, 4]
    left = services.leave_waiting_list(waiting[1].user, waiting[1])
    assert left.status == S.CANCELLED
    assert [selectors.waiting_rank(fresh(r)) for r in waiting] == [1, None, 2, 3]
    assert emails("left") == [waiting[1].user.email]
    assert seats_taken(event) == 4


def test_declining_an_offer_passes_it_on(full):
    event, holders, waiting = full
    services.cancel(holders[0].user, holders[0])
    declined = services.decline_offer(waiting[0].user, fresh(waiting[0]))
    assert declined.status == S.CANCELLED
    assert [fresh(r).status for r in waiting[1:]] == [S.OFFERED, S.WAITING, S.OFFERED]
    assert seats_taken(event) == 4


@pytest.mark.parametrize(
    ("service", "message"),
    [
        (
            services.leave_waiting_list,
            "Une inscription « inscription confirmée » ne permet pas de quitter la liste "
            "d'attente.",
        ),
        (
            services.accept_offer,
            "Une inscription « inscription confirmée » ne permet pas de confirmer des places.",
        ),
        (
            services.decline_offer,
            "Une inscription « inscription confirmée » ne permet pas de refuser des places.",
        ),
    ],
)
def test_a_registration_in_another_status_is_refused(event, booker, service, message):
    registration = services.register(booker, event, 1)
    with pytest.raises(services.RegistrationRefused) as refused:
        service(booker, registration)
    assert (refused.value.field, refused.value.message) == ("status", message)
    assert fresh(registration).status == S.REGISTERED


@pytest.mark.parametrize(
    "service",
    [services.cancel, services.leave_waiting_list, services.accept_offer, services.decline_offer],
)
def test_no_one_touches_someone_else_s_registration(event, booker, other_booker, service):
    registration = services.register(booker, event, 1)
    with pytest.raises(PermissionDenied):
        service(other_booker, registration)
    assert fresh(registration).status == S.REGISTERED


def test_a_person_cancels_until_the_start_only(event, booker):
    registration = services.register(booker, event, 1)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.cancel(booker, registration, now=event.start)
    assert refused.value.field == "event"
    assert services.cancel(booker, registration, now=event.start - timedelta(minutes=1)).status
    assert fresh(registration).status == S.CANCELLED
    with pytest.raises(services.RegistrationRefused) as again:
        services.cancel(booker, registration)
    assert again.value.message == "Une inscription « annulée » ne permet pas de l'annuler."


def test_what_a_person_may_do_follows_the_status(full):
    event, holders, waiting = full
    now = timezone.now()
    assert services.person_actions(holders[0], now) == {"cancel"}
    assert services.person_actions(waiting[0], now) == {"leave"}
    services.cancel(holders[0].user, holders[0], now=now)
    offer = fresh(waiting[0])
    assert services.person_actions(offer, now) == {"accept", "decline_offer"}
    # Past its deadline the offer reads as lapsed, before the sweep: nothing to do.
    assert services.person_actions(offer, offer.offered_until) == set()
    assert state_of(offer, now).label.startswith("2 places proposées : confirmez avant")
    lapsed = state_of(offer, offer.offered_until)
    assert (lapsed.code, lapsed.label, lapsed.actions) == (
        "lapsed",
        "Proposition expirée : les places ne vous sont plus réservées",
        frozenset(),
    )
    assert services.person_actions(fresh(holders[0]), now) == set()
    assert services.person_actions(fresh(holders[1]), event.start) == set()
