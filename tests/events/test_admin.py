"""The back-office of events: staff only; a capacity or a cancellation saved there goes through
the registrations' rules (the waiting list offered, the registrants told); registrations are
read only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.events import services
from maillage.events.models import Event, EventStatus, Registration, RegistrationStatus
from tests.factories import EventFactory

S = RegistrationStatus


def event_form(event: Event, **changes) -> dict:
    def split(name: str) -> dict:
        local = timezone.localtime(getattr(event, name))
        return {f"{name}_0": f"{local:%d/%m/%Y}", f"{name}_1": f"{local:%H:%M}"}

    data = {
        "place": str(event.place_id),
        "organiser": event.organiser,
        "title": event.title,
        "description": event.description,
        "audience": event.audience,
        **split("start"),
        **split("end"),
        **split("registration_opens_at"),
        **split("registration_closes_at"),
        "capacity": str(event.capacity),
        "max_seats_per_registration": str(event.max_seats_per_registration),
        "price_cents": f"{event.price_cents // 100},{event.price_cents % 100:02d}",
        "hold_hours": str(event.hold_hours),
        "status": event.status,
        **({"needs_approval": "on"} if event.needs_approval else {}),
        **({"has_waiting_list": "on"} if event.has_waiting_list else {}),
    }
    for prefix in ("messages", "log"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return data


def change_url(event: Event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


@pytest.fixture
def full(event, people):
    """`event` (3 seats) held by two people (2 + 1), two more waiting (1 seat each)."""
    services.register(people[0], event, 2)
    services.register(people[1], event, 1)
    waiting = [services.register(p, event, 1) for p in people[2:4]]
    return event, waiting


def test_managers_and_anonymous_are_kept_out(client, manager, event, booker):
    registration = services.register(booker, event, 1)
    urls = [
        reverse("admin:events_event_changelist"),
        change_url(event),
        reverse("admin:events_event_add"),
        reverse("admin:events_registration_changelist"),
        reverse("admin:events_registration_change", args=[registration.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    client.force_login(manager)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    response = client.post(change_url(event), event_form(event, title="Piraté"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title != "Piraté"


def test_staff_see_events_and_registrations(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    assert client.get(reverse("admin:events_event_changelist")).status_code == 200
    assert client.get(change_url(event)).status_code == 200
    page = client.get(reverse("admin:events_registration_change", args=[waiting[0].pk]))
    assert page.status_code == 200
    assert "12 €" in page.content.decode()  # the price in euros, not cents


def test_registrations_are_read_only(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    url = reverse("admin:events_registration_change", args=[waiting[0].pk])
    client.post(url, {"status": S.REGISTERED, "seats": "1"})
    assert Registration.objects.get(pk=waiting[0].pk).status == S.WAITING
    response = client.post(
        reverse("admin:events_registration_delete", args=[waiting[0].pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Registration.objects.filter(pk=waiting[0].pk).exists()


def test_a_capacity_raised_in_the_back_office_offers_the_seats(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    response = client.post(change_url(event), event_form(event, capacity="4", title="Renommé"))
    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert (event.title, event.capacity, event.seats_taken) == ("Renommé", 4, 4)
    assert [Registration.objects.get(pk=r.pk).status for r in waiting] == [S.OFFERED, S.WAITING]


def test_a_capacity_below_the_seats_taken_is_refused_on_its_field(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    response = client.post(change_url(event), event_form(event, capacity="2"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["capacity"] == [
        "3 places sont déjà prises : le nombre de places ne peut pas descendre en dessous de 3."
    ]
    event.refresh_from_db()
    assert (event.capacity, event.seats_taken) == (3, 3)


def test_a_capacity_lowered_keeps_the_seats_per_registration_within(client, staff_user, event):
    client.force_login(staff_user)
    response = client.post(
        change_url(event), event_form(event, capacity="1", max_seats_per_registration="1")
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.capacity, event.max_seats_per_registration) == (1, 1)


def test_cancelling_in_the_back_office_cancels_every_registration(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    response = client.post(change_url(event), event_form(event, status=EventStatus.CANCELLED))
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.seats_taken) == (EventStatus.CANCELLED, 0)
    assert not Registration.objects.filter(event=event).active().exists()
    again = client.post(change_url(event), event_form(event, status=EventStatus.PUBLISHED))
    assert again.context["adminform"].form.errors["status"] == [
        "Un atelier annulé le reste : créez-en un autre."
    ]


def test_an_event_with_registrations_does_not_go_back_to_draft(client, staff_user, full):
    event, waiting = full
    client.force_login(staff_user)
    response = client.post(change_url(event), event_form(event, status=EventStatus.DRAFT))
    assert "status" in response.context["adminform"].form.errors
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_staff_create_an_event(client, staff_user, place):
    client.force_login(staff_user)
    template = EventFactory.build(
        place=place, title="Créer son entreprise", capacity=12, created_by=staff_user
    )
    response = client.post(reverse("admin:events_event_add"), event_form(template))
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Event.objects.get(title="Créer son entreprise")
    assert (created.created_by, created.capacity, created.seats_taken) == (staff_user, 12, 0)


def test_a_bad_registration_window_is_refused(client, staff_user, place):
    client.force_login(staff_user)
    template = EventFactory.build(place=place, title="Fenêtre", created_by=staff_user)
    template.registration_closes_at = template.end + timedelta(days=1)
    response = client.post(reverse("admin:events_event_add"), event_form(template))
    assert response.status_code == 200
    assert not Event.objects.filter(title="Fenêtre").exists()
