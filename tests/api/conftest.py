import json
from datetime import date, timedelta

import pytest
from django.test import Client

from maillage.api.models import ApiToken
from tests.booking.conftest import (  # noqa: F401 (fixtures)
    bookable_place,
    booker,
    desks,
    other_booker,
    paris,
    place_manager,
    room,
)


def tuesday_ahead(weeks: int = 2) -> date:
    """A Tuesday at least `weeks` weeks from today: a whole week in the future, bookable."""
    day = date.today() + timedelta(weeks=weeks)
    return day + timedelta(days=(1 - day.weekday()) % 7)


DAY = tuesday_ahead()


def at(day: date, hour: int, minute: int = 0) -> str:
    """An instant of a Paris day, as the API writes it (ISO 8601 with the offset)."""
    return paris(day.year, day.month, day.day, hour, minute).isoformat()


@pytest.fixture
def api(booker):  # noqa: F811
    _, key = ApiToken.issue(booker, "Appli test")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")

    def post(path, body, **headers):
        return client.post(path, json.dumps(body), content_type="application/json", **headers)

    client.post_json = post
    client.key = key
    return client
