"""The events tests' own fixtures."""

import pytest

from maillage.events.notifications import EVENT_PAGE
from tests.factories import EventFactory, VerifiedUserFactory


@pytest.fixture(autouse=True)
def _event_page_registered():
    """Emails link to the event's public page, which the public site registers; until it
    does (the page is built on another branch), a stand-in path."""
    if EVENT_PAGE._path is None:
        EVENT_PAGE.register(lambda pk: f"/ateliers/{pk}/")


@pytest.fixture
def event(place):
    """A published workshop at `place` (organised by the place) a week ahead: 3 seats, 2 at
    most per registration, 12 € a seat, with a waiting list."""
    return EventFactory(place=place, capacity=3, max_seats_per_registration=2, price_cents=1200)


@pytest.fixture
def people(db):
    """Five residents who can register."""
    return [VerifiedUserFactory() for _ in range(5)]
