"""The demo's workshops: four published events in demo places, one full with people on its
waiting list, one awaiting the organiser's approval, a priced one; a second run adds nothing
and keeps what organisers did since."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from maillage.demo.events import EVENTS
from maillage.events import services
from maillage.events.models import Event, EventLog, EventStatus, Registration, RegistrationStatus
from maillage.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys, categories):
    call_command("demo")
    return capsys.readouterr().out


def test_the_demo_has_events_and_a_waiting_list(demo, client):
    events = Event.objects.filter(status=EventStatus.PUBLISHED)
    assert events.count() == len(EVENTS)
    assert all(event.place.is_fictional for event in events)
    full = events.get(title="Exporter ses services : les premiers pas")
    assert full.seats_left == 0
    waiting = list(full.registrations.waiting_in_order())
    assert len(waiting) == 2
    assert full.registrations.filter(status=RegistrationStatus.REGISTERED).count() == 3
    approval = events.get(needs_approval=True)
    assert approval.registrations.get().status == RegistrationStatus.AWAITING_APPROVAL
    assert events.filter(price_cents__gt=0).exists()
    assert "ateliers et événements créés : 4" in demo
    page = client.get(reverse("events:agenda"))
    assert page.status_code == 200
    assert "complet" in page.content.decode().lower()


def test_a_second_run_adds_nothing_and_keeps_what_organisers_did(demo, capsys):
    full = Event.objects.get(title="Exporter ses services : les premiers pas")
    services.cancel_event(full.created_by, full, "Intervenant indisponible")
    Event.objects.filter(title="Café des télétravailleurs").update(title="Café du jeudi")
    call_command("demo")
    assert "ateliers et événements créés : 0" in capsys.readouterr().out
    assert Event.objects.get(title=full.title).status == EventStatus.CANCELLED
    assert Event.objects.filter(title="Café du jeudi").exists()
    assert Event.objects.count() == len(EVENTS)


def test_without_an_open_managed_place_no_event_is_made(categories, capsys):
    call_command("demo")
    capsys.readouterr()
    EventLog.objects.all().delete()
    Registration.objects.all().delete()
    Event.objects.all().delete()
    Place.objects.update(status="closed")
    call_command("demo")
    assert "ateliers et événements créés : 0" in capsys.readouterr().out
