"""The organisers' pages (/gestion/ateliers/…): rights on every path, creating, editing and
publishing an event; a bad form answers 400 with the field named and writes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from maillage.events.models import Event, EventStatus, Organiser
from tests.events import make_event
from tests.factories import ManagerFactory
from tests.moments import paris
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

NOT_YOURS = "Vous n'organisez pas cet atelier."


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def event_data(place, **changes) -> dict:
    data = {
        "place": place.pk,
        "title": "Créer son entreprise",
        "description": "Les étapes, les aides.",
        "audience": "entrepreneurs",
        "start": "2026-12-15T18:30",
        "end": "2026-12-15T20:30",
        "capacity": "12",
        "max_seats_per_registration": "2",
        "price_cents": "5,50",
        "registration_opens_at": "",
        "registration_closes_at": "2026-12-14T12:00",
        "needs_approval": "on",
        "has_waiting_list": "on",
        "hold_hours": "24",
    }
    return {**data, **changes}


def test_a_visitor_is_sent_to_sign_in_and_a_resident_is_refused(client, resident):
    response = client.get(reverse("manager:events"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]
    client.force_login(resident)
    assert client.get(reverse("manager:events")).status_code == 403
    assert client.get(reverse("manager:add_event")).status_code == 403


def test_the_list_holds_the_events_i_organise(signed_in, place, other_place):
    mine = make_event(place, title="Chez moi")
    make_event(place, title="Brouillon à moi", status="draft")
    make_event(other_place, title="Ailleurs")
    make_event(place, title="Du Département", organiser=Organiser.DEPARTEMENT)
    response = signed_in.get(reverse("manager:events"))
    assert response.status_code == 200
    assert [e.title for e in response.context["coming"]] == ["Chez moi", "Brouillon à moi"]
    page = text(response)
    assert "Ailleurs" not in page and "Du Département" not in page
    assert reverse("manager:event", args=[mine.pk]) in page
    assert f'<a href="{reverse("manager:events")}" aria-current="page">Ateliers</a>' in page


def test_staff_see_every_event(client, staff_user, place, other_place):
    make_event(place, title="Boulogne")
    make_event(other_place, title="Nanterre", organiser=Organiser.DEPARTEMENT)
    client.force_login(staff_user)
    response = client.get(reverse("manager:events"))
    assert {e.title for e in response.context["coming"]} == {"Boulogne", "Nanterre"}


def test_a_manager_creates_then_publishes_an_event(signed_in, place):
    response = signed_in.get(reverse("manager:add_event"))
    assert response.status_code == 200
    assert "organiser" not in response.context["form"].fields
    response = signed_in.post(reverse("manager:add_event"), event_data(place))
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("manager:event", args=[event.pk])
    assert event.start == paris(2026, 12, 15, 18, 30)
    assert event.registration_closes_at == paris(2026, 12, 14, 12, 0)
    assert event.price_cents == 550 and event.needs_approval and event.has_waiting_list
    assert event.status == EventStatus.DRAFT and event.organiser == Organiser.PLACE
    page = text(signed_in.get(response["Location"]))
    assert "Brouillon enregistré" in page
    assert "Mardi 15 décembre 2026, 18h30–20h30" in page
    response = signed_in.post(reverse("manager:publish_event", args=[event.pk]))
    assert response.status_code == 302
    assert Event.objects.get().status == EventStatus.PUBLISHED
    assert "Événement publié" in text(signed_in.get(response["Location"]))


def test_empty_registration_times_run_from_now_to_the_start(signed_in, place):
    signed_in.post(reverse("manager:add_event"), event_data(place, registration_closes_at=""))
    event = Event.objects.get()
    assert event.registration_opens_at == paris(2026, 12, 1, 8, 0)
    assert event.registration_closes_at == event.start


def test_staff_create_an_event_of_the_departement_anywhere(client, staff_user, other_place):
    client.force_login(staff_user)
    data = event_data(other_place, organiser="departement")
    assert client.post(reverse("manager:add_event"), data).status_code == 302
    assert Event.objects.get().organiser == Organiser.DEPARTEMENT


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end": "2026-12-15T17:00"}, "end", "La fin doit être après le début."),
        (
            {"registration_closes_at": "2026-12-16T09:00"},
            "registration_closes_at",
            "ne peut pas être après la fin de l'événement",
        ),
        ({"capacity": "0"}, "capacity", "Le nombre de places doit être entre 1 et"),
        ({"capacity": "-3"}, "capacity", "Le nombre de places doit être entre 1 et"),
        ({"price_cents": "-5"}, "price_cents", "Le montant doit être positif ou nul."),
        ({"start": "2026-12-15"}, "start", "Date et heure attendues"),
        ({"start": "2027-03-28T02:30"}, "start", "passage à l'heure d'été"),
        ({"start": "2031-01-01T10:00"}, "start", "choisissez une date entre le 1er décembre 2025"),
        (
            {"start": "2026-11-30T10:00", "end": "2026-11-30T12:00", "registration_closes_at": ""},
            "start",
            "Le début doit être dans le futur.",
        ),
        ({"title": ""}, "title", "Ce champ est obligatoire."),
        ({"hold_hours": "0"}, "hold_hours", "Le délai pour confirmer doit être entre 1 et"),
        (
            {"max_seats_per_registration": "13"},
            "max_seats_per_registration",
            "Pas plus de places par inscription",
        ),
    ],
)
def test_a_bad_event_answers_400_names_the_field_and_writes_nothing(
    signed_in, place, changes, field, message
):
    response = signed_in.post(reverse("manager:add_event"), event_data(place, **changes))
    assert response.status_code == 400
    page = text(response)
    assert 'id="erreurs"' in page
    label = response.context["form"].fields[field].label
    assert f"{label} : " in page and message in page
    assert not Event.objects.exists()


def test_a_place_i_do_not_manage_is_not_a_choice(signed_in, other_place):
    response = signed_in.post(reverse("manager:add_event"), event_data(other_place))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in text(response)
    assert not Event.objects.exists()


def test_editing_a_published_event_keeps_its_frozen_fields(signed_in, place):
    event = make_event(place, title="Avant", capacity=10)
    form = signed_in.get(reverse("manager:edit_event", args=[event.pk])).context["form"]
    assert form.fields["start"].disabled and form.fields["capacity"].disabled
    assert not form.fields["title"].disabled
    data = event_data(place, title="Après", capacity="50", start="2026-12-20T10:00")
    data["registration_closes_at"] = "2026-12-08T12:00"
    response = signed_in.post(reverse("manager:edit_event", args=[event.pk]), data)
    assert response.status_code == 302
    stored = Event.objects.get()
    assert stored.title == "Après" and stored.capacity == 10
    assert stored.start == event.start
    assert stored.registration_closes_at == paris(2026, 12, 8, 12, 0)


def test_a_cancelled_event_is_not_edited(signed_in, place):
    event = make_event(place, status="cancelled")
    response = signed_in.post(
        reverse("manager:edit_event", args=[event.pk]), event_data(place, title="Repris")
    )
    assert response.status_code == 302
    assert Event.objects.get().title == "Atelier export"


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("event", "get"),
        ("edit_event", "get"),
        ("edit_event", "post"),
        ("publish_event", "post"),
    ],
)
def test_another_places_event_is_refused_on_every_path(signed_in, other_place, name, method):
    event = make_event(other_place, status="draft")
    before = Event.objects.filter(pk=event.pk).values().get()
    response = getattr(signed_in, method)(
        reverse(f"manager:{name}", args=[event.pk]), event_data(other_place, title="Repris")
    )
    assert response.status_code == 403
    assert NOT_YOURS in text(response)
    assert Event.objects.filter(pk=event.pk).values().get() == before


def test_a_departement_event_in_my_place_is_not_mine(signed_in, place):
    event = make_event(place, organiser=Organiser.DEPARTEMENT)
    assert signed_in.get(reverse("manager:event", args=[event.pk])).status_code == 403


def test_an_unknown_event_is_not_found(signed_in):
    assert signed_in.get(reverse("manager:event", args=[999])).status_code == 404


def test_a_manager_of_no_place_is_refused(client):
    client.force_login(ManagerFactory())
    assert client.get(reverse("manager:events")).status_code == 403


def test_a_time_the_clock_shows_twice_is_asked_then_kept_as_chosen(signed_in, place):
    """31 October 2027, 02:30 happens twice (summer, then winter time): the form asks which,
    then saves the one chosen; editing it shows the choice made."""
    data = event_data(
        place,
        start="2027-10-31T02:30",
        end="2027-10-31T04:00",
        registration_closes_at="2027-10-30T12:00",
    )
    asked = signed_in.post(reverse("manager:add_event"), data)
    assert asked.status_code == 400
    page = text(asked)
    assert (
        "Début : heure à retenir : Précisez s'il s'agit de 02h30 heure d'été ou heure d'hiver."
        in page
    )
    assert "Le 31 octobre 2027, les horloges reculent d'une heure : 02h30 existe deux fois." in page
    assert "02h30 heure d'été (UTC+2)" in page and "02h30 heure d'hiver (UTC+1)" in page
    assert not Event.objects.exists()

    assert (
        signed_in.post(reverse("manager:add_event"), {**data, "start_occurrence": "2"}).status_code
        == 302
    )
    event = Event.objects.get()
    assert event.start == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02h30 winter time
    assert event.end - event.start == timedelta(hours=1, minutes=30)

    form = signed_in.get(reverse("manager:edit_event", args=[event.pk])).context["form"]
    assert form["start_occurrence"].value() == 2
    assert form.fields["start_occurrence"].widget.input_type == "radio"
    assert form.fields["end_occurrence"].widget.input_type == "hidden"


def test_a_time_the_clock_skips_is_refused_on_its_field(signed_in, place):
    data = event_data(place, start="2027-03-28T02:30", end="2027-03-28T04:00")
    response = signed_in.post(
        reverse("manager:add_event"), {**data, "registration_closes_at": "2027-03-27T12:00"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["start"] == [
        "Cette heure n'existe pas le 28 mars 2027 (passage à l'heure d'été) : choisissez avant "
        "02h00 ou à partir de 03h00."
    ]
    assert "Début : Cette heure n'existe pas le 28 mars 2027" in text(response)
    assert not Event.objects.exists()


def test_every_error_is_told_at_once(signed_in, place):
    changes = {"capacity": "0", "price_cents": "-5", "end": "2026-12-15T17:00"}
    response = signed_in.post(reverse("manager:add_event"), event_data(place, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"capacity", "price_cents", "end"}
    assert errors["end"] == ["La fin doit être après le début."]
    assert not Event.objects.exists()


def test_no_event_is_created_at_a_closed_place(signed_in, place):
    place.status = "closed"
    place.save(update_fields=["status"])
    response = signed_in.post(reverse("manager:add_event"), event_data(place))
    assert response.status_code == 400
    assert "Ce lieu est fermé : il n'accueille pas d'événement." in text(response)
    assert not Event.objects.exists()
