"""An event's public page, and the coming events on its place's page."""

from datetime import timedelta

import pytest
from django.urls import reverse

from maillage.events.models import Organiser
from tests.events import make_event
from tests.moments import NOW, paris
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]


def test_the_page_tells_what_where_when_and_for_whom(client, place):
    event = make_event(
        place,
        title="Exporter en Europe",
        description="Les aides à l'export.\n\nAvec la CCI.",
        audience="entrepreneurs",
        price_cents=1500,
        capacity=12,
        seats_taken=5,
        max_seats_per_registration=3,
        needs_approval=True,
    )
    assert event.get_absolute_url() == f"/agenda/{event.pk}-exporter-en-europe/"
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Exporter en Europe</h1>" in page
    assert "Mardi 8 décembre 2026, 18h00–20h00 (heure de Paris)" in page
    assert f'<a href="{place.get_absolute_url()}">{place.name}</a>' in page
    assert f"Organisé par</dt><dd>{place.name}" in page
    assert "Entrepreneurs et porteurs de projet" in page
    assert "15 € la place · tarif solidaire possible" in page
    assert "12 au total, 7 libres · jusqu'à 3 places par inscription" in page
    assert "au 8 décembre 2026 à 18h00 (date limite)" in page
    assert "chaque inscription est validée par l'organisateur" in page
    assert "<p>Les aides à l'export.</p>" in page
    assert f'<a href="{reverse("events:agenda")}" aria-current="page">Agenda</a>' in page


def test_the_departement_organises_and_times_are_parisian_in_summer(client, place):
    event = make_event(
        place,
        organiser=Organiser.DEPARTEMENT,
        start=paris(2027, 7, 1, 9, 30),
        hours=26,
    )
    page = text(client.get(event.get_absolute_url()))
    assert "Organisé par</dt><dd>Le Département" in page
    assert "Du jeudi 1er juillet 2027 à 09h30 au vendredi 2 juillet 2027 à 11h30" in page


def test_an_old_address_leads_to_the_events_own(client, place):
    event = make_event(place, title="Nouveau titre")
    response = client.get(reverse("events:event", args=[event.pk, "ancien-titre"]))
    assert response.status_code == 301
    assert response["Location"] == event.get_absolute_url()


def test_a_draft_or_an_unknown_event_is_not_found(client, place):
    draft = make_event(place, status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("events:event", args=[draft.pk + 1, "x"])).status_code == 404


def test_a_cancelled_event_says_so(client, place):
    event = make_event(place, status="cancelled")
    page = text(client.get(event.get_absolute_url()))
    assert "Cet événement est annulé." in page
    assert "libre" not in page


def test_the_place_page_lists_its_coming_events(client, place, other_place):
    make_event(place, title="Atelier CV", start=paris(2026, 12, 3, 14, 0))
    make_event(place, title="Annulé", status="cancelled")
    make_event(place, title="Brouillon", status="draft")
    make_event(other_place, title="Ailleurs")
    make_event(
        place,
        title="Passé",
        start=NOW - timedelta(days=3),
        registration_opens_at=NOW - timedelta(days=9),
    )
    page = text(client.get(place.get_absolute_url()))
    assert "Ateliers et événements à venir" in page
    assert "Atelier CV</a> — jeudi 3 décembre 2026, 14h00–16h00" in page
    for hidden in ("Annulé", "Brouillon", "Ailleurs", "Passé"):
        assert hidden not in page
    assert reverse("events:place_feed", args=[place.slug]) in page


def test_a_place_without_events_says_nothing_of_them(client, place):
    assert "Ateliers et événements" not in text(client.get(place.get_absolute_url()))
