"""A closure may not fall on bookings: booking's rule, registered into places.services, so that
every path that saves closures (the back-office, the service) applies it and places imports
nothing of booking (tests/config/test_layers.py)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.booking.closures import stranded_bookings
from maillage.booking.models import Booking
from maillage.core.dates import long_date
from maillage.places import services
from maillage.places.models import Closure, Space, today_in_paris

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def book(space, person, day: date, hour: int, status: str = "confirmed") -> Booking:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)
    end = start + timedelta(hours=2)
    return Booking.objects.create(
        space=space,
        user=person,
        start=start,
        end=end,
        blocked_start=start,
        blocked_end=end,
        person_price_cents=0,
        exclusive=True,
        status=status,
        # A request has its deadline (booking_pending_has_deadline).
        pending_until=start if status == "pending" else None,
    )


@pytest.fixture
def room(place):
    return Space.objects.create(place=place, name="Salle", kind="meeting_room", capacity=8)


@pytest.fixture
def soon():
    return today_in_paris() + timedelta(days=10)


def test_booking_registers_its_guard_when_ready():
    assert stranded_bookings in services._closure_guards


def test_the_service_refuses_a_closure_over_bookings_and_names_them(
    manager, place, room, resident, soon
):
    book(room, resident, soon, 9)
    book(room, resident, soon + timedelta(days=1), 14, status="pending")
    book(room, resident, soon + timedelta(days=5), 9)  # after the closure
    with pytest.raises(ValidationError) as error:
        services.add_closure(
            manager, place, start_date=soon, end_date=soon + timedelta(days=2), reason="Travaux"
        )
    assert error.value.message_dict["end_date"] == [
        f"2 réservations sont prévues pendant cette fermeture (la première le "
        f"{long_date(soon)} à 09h00) : annulez-les d'abord, avec un motif, dans la gestion "
        "des réservations."
    ]
    assert not Closure.objects.exists()


def test_cancelled_bookings_and_other_places_do_not_hold_a_closure(
    manager, place, other_place, room, resident, soon
):
    book(room, resident, soon, 9, status="cancelled")
    elsewhere = Space.objects.create(
        place=other_place, name="Bureau", kind="private_office", capacity=2
    )
    book(elsewhere, resident, soon, 9)
    closure = services.add_closure(
        manager, place, start_date=soon, end_date=soon, reason="Inventaire"
    )
    assert Closure.objects.get() == closure


def test_a_closure_whose_reason_only_changes_is_not_judged_again(
    manager, place, room, resident, soon
):
    closure = services.add_closure(
        manager, place, start_date=soon, end_date=soon, reason="Inventaire"
    )
    book(room, resident, soon, 9)  # written past the rules, as an import would
    closure.reason = "Inventaire annuel"
    services.save_closures(manager, place, saved=[closure])
    assert Closure.objects.get().reason == "Inventaire annuel"
    closure.end_date = soon + timedelta(days=1)
    with pytest.raises(ValidationError, match="Une réservation est prévue"):
        services.save_closures(manager, place, saved=[closure])
    assert Closure.objects.get().end_date == soon


def test_closures_saved_together_are_judged_together(manager, place, soon):
    first = services.add_closure(
        manager, place, start_date=soon, end_date=soon + timedelta(days=2), reason="Travaux"
    )
    # Moving the first closure away frees its days for a new one, in one edit.
    first.start_date = first.end_date = soon + timedelta(days=20)
    new = Closure(place=place, start_date=soon, end_date=soon + timedelta(days=1), reason="Fête")
    services.save_closures(manager, place, saved=[first, new])
    assert sorted(Closure.objects.values_list("reason", flat=True)) == ["Fête", "Travaux"]
    with pytest.raises(ValidationError, match="chevauche"):
        services.add_closure(manager, place, start_date=soon, end_date=soon, reason="Autre")


def test_the_back_office_saves_closures_through_the_service(
    client, staff_user, place, monkeypatch, soon
):
    """A guard registered into places.services judges the back-office's closures too."""
    monkeypatch.setattr(services, "_closure_guards", [])
    services.register_closure_guard(lambda place, closure: f"Refusé par la règle ({place.name}).")
    services.register_closure_guard(services._closure_guards[0])  # registered once
    assert len(services._closure_guards) == 1
    client.force_login(staff_user)
    data = {
        "name": place.name,
        "slug": place.slug,
        "status": place.status,
        "opening_date": place.opening_date.isoformat(),
        "address": place.address,
        "postal_code": place.postal_code,
        "commune": str(place.commune_id),
        "latitude": str(place.latitude),
        "longitude": str(place.longitude),
        "broadband_technology": place.broadband_technology,
        "approval_delay_hours": str(place.approval_delay_hours),
        "cancellation_notice_hours": str(place.cancellation_notice_hours),
        "closures-0-start_date": soon.isoformat(),
        "closures-0-end_date": soon.isoformat(),
        "closures-0-reason": "Inventaire",
    }
    for prefix, total in (("spaces", 0), ("opening_hours", 0), ("closures", 1), ("photos", 0)):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(total),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    url = reverse("admin:places_place_change", args=[place.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert f"Refusé par la règle ({place.name})." in response.content.decode()
    assert not Closure.objects.exists()
    monkeypatch.setattr(services, "_closure_guards", [])
    assert client.post(url, data).status_code == 302
    assert Closure.objects.get().reason == "Inventaire"
