"""A closed place takes no public: its events leave the agenda and the feeds, take no
registration and are not published; a place «en projet» or «en préparation» holds events
(its holders' information meetings) like an open one."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.events import organising, services
from maillage.events.models import Event, EventStatus, Registration
from tests.events import make_event
from tests.events.test_organising import draft
from tests.moments import NOW
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]


def close(place, status="closed"):
    place.status = status
    place.save(update_fields=["status"])


def test_a_closed_place_s_events_leave_the_agenda_and_the_feeds(client, place):
    make_event(place, title="Atelier du lieu fermé")
    close(place)
    assert "Atelier du lieu fermé" not in text(client.get(reverse("events:agenda")))
    assert b"Atelier du lieu" not in client.get(reverse("events:feed")).content
    feed = client.get(reverse("events:place_feed", args=[place.slug]))
    assert b"Atelier du lieu" not in feed.content


def test_a_closed_place_s_event_takes_no_registration(client, booker, place):
    event = make_event(place)
    close(place)
    with pytest.raises(services.RegistrationRefused) as refused:
        services.register(booker, Event.objects.get(pk=event.pk), 1)
    assert refused.value.message == "Ce lieu est fermé : cet atelier ne prend pas d'inscription."
    client.force_login(booker)
    page = text(client.get(event.get_absolute_url()))
    assert "Lieu fermé : pas d'inscription" in page
    assert "M'inscrire</button>" not in page
    response = client.post(reverse("events:register", args=[event.pk]), {"places": "1"})
    assert response.status_code == 400
    assert "Ce lieu est fermé" in text(response)
    assert not Registration.objects.exists()


@pytest.mark.parametrize("status", ["project", "preparing"])
def test_a_place_in_project_or_preparation_holds_events(client, booker, place, status):
    close(place, status)
    event = make_event(place, title="Réunion d'information")
    assert "Réunion d'information" in text(client.get(reverse("events:agenda")))
    assert services.register(booker, event, 1).status == "registered"


def test_no_event_is_created_moved_or_published_at_a_closed_place(manager, place, other_place):
    event = organising.save_event(manager, draft(place), now=NOW)
    close(place)
    with pytest.raises(ValidationError) as refused:
        organising.publish(manager, event, now=NOW)
    assert refused.value.message_dict == {
        "place": ["Ce lieu est fermé : il n'accueille pas d'événement."]
    }
    assert Event.objects.get().status == EventStatus.DRAFT
    with pytest.raises(ValidationError) as refused:
        organising.save_event(manager, draft(place, title="Autre"), now=NOW)
    assert "place" in refused.value.message_dict
    assert Event.objects.count() == 1
    # A draft there already may still be edited (its place unchanged).
    event.title = "Titre changé"
    organising.save_event(manager, event, now=NOW)
