"""Events for the events' page tests (tests.factories.EventFactory with the pages' dates)."""

from datetime import timedelta

from maillage.events.models import Event
from tests.factories import EventFactory
from tests.moments import NOW, paris


def make_event(place, *, start=None, hours=2, **fields) -> Event:
    """A published event in `place`, a week after tests.moments.NOW at 18:00 (Paris) by
    default, `hours` long, registration open from a day before NOW until it starts."""
    start = start or paris(2026, 12, 8, 18, 0)
    values = {
        "title": "Atelier export",
        "registration_opens_at": NOW - timedelta(days=1),
        "registration_closes_at": start,
        **fields,
    }
    return EventFactory(place=place, start=start, end=start + timedelta(hours=hours), **values)
