"""The space's blocks page: rights on every path (403 for another manager's place, 404 for a
space of another place), adding a block in Paris time (over midnight, on the clock-change
nights), refusals answering 400 with nothing written and the error next to its field, a
block over bookings refused with them listed, lifting a block."""

from datetime import date

import pytest
from django.urls import reverse

from maillage.booking import blocks
from maillage.booking.models import SpaceBlock
from maillage.places.models import Place, Space
from tests.factories import BookingFactory, SpaceFactory
from tests.moments import NOW, paris
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

NOT_YOURS = "Vous ne gérez pas ce lieu."
TUESDAY = date(2027, 1, 12)


def url(place: Place, space: Space) -> str:
    return reverse("manager:space_blocks", args=[place.slug, space.pk])


def lift_url(place: Place, space: Space, block: SpaceBlock) -> str:
    return reverse("manager:lift_block", args=[place.slug, space.pk, block.pk])


def form(**changes) -> dict:
    data = {
        "start_date": "2027-01-12",
        "start_time": "10:00",
        "end_date": "2027-01-12",
        "end_time": "12:30",
        "reason": "Entretien du projecteur",
    }
    return {**data, **changes}


def at(day: date, hour: int, minute: int = 0):
    return paris(day.year, day.month, day.day, hour, minute)


@pytest.fixture
def signed_in(client, place_manager):
    client.force_login(place_manager)
    return client


def test_the_space_page_links_to_its_blocks(signed_in, bookable_place, room):
    response = signed_in.get(reverse("manager:space", args=[bookable_place.slug, room.pk]))
    assert url(bookable_place, room) in text(response)


def test_a_block_is_added_in_paris_time_and_listed(signed_in, bookable_place, room, place_manager):
    response = signed_in.post(url(bookable_place, room), form())
    assert response.status_code == 302
    block = SpaceBlock.objects.get()
    assert (block.space, block.start, block.end) == (room, at(TUESDAY, 10), at(TUESDAY, 12, 30))
    assert block.created_by == place_manager
    page = text(signed_in.get(response.url))
    assert "Espace bloqué du 12 janvier 2027 à 10h00 au 12 janvier 2027 à 12h30." in page
    assert "Entretien du projecteur" in page and "Lever" in page


def test_a_block_until_midnight_ends_the_next_day_at_00_00(signed_in, bookable_place, room):
    data = form(start_time="18:00", end_date="2027-01-13", end_time="00:00")
    assert signed_in.post(url(bookable_place, room), data).status_code == 302
    block = SpaceBlock.objects.get()
    assert (block.start, block.end) == (at(TUESDAY, 18), at(date(2027, 1, 13), 0))


