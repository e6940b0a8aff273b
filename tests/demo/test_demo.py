from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from shapely.geometry import Point, shape

from maillage.accounts.models import User
from maillage.booking.models import Booking
from maillage.places.models import Place, Space
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys):
    call_command("demo")
    return capsys.readouterr().out


def test_demo_network(demo):
    places = Place.objects.all()
    assert places.count() == 40
    assert all(place.is_fictional for place in places)
    statuses = Counter(places.values_list("status", flat=True))
    assert statuses["project"] >= 2 and statuses["preparing"] >= 2 and statuses["open"] >= 30
    communes = Commune.objects.of_departement("92")
    assert communes.exclude(places__isnull=False).count() >= 5  # some communes have none
    for place in places.select_related("commune"):
        assert shape(place.commune.geometry).contains(Point(place.longitude, place.latitude))
        place.full_clean()
        assert 2 <= place.spaces.count() <= 6
        assert place.opening_hours.exists()
    assert Space.objects.filter(kind="desk").count() == 40


def test_demo_is_deterministic_and_idempotent(demo, capsys):
    first = list(Place.objects.order_by("slug").values_list("slug", "latitude", "longitude"))
    spaces = Space.objects.count()
    bookings = Booking.objects.count()
    assert bookings >= 10
    assert Booking.objects.filter(status="pending").exists()  # places validating their bookings
    call_command("demo")
    out = capsys.readouterr().out
    assert "0 lieux créés, 40 déjà présents." in out
    assert (
        list(Place.objects.order_by("slug").values_list("slug", "latitude", "longitude")) == first
    )
    assert Space.objects.count() == spaces
    assert Booking.objects.count() == bookings
    assert User.objects.count() == 8


def test_demo_prints_working_logins(demo, client):
    lines = [line.split() for line in demo.splitlines() if "@exemple.test" in line]
    assert len(lines) == 8
    staff_line = next(line for line in lines if line[-2].startswith("agent."))
    response = client.post(
        reverse("admin:login"), {"username": staff_line[-2], "password": staff_line[-1]}
    )
    assert response.status_code == 302
    assert User.objects.get(email=staff_line[-2]).is_departement_staff
    managers = User.objects.filter(managed_places__isnull=False).distinct()
    assert managers.count() == 4


def test_demo_needs_the_territory():
    Place.objects.all().delete()
    Commune.objects.all().delete()
    with pytest.raises(Exception, match="load_territory"):
        call_command("demo")
