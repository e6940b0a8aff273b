"""The space's external calendar page (/gestion/espaces/<id>/agenda-externe/): its managers
and staff only, the address saved and imported, errors next to the field and nothing
written, the import's failure and last success shown, removal."""

from datetime import timedelta

import pytest
from django.urls import reverse

from maillage.booking import external_calendars
from maillage.booking.models import ExternalBusy, ExternalCalendar
from tests.factories import BookingFactory, ManagerFactory, PlaceFactory, RoomFactory
from tests.manager.ical.calendars import ics
from tests.manager.ical.test_external_calendars import MORNING, at, event, stamp
from tests.observatory.worker import run_ready_tasks

pytestmark = pytest.mark.django_db


def page_of(space) -> str:
    return reverse("manager:space_calendar", args=[space.pk])


def imported(client, space) -> str:
    """The page once the task queue's worker ran the import asked for."""
    run_ready_tasks()
    return client.get(page_of(space)).content.decode()


@pytest.fixture
def signed_in(client, place_manager):
    client.force_login(place_manager)
    return client


def test_a_manager_saves_an_address_and_sees_the_import(signed_in, calendar_server, room):
    url = calendar_server.serve("/salle.ics", MORNING)
    response = signed_in.post(page_of(room), {"url": url}, follow=True)
    assert response.redirect_chain == [(page_of(room), 302)]
    text = response.content.decode()
    # The import runs in the task queue: the page says it is in progress and reloads.
    assert "Adresse de l&#x27;agenda enregistrée : l&#x27;import est en cours." in text
    assert "Import en cours (demandé à" in text and 'http-equiv="refresh"' in text
    assert calendar_server.hits == [] and not ExternalBusy.objects.exists()
    text = imported(signed_in, room)
    assert 'http-equiv="refresh"' not in text
    assert "Agenda importé : 1 occupation à venir" in text
    assert "Dernier import réussi" in text and "aucun pour l&#x27;instant" not in text
    assert ExternalBusy.objects.filter(space=room).count() == 1
    assert ExternalCalendar.objects.get(space=room).set_by.email == "gestion@ruche.test"


def test_a_failed_import_is_shown_with_the_last_success(signed_in, calendar_server, room):
    url = calendar_server.serve("/salle.ics", MORNING)
    signed_in.post(page_of(room), {"url": url})
    run_ready_tasks()
    calendar_server.serve("/salle.ics", "introuvable", status=404)
    response = signed_in.post(
        reverse("manager:refresh_space_calendar", args=[room.pk]), follow=True
    )
    assert "Import demandé : il est en cours." in response.content.decode()
    text = imported(signed_in, room)
    assert "L&#x27;import a échoué : Le serveur a répondu par une erreur HTTP 404." in text
    assert "échec — Le serveur a répondu par une erreur HTTP 404." in text
    assert "Les occupations du dernier import réussi restent appliquées." in text
    assert ExternalBusy.objects.filter(space=room).count() == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Ce champ est obligatoire."),
        ("ftp://agenda.exemple.fr/a.ics", "doit commencer par « https:// »"),
        ("webcal://agenda.exemple.fr/a.ics", "Remplacez « webcal:// »"),
        ("https://[agenda.exemple.fr/a.ics", "L'adresse n'est pas valide"),
    ],
)
def test_a_bad_address_answers_400_next_to_the_field_and_writes_nothing(
    signed_in, room, url, message
):
    response = signed_in.post(page_of(room), {"url": url})
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="erreurs"' in text and "autofocus" in text
    assert (
        'aria-invalid="true"' in text and 'aria-describedby="id_url_helptext id_url_error"' in text
    )
    assert 'id="id_url_error"' in text
    assert message.replace("'", "&#x27;") in text
    assert not ExternalCalendar.objects.exists()


