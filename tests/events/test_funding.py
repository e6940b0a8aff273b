"""The pricing seam: without a funder the person pays the list price; a funder registered
quotes, commits its shares in the registration's transaction and releases them when the
registration stops holding seats."""

from dataclasses import dataclass, field

import pytest

from maillage.core.models import OutboundEmail
from maillage.events import funding, selectors, services
from maillage.events.models import Registration, RegistrationStatus
from tests.factories import EventFactory

S = RegistrationStatus


@dataclass
class HalfPaid:
    """A programme paying half of every registration, up to `budget` cents."""

    budget: int = 10_000
    committed: list[tuple[int, int]] = field(default_factory=list)
    released: list[int] = field(default_factory=list)

    def quote(self, request: funding.RegistrationQuoteRequest) -> funding.Quote:
        half = request.list_cents // 2
        if not half:
            return funding.Quote(request.list_cents, request.list_cents)
        share = funding.Share(1, "Tarif solidaire", half, "half", 1)
        return funding.Quote(request.list_cents, request.list_cents - half, (share,))

    def commit(self, registration, quote, actor) -> None:
        cents = sum(share.cents for share in quote.shares)
        if cents > self.budget:
            raise funding.FundingRefused("envelope", "l'enveloppe du dispositif est épuisée")
        self.budget -= cents
        self.committed.append((registration.pk, cents))

    def release(self, registration, *, late, actor) -> None:
        self.released.append(registration.pk)

    def reinstate(self, registration, actor) -> None:
        self.committed.append((registration.pk, 0))

    def shares(self, registration_ids, given_back):
        return {}


@pytest.fixture
def funder():
    """HalfPaid registered in place of the programmes' funder, put back after."""
    registered = funding._funder
    funder = HalfPaid()
    funding.register_funder(funder)
    yield funder
    funding.register_funder(registered)


@pytest.fixture
def no_funder():
    """No funder registered (the programmes' put back after)."""
    registered = funding._funder
    funding.register_funder(None)
    yield
    funding.register_funder(registered)


@pytest.mark.usefixtures("no_funder")
def test_without_a_funder_the_person_pays_the_list_price(event, booker):
    assert selectors.quote_for(booker, event, 2).person_cents == 2400
    registration = services.register(booker, event, 2)
    assert (registration.price_cents, registration.person_price_cents) == (2400, 2400)


def test_a_funder_s_share_is_committed_with_the_registration(event, booker, funder):
    assert selectors.quote_for(booker, event, 2).person_cents == 1200
    registration = services.register(booker, event, 2)
    assert (registration.price_cents, registration.person_price_cents) == (2400, 1200)
    assert funder.committed == [(registration.pk, 1200)]
    services.cancel(booker, registration)
    assert funder.released == [registration.pk]


def test_a_share_that_no_longer_holds_refuses_the_registration(event, booker, funder):
    funder.budget = 100
    with pytest.raises(services.RegistrationRefused) as refused:
        services.register(booker, event, 2)
    assert refused.value.field == "seats"
    assert refused.value.message == (
        "Le tarif réduit ne s'applique plus : l'enveloppe du dispositif est épuisée. "
        "Prix public : 24 € ; inscrivez-vous de nouveau pour l'accepter."
    )
    assert not Registration.objects.exists()
    assert not OutboundEmail.objects.exists()
    event.refresh_from_db()
    assert event.seats_taken == 0


def test_a_waiting_entry_is_funded_when_it_accepts_its_seats(event, people, funder):
    holder = services.register(people[0], event, 2)
    partial = services.register(people[1], event, 1)
    waiting = services.register(people[2], event, 1)
    assert waiting.status == S.WAITING
    assert [pk for pk, _ in funder.committed] == [holder.pk, partial.pk]
    services.cancel(people[0], holder)
    offer = Registration.objects.get(pk=waiting.pk)
    assert offer.status == S.OFFERED
    assert [pk for pk, _ in funder.committed] == [holder.pk, partial.pk]
    services.accept_offer(people[2], offer)
    assert funder.committed[-1] == (waiting.pk, 600)


def test_an_offer_declined_or_lapsed_releases_nothing(event, people, funder):
    holder = services.register(people[0], event, 2)
    services.register(people[1], event, 1)
    waiting = services.register(people[2], event, 1)
    services.cancel(people[0], holder)
    services.decline_offer(people[2], Registration.objects.get(pk=waiting.pk))
    assert funder.released == [holder.pk]


def test_declining_and_cancelling_the_event_release(place, people, manager, funder):
    event = EventFactory(place=place, capacity=3, needs_approval=True, price_cents=1000)
    first = services.register(people[0], event, 1)
    second = services.register(people[1], event, 1)
    services.decline(manager, first, "Complet")
    services.cancel_event(manager, event)
    assert funder.released == [first.pk, second.pk]


def test_a_free_event_has_no_share(place, booker, funder):
    event = EventFactory(place=place, price_cents=0)
    registration = services.register(booker, event, 1)
    assert (registration.price_cents, registration.person_price_cents) == (0, 0)
    assert funder.committed == []
