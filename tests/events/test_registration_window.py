"""A published event's registration deadline moved (events.organising.save_event, through
events.services.registration_window_changed): moved later, the free seats go to the waiting
list before any newcomer; moved earlier, the offers out end at it. Offers too close to the
deadline to be used are not made, and a newcomer never takes seats a waiting entry fits.
Lowering the capacity never strands a waiting entry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from maillage.core import outbox
from maillage.core.formatting import french_moment
from maillage.core.models import OutboundEmail
from maillage.events import organising, services
from maillage.events.models import Event, EventLog, LogAction, Registration, RegistrationStatus
from maillage.events.waitlist import MIN_OFFER_HOLD
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

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


def move_deadline(manager, event: Event, closes_at, now) -> Event:
    """The organiser moves the deadline as the event's form does (the event as stored,
    one field changed)."""
    edited = Event.objects.get(pk=event.pk)
    edited.registration_closes_at = closes_at
    return organising.save_event(manager, edited, now=now)


def test_a_deadline_moved_later_offers_the_free_seats_before_any_newcomer(place, people, manager):
    """Capacity 2, A and B hold a seat, W waits; A cancels after the deadline (the seat
    stays free, nothing offered); the deadline is moved later: W is offered the seat at
    once, and a newcomer comes behind."""
    now = timezone.now()
    event = EventFactory(place=place, capacity=2, registration_closes_at=now + timedelta(hours=2))
    a, _b = (services.register(p, event, 1, now=now) for p in people[:2])
    w = services.register(people[2], event, 1, now=now)
    assert w.status == S.WAITING
    after = now + timedelta(hours=3)
    services.cancel(people[0], a, now=after)
    assert (fresh(w).status, seats_taken(event)) == (S.WAITING, 1)

    move_deadline(manager, event, now + timedelta(days=2), after)
    offer = fresh(w)
    assert (offer.status, offer.offered_until) == (S.OFFERED, after + timedelta(hours=24))
    assert seats_taken(event) == 2
    assert emails("offered") == [people[2].email]
    edit = EventLog.objects.get(event=event, action=LogAction.EDITED)
    assert (edit.actor, edit.detail) == (manager, "clôture des inscriptions")

    newcomer = services.register(people[3], event, 1, now=after)
    assert newcomer.status == S.WAITING


def test_a_deadline_moved_earlier_shortens_the_offers_out(place, people, manager):
    """An offer held 24 h; the deadline moved to 1 h from now: the offer ends then (logged
    as the organiser's, its person told), and accepting it at +2 h is refused."""
    now = timezone.now()
    event = EventFactory(place=place, capacity=1, hold_hours=24)
    holder = services.register(people[0], event, 1, now=now)
    waiting = services.register(people[1], event, 1, now=now)
    services.cancel(people[0], holder, now=now)
    assert fresh(waiting).offered_until == now + timedelta(hours=24)

    closes = now + timedelta(hours=1)
    move_deadline(manager, event, closes, now)
    offer = fresh(waiting)
    assert (offer.status, offer.offered_until) == (S.OFFERED, closes)
    log = EventLog.objects.get(action=LogAction.OFFER_SHORTENED)
    assert (log.registration, log.actor) == (offer, manager)
    assert "→" in log.detail
    assert emails("offer_shortened") == [people[1].email]
    assert "accept" in services.person_actions(offer, now)
    assert "accept" not in services.person_actions(offer, closes)

    with pytest.raises(services.RegistrationRefused, match="a pris fin") as refused:
        services.accept_offer(people[1], offer, now=now + timedelta(hours=2))
    assert refused.value.field == "status"
    assert fresh(waiting).status == S.LAPSED
    assert seats_taken(event) == 0  # registration is closed: nothing offered on


def test_the_shortened_offer_is_told_with_its_new_deadline(place, people, manager, mailoutbox):
    now = timezone.now()
    event = EventFactory(place=place, capacity=1, title="Exporter")
    holder = services.register(people[0], event, 1, now=now)
    services.register(people[1], event, 1, now=now)
    services.cancel(people[0], holder, now=now)
    closes = (timezone.localtime(now) + timedelta(hours=3)).replace(second=0, microsecond=0)
    move_deadline(manager, event, closes, now)
    mailoutbox.clear()
    outbox.deliver_due(now=timezone.now())
    [told] = [m for m in mailoutbox if "avancé" in m.subject]
    assert told.to == [people[1].email]
    assert told.subject == "Le délai pour confirmer vos places est avancé — Exporter"
    assert f"au plus tard {french_moment(closes)} (heure de Paris)" in told.body


def test_a_deadline_moved_into_the_past_lapses_the_offers_at_once(place, people, manager):
    now = timezone.now()
    event = EventFactory(place=place, capacity=1, registration_opens_at=now - timedelta(days=2))
    holder = services.register(people[0], event, 1, now=now)
    waiting = [services.register(p, event, 1, now=now) for p in people[1:3]]
    services.cancel(people[0], holder, now=now)
    move_deadline(manager, event, now - timedelta(minutes=1), now)
    assert [fresh(r).status for r in waiting] == [S.LAPSED, S.WAITING]
    assert seats_taken(event) == 0
    assert emails("lapsed") == [people[1].email]
    assert emails("offer_shortened") == []


def test_an_offer_is_never_accepted_after_registration_closes(place, people):
    """Even an offer whose own end is later (a row written before the rule) ends with
    registration."""
    now = timezone.now()
    event = EventFactory(place=place, capacity=1)
    holder = services.register(people[0], event, 1, now=now)
    waiting = services.register(people[1], event, 1, now=now)
    services.cancel(people[0], holder, now=now)
    Registration.objects.filter(pk=waiting.pk).update(offered_until=event.end)
    closed = event.registration_closes_at + timedelta(minutes=1)
    assert "accept" not in services.person_actions(fresh(waiting), closed)
    with pytest.raises(services.RegistrationRefused, match="a pris fin"):
        services.accept_offer(people[1], fresh(waiting), now=closed)
    assert fresh(waiting).status == S.LAPSED


def test_a_new_hold_applies_to_the_next_offers_only(place, people, manager):
    now = timezone.now()
    event = EventFactory(place=place, capacity=2, hold_hours=24)
    holders = [services.register(p, event, 1, now=now) for p in people[:2]]
    waiting = [services.register(p, event, 1, now=now) for p in people[2:4]]
    services.cancel(people[0], holders[0], now=now)
    edited = Event.objects.get(pk=event.pk)
    edited.hold_hours = 2
    organising.save_event(manager, edited, now=now)
    assert fresh(waiting[0]).offered_until == now + timedelta(hours=24)
    services.cancel(people[1], holders[1], now=now)
    assert fresh(waiting[1]).offered_until == now + timedelta(hours=2)


def test_no_offer_too_close_to_the_deadline_and_no_newcomer_takes_the_seat(place, people):
    """Less than MIN_OFFER_HOLD before the deadline, a freed seat is offered to no one: it
    stays free, and a newcomer waits behind the entry it fits."""
    now = timezone.now()
    closes = now + MIN_OFFER_HOLD - timedelta(minutes=1)
    event = EventFactory(place=place, capacity=1, registration_closes_at=closes)
    holder = services.register(people[0], event, 1, now=now)
    waiting = services.register(people[1], event, 1, now=now)
    services.cancel(people[0], holder, now=now)
    assert (fresh(waiting).status, seats_taken(event)) == (S.WAITING, 0)
    assert emails("offered") == []
    newcomer = services.register(people[2], event, 1, now=now)
    assert newcomer.status == S.WAITING
    assert seats_taken(event) == 0


def test_a_newcomer_takes_what_the_waiting_entries_leave(place, people):
    """Three seats free an hour before the deadline, a 2-seat entry waiting: a newcomer
    asking 2 waits behind it, one asking 1 takes the seat it does not need."""
    now = timezone.now()
    event = EventFactory(
        place=place,
        capacity=3,
        max_seats_per_registration=3,
        registration_closes_at=now + timedelta(minutes=30),
    )
    holder = services.register(people[0], event, 3, now=now)
    services.register(people[1], event, 2, now=now)
    services.cancel(people[0], holder, now=now)
    assert seats_taken(event) == 0
    assert services.register(people[2], event, 2, now=now).status == S.WAITING
    assert services.register(people[3], event, 1, now=now).status == S.REGISTERED
    assert seats_taken(event) == 1


def test_without_a_waiting_list_a_newcomer_takes_the_free_seats(place, people):
    now = timezone.now()
    event = EventFactory(place=place, capacity=2, has_waiting_list=False)
    services.register(people[0], event, 1, now=now)
    assert services.register(people[1], event, 1, now=now).status == S.REGISTERED
    with pytest.raises(services.RegistrationRefused, match="Cet atelier est complet."):
        services.register(people[2], event, 1, now=now)


def test_the_capacity_never_drops_below_a_waiting_entry_s_seats(place, people, manager):
    """Two seats held of four, two entries waiting for 3 seats each: 2 seats would leave
    them on the list forever. Once the organiser cancelled them, the drop is allowed."""
    event = EventFactory(place=place, capacity=4, max_seats_per_registration=3)
    services.register(people[0], event, 2)
    big = [services.register(p, event, 3) for p in people[1:3]]
    assert {r.status for r in big} == {S.WAITING}
    with pytest.raises(services.RegistrationRefused) as refused:
        services.change_capacity(manager, event, 2)
    assert refused.value.field == "capacity"
    assert refused.value.message == (
        "2 inscriptions de la liste d'attente demandent plus de 2 places : annulez-les "
        "d'abord (avec un motif pour ces personnes), ou gardez plus de places."
    )
    event.refresh_from_db()
    assert event.capacity == 4
    for registration in big:
        services.cancel(manager, registration, "Trop de places demandées")
    lowered = services.change_capacity(manager, event, 2)
    assert (lowered.capacity, lowered.max_seats_per_registration) == (2, 2)


def test_one_entry_too_big_is_named_in_the_singular(place, people):
    event = EventFactory(place=place, capacity=4, max_seats_per_registration=3)
    services.register(people[0], event, 2)
    services.register(people[1], event, 3)
    event.refresh_from_db()
    refusal = services.capacity_refusal(event, 2)
    assert refusal is not None
    assert refusal.message.startswith(
        "Une inscription de la liste d'attente demande plus de 2 places : "
    )
    assert services.capacity_refusal(event, 3) is None
