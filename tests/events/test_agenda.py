"""The public agenda: what it lists, its filters (each bad value a French message naming the
filter, a 400, never a 500), its paging, and how seats and prices are told."""

from datetime import timedelta

import pytest
from django.urls import reverse

from maillage.events.models import Event
from tests.events import make_event
from tests.moments import NOW, paris
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

AGENDA = reverse("events:agenda")


def titles(response) -> list[str]:
    return [event.title for event in response.context["page"]]


def test_the_agenda_lists_published_events_to_come_and_marks_cancelled_ones(client, place):
    make_event(place, title="Atelier export")
    make_event(place, title="Brouillon", status="draft")
    make_event(place, title="Annulé", status="cancelled", start=paris(2026, 12, 9, 18, 0))
    make_event(
        place,
        title="Passé",
        start=NOW - timedelta(days=2),
        registration_opens_at=NOW - timedelta(days=9),
    )
    response = client.get(AGENDA)
    assert response.status_code == 200
    assert titles(response) == ["Atelier export", "Annulé"]
    page = text(response)
    assert "2 événements à venir" in page
    assert "Mardi 8 décembre 2026, 18h00–20h00" in page
    assert '<span class="badge seats-cancelled">Annulé</span>' in page


def test_the_agenda_is_the_active_departements(client, place, settings):
    make_event(place, title="Boulogne")
    settings.MAILLAGE_DEPARTEMENT = "93"
    assert titles(client.get(AGENDA)) == []


def test_seats_and_prices_are_told(client, place):
    make_event(place, title="Libre", capacity=10, seats_taken=7)
    make_event(place, title="Plein avec liste", capacity=4, seats_taken=4, price_cents=1250)
    make_event(place, title="Plein", capacity=4, seats_taken=4, has_waiting_list=False)
    make_event(
        place,
        title="Pas encore",
        registration_opens_at=NOW + timedelta(days=2),
    )
    page = text(client.get(AGENDA))
    assert "3 places restantes" in page
    assert "Complet — liste d'attente" in page
    assert '<span class="badge seats-full">Complet</span>' in page
    assert "Inscriptions à partir du jeudi 3 décembre 2026 à 08h00" in page
    assert "Gratuit" in page and "12,50 € la place" in page


def test_the_filters_select_commune_audience_and_days(client, place, other_place):
    make_event(place, title="Boulogne tout public")
    make_event(other_place, title="Nanterre entrepreneurs", audience="entrepreneurs")
    make_event(place, title="Dans deux mois", start=paris(2027, 2, 2, 10, 0))
    assert titles(client.get(AGENDA, {"commune": "92050"})) == ["Nanterre entrepreneurs"]
    assert titles(client.get(AGENDA, {"public": "entrepreneurs"})) == ["Nanterre entrepreneurs"]
    assert titles(client.get(AGENDA, {"du": "2027-02-02", "au": "2027-02-02"})) == [
        "Dans deux mois"
    ]
    assert titles(client.get(AGENDA, {"au": "2026-12-31"})) == [
        "Boulogne tout public",
        "Nanterre entrepreneurs",
    ]


def test_the_next_7_and_30_days(client, place):
    # The present is Tuesday 1 December 2026: the 7 days run to the 7th, the 30 to the 30th
    # (at a month's end too, never fewer days than the week).
    make_event(place, title="Samedi", start=paris(2026, 12, 5, 23, 30))
    make_event(place, title="Lundi 7", start=paris(2026, 12, 7, 23, 30))
    make_event(place, title="Mardi 8", start=paris(2026, 12, 8, 0, 30))
    make_event(place, title="Le 30", start=paris(2026, 12, 30, 23, 30))
    make_event(place, title="Le 31", start=paris(2026, 12, 31, 0, 30))
    assert titles(client.get(AGENDA, {"periode": "semaine"})) == ["Samedi", "Lundi 7"]
    assert titles(client.get(AGENDA, {"periode": "mois"})) == [
        "Samedi",
        "Lundi 7",
        "Mardi 8",
        "Le 30",
    ]
    page = text(client.get(AGENDA))
    assert "Les 7 prochains jours</option>" in page and "Les 30 prochains jours</option>" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"commune": "75056"}, "Commune : Sélectionnez un choix valide"),
        ({"public": "tous"}, "Public : Sélectionnez un choix valide"),
        ({"periode": "annee"}, "Quand : Sélectionnez un choix valide"),
        ({"du": "13/01/2027"}, "Du : date AAAA-MM-JJ attendue"),
        ({"du": "2027-02-30"}, "Du : cette date n'existe pas (2027-02-30)."),
        (
            {"au": "2026-11-30"},
            "Au : choisissez une date entre le 1er décembre 2026 et le 1er décembre 2028.",
        ),
        ({"du": "2027-01-02", "au": "2027-01-01"}, "Au : La date de fin doit être"),
        ({"periode": "semaine", "du": "2027-01-02"}, "Quand : Choisissez une période ou des"),
        ({"du": "\x00"}, "Du : date AAAA-MM-JJ attendue"),
    ],
)
def test_a_bad_filter_is_named_in_french_and_shows_nothing(client, place, query, message):
    make_event(place)
    response = client.get(AGENDA, query)
    assert response.status_code == 400
    assert message in text(response)
    assert titles(response) == []
    assert "Filtres à corriger" in text(response)


def test_the_agenda_pages_by_twenty(client, place):
    for day in range(25):
        make_event(
            place, title=f"Atelier {day:02d}", start=paris(2026, 12, 2, 9) + timedelta(days=day)
        )
    first = client.get(AGENDA, {"public": "everyone"})
    assert len(titles(first)) == 20
    assert "?public=everyone&page=2" in text(first)
    second = client.get(AGENDA, {"public": "everyone", "page": "2"})
    assert titles(second) == [f"Atelier {day:02d}" for day in range(20, 25)]
    beyond = client.get(AGENDA, {"page": "9"})
    assert "voici la page 2" in text(beyond)


def test_the_menu_leads_to_the_agenda(client):
    page = text(client.get(reverse("web:home")))
    assert f'<a href="{AGENDA}">Agenda</a>' in page
    assert f'<a href="{AGENDA}" aria-current="page">Agenda</a>' in text(client.get(AGENDA))


def test_a_query_of_events_does_not_grow_with_them(client, place, django_assert_max_num_queries):
    for day in range(15):
        make_event(place, start=paris(2026, 12, 2, 9) + timedelta(days=day))
    assert Event.objects.count() == 15
    with django_assert_max_num_queries(8):
        client.get(AGENDA)
