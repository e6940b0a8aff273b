from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from maillage.core import outbox
from maillage.places.models import OpeningHours, Space
from tests.factories import make_place

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


# A Tuesday morning, in the demo's horizon.
NOW = paris(2026, 12, 1, 8, 0)


@pytest.fixture
def bookable_place(commune):
    place = make_place(commune, slug="la-ruche")
    OpeningHours.objects.bulk_create(
        OpeningHours(place=place, weekday=day, opens=time(8), closes=time(20)) for day in range(7)
    )
    return place


@pytest.fixture
def room(bookable_place):
    return Space.objects.create(
        place=bookable_place,
        name="Salle Seine",
        kind="meeting_room",
        capacity=8,
        price_hour_cents=2500,
        price_half_day_cents=8000,
        price_day_cents=15000,
        max_duration_minutes=480,
        max_advance_days=None,
    )


@pytest.fixture
def desks(bookable_place):
    return Space.objects.create(
        place=bookable_place,
        name="Open space",
        kind="desk",
        capacity=5,
        price_hour_cents=400,
        price_day_cents=2000,
        max_advance_days=None,
    )


@pytest.fixture
def booker(django_user_model):
    return django_user_model.objects.create_user(
        "camille@exemple.test", "motdepasse-camille-1", email_verified=True
    )


@pytest.fixture
def other_booker(django_user_model):
    return django_user_model.objects.create_user(
        "yanis@exemple.test", "motdepasse-yanis-1", email_verified=True
    )


@pytest.fixture
def place_manager(django_user_model, bookable_place):
    user = django_user_model.objects.create_user(
        "gestion@ruche.test", "motdepasse-gestion-1", email_verified=True
    )
    bookable_place.managers.add(user)
    return user


@pytest.fixture
def mailed():
    """Run a service call, then deliver the emails it queued (as the worker does)."""

    def run(call):
        result = call()
        outbox.deliver_due()
        return result

    return run
