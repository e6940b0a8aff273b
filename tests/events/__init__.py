"""Events for the events' page tests, written straight to the database (their rules are
events.organising's, tested on their own)."""

from datetime import timedelta

from maillage.events.models import Event
from tests.factories import StaffFactory
from tests.moments import NOW, paris


def make_event(place, *, start=None, hours=2, **fields) -> Event:
    """A published event in `place`, a week after tests.moments.NOW at 18:00 (Paris) by
    default, `hours` long, registration open from a day before NOW until it starts."""
    start = start or paris(2026, 12, 8, 18, 0)
    values = {
        "title": "Atelier export",
        "capacity": 10,
        "status": "published",
        "registration_opens_at": NOW - timedelta(days=1),
        "registration_closes_at": start,
        **fields,
    }
    if "created_by" not in values:
        values["created_by"] = StaffFactory()
    return Event.objects.create(
        place=place, start=start, end=start + timedelta(hours=hours), **values
    )