def test_conflicting_bookings_and_busy_times_are_listed(signed_in, calendar_server, room, booker):
    BookingFactory(space=room, user=booker, start=at(11), end=at(12))
    url = calendar_server.serve("/salle.ics", ics(event("m", at(10), at(12))))
    signed_in.post(page_of(room), {"url": url})
    text = imported(signed_in, room)
    assert "Réservations en conflit (1)" in text and booker.email in text
    assert "Occupations à venir (1)" in text


def test_an_unforeseen_failure_is_shown_not_a_500(signed_in, calendar_server, room):
    signed_in.post(page_of(room), {"url": calendar_server.serve("/s.ics", MORNING)})
    run_ready_tasks()
    calendar_server.serve("/s.ics", "", status=302, headers={"Location": "http://[oups/"})
    refresh = reverse("manager:refresh_space_calendar", args=[room.pk])
    assert signed_in.post(refresh).status_code == 302
    text = imported(signed_in, room)
    assert "L&#x27;import a échoué : Le fichier n&#x27;a pas pu être lu." in text
    assert "Occupations à venir (1)" in text


def test_the_page_counts_everything_and_lists_a_bounded_part(
    signed_in, calendar_server, room, booker
):
    for days in range(4):  # Tuesday to Friday, 9:30
        start = at(9, 30) + timedelta(days=days)
        BookingFactory(space=room, user=booker, start=start, end=start + timedelta(minutes=30))
    daily = f"UID:d\nDTSTART:{stamp(at(9))}\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=30"
    response = signed_in.post(page_of(room), {"url": calendar_server.serve("/d.ics", ics(daily))})
    assert response.status_code == 302
    text = imported(signed_in, room)
    assert "Réservations en conflit (4)" in text and text.count(booker.email) == 4
    assert "Occupations à venir (30)" in text and "Seules les 20 premières sont listées." in text


def test_removing_the_calendar_reopens_the_slots(signed_in, calendar_server, room):
    signed_in.post(page_of(room), {"url": calendar_server.serve("/s.ics", MORNING)})
    run_ready_tasks()
    assert ExternalBusy.objects.exists()
    response = signed_in.post(reverse("manager:remove_space_calendar", args=[room.pk]), follow=True)
    assert "Agenda externe retiré" in response.content.decode()
    assert not ExternalCalendar.objects.exists() and not ExternalBusy.objects.exists()


def test_staff_may_open_any_space_s_page(client, staff_user, room):
    client.force_login(staff_user)
    assert client.get(page_of(room)).status_code == 200


def test_anonymous_people_are_sent_to_sign_in(client, room):
    response = client.get(page_of(room))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    ("method", "name", "data"),
    [
        ("get", "manager:space_calendar", None),
        ("post", "manager:space_calendar", {"url": "https://agenda.exemple.fr/a.ics"}),
        ("post", "manager:refresh_space_calendar", None),
        ("post", "manager:remove_space_calendar", None),
    ],
)
def test_another_place_s_manager_gets_403_on_every_path(
    client, territory, calendar_server, room, place_manager, method, name, data
):
    url = calendar_server.serve("/s.ics", MORNING)
    external_calendars.set_calendar(place_manager, room, url)
    other_place = PlaceFactory(commune=territory.get(insee_code="92050"))
    RoomFactory(place=other_place)
    client.force_login(ManagerFactory(places=[other_place]))
    response = getattr(client, method)(reverse(name, args=[room.pk]), data)
    assert response.status_code == 403
    assert "Vous ne gérez pas ce lieu." in response.content.decode()
    calendar = ExternalCalendar.objects.get(space=room)
    assert calendar.url == url and calendar.last_attempt_at is None
    assert calendar_server.hits == []


def test_an_unknown_space_is_404(signed_in):
    assert signed_in.get("/gestion/espaces/999999/agenda-externe/").status_code == 404


def test_an_import_without_busy_times_says_so(signed_in, calendar_server, room):
    url = calendar_server.serve("/vide.ics", ics())
    signed_in.post(page_of(room), {"url": url})
    text = imported(signed_in, room)
    assert "Agenda importé : aucune occupation à venir." in text
    assert "0 occupation" not in text
