"""The walk-in booking page (/gestion/reservations/sur-place/), and walk-ins in the managers'
bookings pages, the CSV file and the person's own pages."""

import csv
import io
from functools import partial

import pytest
from django.urls import reverse

from maillage.booking import services
from maillage.booking.models import Booking, BookingStatus, CalendarFeed, Channel
from tests.booking import on_page
from tests.factories import ManagerFactory, RoomFactory
from tests.moments import NOW, paris
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

URL = reverse("manager:walk_in")
BOOKINGS = reverse("manager:bookings")
DAY = {"vue": "jour", "du": "2027-01-12"}
walk_in = partial(services.book_walk_in, channel=Channel.PAGE, now=NOW)


def form(space, **changes):
    """A valid walk-in form for `space`, 12 January 2027 from 9:00 to 10:00."""
    return {
        "espace": space.pk,
        "date": "2027-01-12",
        "debut": "09:00",
        "fin": "10:00",
        "postes": "1",
        "nom": "Jeanne Roux",
        "contact": "06 12 34 56 78",
    } | changes


@pytest.fixture
def elsewhere(other_place):
    """A manager of another place (Nanterre)."""
    return ManagerFactory(email="ailleurs@lieu.test", places=[other_place])


def test_the_form_offers_the_managers_spaces_only(client, place_manager, room, other_place):
    theirs = RoomFactory(place=other_place, name="Salle d'ailleurs")
    client.force_login(place_manager)
    answer = client.get(URL)
    assert answer.status_code == 200
    page = text(answer)
    assert "Réserver pour une personne sur place" in page
    assert f'value="{room.pk}"' in page and "Salle Seine" in page
    assert f'value="{theirs.pk}"' not in page and "Salle d'ailleurs" not in page
    assert 'value="2026-12-01"' in page  # today by default
    assert reverse("manager:walk_in") in text(client.get(BOOKINGS))


def test_a_walk_in_is_booked_and_shown_in_the_day(client, place_manager, room):
    client.force_login(place_manager)
    answer = client.post(URL, form(room, contact="jeanne@exemple.fr"))
    booking = Booking.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == (
        f"{BOOKINGS}?vue=jour&du=2027-01-12&lieu={room.place.slug}#reservation-{booking.pk}"
    )
    assert booking.user == place_manager and booking.walk_in_name == "Jeanne Roux"
    assert booking.start == paris(2027, 1, 12, 9) and booking.status == BookingStatus.CONFIRMED
    page = text(client.get(answer["Location"]))
    assert (
        f"Réservation enregistrée pour Jeanne Roux : {room.place.name} — Salle Seine, "
        "le 12 janvier 2027" in page
    )
    assert "sur place" in page and 'href="mailto:jeanne@exemple.fr"' in page
    # The manager's account is not shown as the person.
    assert f'href="mailto:{place_manager.email}"' not in page


def test_a_walk_ins_phone_is_a_link_to_call(client, place_manager, room):
    walk_in(
        place_manager,
        room.pk,
        paris(2027, 1, 12, 9),
        paris(2027, 1, 12, 10),
        name="Jeanne",
        contact="+33 6 12 34 56 78",
    )
    client.force_login(place_manager)
    page = text(client.get(BOOKINGS, DAY))
    assert 'href="tel:+33612345678"' in page and "+33 6 12 34 56 78" in page


@pytest.mark.parametrize(
    ("changes", "field", "told"),
    [
        ({"nom": ""}, "nom", "obligatoire"),
        ({"nom": "   "}, "nom", "obligatoire"),
        ({"nom": "www.exemple.fr"}, "nom", "lien"),
        ({"nom": "J" * 151}, "nom", "150"),
        ({"contact": ""}, "contact", "obligatoire"),
        ({"contact": "demain"}, "contact", "adresse électronique (nom@exemple.fr) ou"),
        ({"contact": "06 12\r\n34 56 78"}, "contact", "retour à la ligne"),
        ({"espace": ""}, "espace", "obligatoire"),
        ({"espace": "999999"}, "espace", "Cet espace n'existe pas"),
        ({"espace": "x"}, "espace", "nombre entier"),
        ({"date": "2027-02-30"}, "date", ""),
        ({"debut": "24:00"}, "debut", "Heure HH:MM"),
        ({"fin": "08:00"}, "fin", "après l'heure de début"),
        ({"postes": "0"}, "postes", ""),
        ({"debut": "21:00", "fin": "22:00"}, None, "horaires d'ouverture"),
        ({"date": "2026-11-30"}, "date", ""),
    ],
)
def test_an_invalid_walk_in_is_refused_next_to_its_field(
    client, place_manager, room, changes, field, told
):
    client.force_login(place_manager)
    answer = client.post(URL, form(room, **changes))
    assert answer.status_code == 400
    page = text(answer)
    assert 'id="erreurs"' in page and told in page
    if field is not None:
        assert f'id="id_{field}_error"' in page
        assert f'aria-describedby="id_{field}_error' in page
    assert not Booking.objects.exists()