def test_a_block_over_the_autumn_night_asks_which_hour_is_meant(signed_in, bookable_place, room):
    """31 October 2027, 02:30 and 02:45 happen twice: the manager says which (the project's
    one rule), nothing is blocked until then."""
    data = form(start_date="2027-10-31", start_time="02:30", end_date="2027-10-31")
    data["end_time"] = "02:45"
    asked = signed_in.post(url(bookable_place, room), data)
    assert asked.status_code == 400
    errors = asked.context["form"].errors
    assert errors["start_time_occurrence"] == [
        "Précisez s'il s'agit de 02h30 heure d'été ou heure d'hiver."
    ]
    assert errors["end_time_occurrence"] == [
        "Précisez s'il s'agit de 02h45 heure d'été ou heure d'hiver."
    ]
    assert "02h30 heure d'hiver (UTC+1)" in text(asked)
    assert not SpaceBlock.objects.exists()
    chosen = {**data, "start_time_occurrence": "1", "end_time_occurrence": "2"}
    assert signed_in.post(url(bookable_place, room), chosen).status_code == 302
    block = SpaceBlock.objects.get()
    assert block.end - block.start == paris(2027, 10, 31, 3, 45) - paris(2027, 10, 31, 2, 30)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_time": "09:00"}, "end_time", "La fin du blocage doit être après son début."),
        ({"reason": ""}, "reason", "Ce champ est obligatoire."),
        ({"reason": "a\nb"}, "reason", "Le motif"),
        ({"start_date": "12/01/2027"}, "start_date", "date AAAA-MM-JJ attendue"),
        ({"end_date": "2031-01-12"}, "end_date", "choisissez une date entre"),
        ({"start_time": "24:00"}, "start_time", "Heure HH:MM attendue"),
        (
            {"start_date": "2027-03-28", "start_time": "02:30", "end_date": "2027-03-28"},
            "start_time",
            "Cette heure n'existe pas le 28 mars 2027 (passage à l'heure d'été)",
        ),
        (
            {"start_date": "2026-11-20", "end_date": "2026-11-20"},
            "end_time",
            "Ce créneau est déjà passé",
        ),
    ],
)
def test_a_bad_block_answers_400_next_to_its_field_and_writes_nothing(
    signed_in, bookable_place, room, changes, field, message
):
    response = signed_in.post(url(bookable_place, room), form(**changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    page = text(response)
    assert f'aria-describedby="id_{field}_error' in page and 'id="erreurs"' in page
    assert not SpaceBlock.objects.exists()


def test_a_block_over_a_booking_answers_400_and_lists_it(signed_in, bookable_place, room, booker):
    BookingFactory(space=room, user=booker, start=at(TUESDAY, 11), end=at(TUESDAY, 12), now=NOW)
    response = signed_in.post(url(bookable_place, room), form())
    assert response.status_code == 400
    page = text(response)
    assert "Une réservation est prévue pendant ce blocage (le 12 janvier 2027 à 11h00)" in page
    assert "Réservations touchées par le blocage" in page and booker.email in page
    assert not SpaceBlock.objects.exists()


def test_a_block_is_lifted(signed_in, bookable_place, room, place_manager):
    block = blocks.add_block(place_manager, room, at(TUESDAY, 10), at(TUESDAY, 12), "Ménage")
    response = signed_in.post(lift_url(bookable_place, room, block))
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.removed_by == place_manager and block.removed_at is not None
    page = text(signed_in.get(response.url))
    assert "Blocage levé : « Ménage »" in page and "Aucun blocage à venir." in page
    # Lifted twice: said, nothing changed.
    response = signed_in.post(lift_url(bookable_place, room, block), follow=True)
    assert "Ce blocage est déjà levé." in text(response)


def test_another_managers_place_is_refused_on_every_path(signed_in, other_place, staff_user):
    space = SpaceFactory(place=other_place)
    block = blocks.add_block(staff_user, space, at(TUESDAY, 10), at(TUESDAY, 12), "Réunion")
    for method, path in [
        ("get", url(other_place, space)),
        ("post", url(other_place, space)),
        ("post", lift_url(other_place, space, block)),
    ]:
        response = getattr(signed_in, method)(path, form())
        assert response.status_code == 403, path
        assert NOT_YOURS in text(response)
    assert SpaceBlock.objects.get().removed_at is None
    assert SpaceBlock.objects.count() == 1


def test_a_space_or_block_of_another_place_is_not_reached_through_mine(
    signed_in, bookable_place, other_place, room, staff_user
):
    space = SpaceFactory(place=other_place)
    assert signed_in.get(url(bookable_place, space)).status_code == 404
    assert signed_in.post(url(bookable_place, space), form()).status_code == 404
    block = blocks.add_block(staff_user, space, at(TUESDAY, 10), at(TUESDAY, 12), "Réunion")
    assert signed_in.post(lift_url(bookable_place, room, block)).status_code == 404
    assert SpaceBlock.objects.get().removed_at is None


def test_staff_block_any_space(client, staff_user, other_place):
    space = SpaceFactory(place=other_place)
    client.force_login(staff_user)
    assert client.post(url(other_place, space), form()).status_code == 302


def test_a_visitor_is_sent_to_sign_in(client, bookable_place, room):
    response = client.get(url(bookable_place, room))
    assert response.status_code == 302 and "connexion" in response.url


def test_lifting_is_post_only(signed_in, bookable_place, room, place_manager):
    block = blocks.add_block(place_manager, room, at(TUESDAY, 10), at(TUESDAY, 12), "Ménage")
    assert signed_in.get(lift_url(bookable_place, room, block)).status_code == 405
