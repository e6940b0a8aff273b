import pytest

from maillage.events import services
from maillage.events.models import RegistrationStatus
from tests.factories import EventFactory, RegistrationFactory, VerifiedUserFactory


def test_register_then_waiting_then_offer(place, mailed):
    event = EventFactory(place=place, capacity=2, max_seats_per_registration=2)
    first = RegistrationFactory(event=event, seats=2)
    second = mailed(lambda: RegistrationFactory(event=event, seats=1))
    assert first.status == RegistrationStatus.REGISTERED
    assert second.status == RegistrationStatus.WAITING
    mailed(lambda: services.cancel(first.user, first))
    second.refresh_from_db()
    assert second.status == RegistrationStatus.OFFERED
    accepted = mailed(lambda: services.accept_offer(second.user, second))
    assert accepted.status == RegistrationStatus.REGISTERED
    event.refresh_from_db()
    assert event.seats_taken == 1
    with pytest.raises(services.RegistrationRefused) as refused:
        services.register(second.user, event, 1)
    assert refused.value.field == "event"
    other = VerifiedUserFactory()
    with pytest.raises(services.RegistrationRefused) as refused:
        services.register(other, event, 3)
    assert refused.value.field == "seats"