def test_a_slot_taken_is_told_at_its_time(client, place_manager, booker, room):
    on_page.book(booker, room.pk, paris(2027, 1, 12, 9), paris(2027, 1, 12, 10), now=NOW)
    client.force_login(place_manager)
    answer = client.post(URL, form(room))
    assert answer.status_code == 400
    assert 'id="id_debut_error"' in text(answer)
    assert Booking.objects.count() == 1


def test_two_walk_ins_at_the_same_time_through_the_page(client, place_manager, desks):
    client.force_login(place_manager)
    assert client.post(URL, form(desks)).status_code == 302
    assert client.post(URL, form(desks, nom="Ali Ben", postes="2")).status_code == 302
    assert Booking.objects.holding().count() == 2


def test_another_managers_space_is_refused_by_name(client, elsewhere, room):
    client.force_login(elsewhere)
    for data in (form(room), form(room, nom="")):  # refused before any other error
        answer = client.post(URL, data)
        assert answer.status_code == 403
        assert "Vous ne gérez pas ce lieu." in text(answer)
    assert not Booking.objects.exists()


def test_only_managers_reach_the_page(client, resident, room):
    client.force_login(resident)
    for answer in (client.get(URL), client.post(URL, form(room))):
        assert answer.status_code == 403
        assert "réservée aux gestionnaires de lieux" in text(answer)
    client.logout()
    assert client.post(URL, form(room)).status_code == 302  # to the login page
    assert not Booking.objects.exists()


def test_staff_book_walk_ins_anywhere(client, staff_user, room):
    client.force_login(staff_user)
    assert client.post(URL, form(room)).status_code == 302
    assert Booking.objects.get().user == staff_user


def test_a_walk_in_is_cancelled_from_the_bookings_page(client, place_manager, room):
    booking = walk_in(
        place_manager,
        room.pk,
        paris(2027, 1, 12, 9),
        paris(2027, 1, 12, 10),
        name="Jeanne",
        contact="06 12 34 56 78",
    )
    client.force_login(place_manager)
    assert reverse("manager:booking_action", args=[booking.pk, "annuler"]) in text(
        client.get(BOOKINGS, DAY)
    )
    answer = client.post(
        reverse("manager:booking_action", args=[booking.pk, "annuler"]), {"motif": ""}, follow=True
    )
    assert "Réservation annulée." in text(answer) and "la personne reçoit" not in text(answer)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_the_csv_file_names_the_walk_in(client, place_manager, booker, room):
    walk_in(
        place_manager,
        room.pk,
        paris(2027, 1, 12, 9),
        paris(2027, 1, 12, 10),
        name="Jeanne Roux",
        contact="06 12 34 56 78",
    )
    on_page.book(booker, room.pk, paris(2027, 1, 12, 11), paris(2027, 1, 12, 12), now=NOW)
    client.force_login(place_manager)
    response = client.get(reverse("manager:bookings_csv"), {"du": "2027-01-12", "au": "2027-01-12"})
    content = response.content.decode("utf-8").removeprefix("\ufeff")
    header, walk, own = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert header[6:8] == ["Personne", "Contact"] and header[-1] == "Sur place"
    assert walk[6:8] == ["Jeanne Roux", "06 12 34 56 78"] and walk[-1] == "oui"
    assert own[7] == booker.email and own[-1] == "non"


def test_the_managers_own_pages_do_not_list_their_walk_ins(client, place_manager, room):
    booking = walk_in(
        place_manager,
        room.pk,
        paris(2027, 1, 12, 9),
        paris(2027, 1, 12, 10),
        name="Jeanne",
        contact="06 12 34 56 78",
    )
    client.force_login(place_manager)
    mine = text(client.get(reverse("booking:my_bookings")))
    assert "Salle Seine" not in mine
    assert client.get(reverse("booking:cancel", args=[booking.pk])).status_code == 404
    feed = CalendarFeed.objects.create(user=place_manager)
    assert b"VEVENT" not in client.get(reverse("booking:feed", args=[feed.token])).content
    # The place's feed does list it.
    place_feed = client.get(reverse("booking:place_feed", args=[feed.token, room.place.slug]))
    assert b"VEVENT" in place_feed.content


def test_the_home_names_the_walk_in_and_who_cancelled(client, place_manager, room):
    booking = walk_in(
        place_manager,
        room.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 10),
        name="Jeanne Roux",
        contact="06 12 34 56 78",
    )
    client.force_login(place_manager)
    assert "Jeanne Roux" in text(client.get(reverse("manager:home")))
    on_page.cancel(place_manager, booking, now=NOW)
    home = text(client.get(reverse("manager:home")))
    assert "par le lieu" in home and "par la personne" not in home
