from collections import Counter
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from shapely.geometry import Point, shape

from maillage.accounts.models import User
from maillage.booking.models import Booking, Channel
from maillage.demo.statements import DemoStatements
from maillage.places.models import Place, Space, today_in_paris
from maillage.programmes.models import ProgrammePlace
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys, categories):
    """A demo run (the eligibility categories seeded: a transactional test may have flushed
    them)."""
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
    assert User.objects.count() == 11


def test_demo_prints_working_logins(demo, client):
    lines = [line.split() for line in demo.splitlines() if "@exemple.test" in line]
    assert len(lines) == 11
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


def test_a_run_after_back_office_changes_succeeds_and_keeps_them(demo, capsys):
    """`make run` after a normal day of back-office work: places opened and closed, a space
    edited, a booking cancelled, a manager removed, a resident deactivated. The demo run
    succeeds (it used to raise IdempotencyKeyReused) and undoes none of it."""
    from datetime import timedelta

    from maillage.booking import services as booking_services
    from maillage.places import services as place_services

    staff = User.objects.get(email="agent.departement@exemple.test")
    preparing = list(Place.objects.filter(status="preparing"))
    assert preparing
    for place in preparing:
        place_services.update_place(
            staff, place, status="open", opening_date=today_in_paris() - timedelta(days=1)
        )
    managed = (
        Place.objects.filter(managers__isnull=False)
        .open(today_in_paris())
        .distinct()
        .order_by("pk")
    )
    closed = managed.first()
    place_services.update_place(staff, closed, status="closed")
    space = Space.objects.filter(place__in=managed, is_bookable=True).order_by("pk").last()
    space.name = "Salle renommée"
    space.is_bookable = False
    space.full_clean()
    space.save()
    booking = Booking.objects.filter(status="confirmed").order_by("pk").first()
    booking_services.cancel(
        staff, booking, "Fermeture exceptionnelle", tell=False, channel=Channel.PAGE
    )
    manager = User.objects.get(email="gestion.lea@exemple.test")
    place_services.set_managers(staff, manager.managed_places.first(), [])
    resident = User.objects.get(email="yanis.dupont@exemple.test")
    resident.is_active = False
    resident.save()
    before = list(Booking.objects.order_by("pk").values_list("pk", "status"))
    managers = sorted(Place.objects.values_list("slug", "managers__email"), key=str)

    call_command("demo")
    assert "0 lieux créés, 40 déjà présents." in capsys.readouterr().out

    assert not Place.objects.filter(status="preparing").exists()
    assert Place.objects.get(pk=closed.pk).status == "closed"
    space.refresh_from_db()
    assert (space.name, space.is_bookable) == ("Salle renommée", False)
    assert list(Booking.objects.order_by("pk").values_list("pk", "status")) == before
    assert sorted(Place.objects.values_list("slug", "managers__email"), key=str) == managers
    assert not User.objects.get(email="yanis.dupont@exemple.test").is_active


def test_a_run_when_no_booking_is_left_books_where_it_still_can(demo, capsys):
    """Every demo booking cancelled and every managed place closed but one: the run books
    again, at that place only, with no stale idempotency key."""
    from maillage.booking import services as booking_services
    from maillage.places import services as place_services

    staff = User.objects.get(email="agent.departement@exemple.test")
    # Cancelled by staff, whom no cancellation notice binds: a demo booking may start
    # within the next 24 hours, depending on when the suite runs.
    # (Last month's, checked in or absent, are on its statements: past, they stay.)
    for booking in ahead():
        booking_services.cancel(
            staff, booking, "Fermeture exceptionnelle", tell=False, channel=Channel.PAGE
        )
    managed = list(
        Place.objects.filter(managers__isnull=False)
        .open(today_in_paris())
        .distinct()
        .order_by("pk")
    )
    for place in managed[1:]:
        place_services.update_place(staff, place, status="closed")
    call_command("demo")
    capsys.readouterr()
    fresh = ahead()
    assert fresh.exists()
    assert {booking.space.place_id for booking in fresh} == {managed[0].pk}
    call_command("demo")  # and again: bookings are left, nothing more is booked
    assert ahead().count() == fresh.count()


def ahead():
    """The bookings holding a slot not over yet."""
    return Booking.objects.holding().filter(end__gt=timezone.now())


def test_a_run_after_the_demo_places_were_deleted_recreates_them(capsys, categories):
    # Booked places are never deleted (bookings keep their append-only history), nor places
    # holding events (their registrations' log): the places of a run that made neither are.
    with (
        mock.patch("maillage.demo.services._demo_bookings", return_value=0),
        mock.patch("maillage.demo.services.load_events", return_value=0),
        mock.patch(
            "maillage.demo.services.load_statements",
            return_value=DemoStatements(today_in_paris(), booked=0, statements=0),
        ),
    ):
        call_command("demo")
    assert not Booking.objects.exists()
    # A place that joined a programme is deleted once it has left it (PROTECT).
    ProgrammePlace.objects.all().delete()
    Place.objects.all().delete()
    capsys.readouterr()
    call_command("demo")
    assert "40 lieux créés, 0 déjà présents." in capsys.readouterr().out
    assert Booking.objects.exists()


def test_the_demo_has_someone_to_decide_statuses_and_programmes_for_their_spaces(demo):
    from django.contrib.auth.models import Group

    from maillage.eligibility.permissions import VERIFIERS_GROUP
    from maillage.programmes.models import Programme

    staff = User.objects.get(email="agent.departement@exemple.test")
    assert list(Group.objects.get(name=VERIFIERS_GROUP).user_set.all()) == [staff]
    telework = Programme.objects.get(kind="quota")
    assert sorted(telework.space_kinds) == ["desk", "private_office"]
    assert all(programme.space_kinds for programme in Programme.objects.all())
