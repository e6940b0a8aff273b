"""The database reads a closing time of 00:00 as midnight, the day's end, and still refuses
a range closing before it opens (both databases)."""

from datetime import time

import pytest
from django.db import IntegrityError, transaction

from maillage.places.models import OpeningHours

pytestmark = pytest.mark.django_db


def test_the_database_takes_midnight_and_refuses_a_range_inside_out(place):
    OpeningHours.objects.create(place=place, weekday=0, opens=time(20), closes=time(0))
    OpeningHours.objects.create(place=place, weekday=1, opens=time(0), closes=time(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(place=place, weekday=2, opens=time(18), closes=time(9))
    assert [str(h) for h in OpeningHours.objects.filter(place=place)] == [
        "Lundi 20:00–24:00",
        "Mardi 00:00–24:00",
    ]
