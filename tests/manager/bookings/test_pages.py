"""The managers' bookings pages: views, filters, rights, actions and the CSV file."""

import csv
import io
from datetime import UTC
from unittest import mock

import pytest
from django.urls import reverse

from maillage.booking.models import BookingStatus
from tests.booking import on_page
from tests.factories import ManagerFactory, PlaceFactory, RoomFactory
from tests.moments import NOW, paris
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

URL = reverse("manager:bookings")
CSV = reverse("manager:bookings_csv")
DAY = {"vue": "jour", "du": "2027-01-12"}


def book_on(person, space, start_hour: int, end_hour: int, day: int = 12):
    """`person` books `space` on `day` January 2027 (Paris), as the pages do at NOW."""
    return on_page.book(
        person, space.pk, paris(2027, 1, day, start_hour), paris(2027, 1, day, end_hour), now=NOW
    )


def at(moment):
    """Pages see `moment` as the present (log in under it: sessions expire by that clock)."""
    return mock.patch("django.utils.timezone.now", return_value=moment.astimezone(UTC))


def action(pk: int, name: str) -> str:
    return reverse("manager:booking_action", args=[pk, name])


@pytest.fixture
def approval(bookable_place):
    bookable_place.requires_approval = True
    bookable_place.save()


@pytest.fixture
def elsewhere(other_place):
    """A manager of another place (Nanterre), and a room there."""
    return ManagerFactory(email="ailleurs@lieu.test", places=[other_place])


def test_only_managers_see_the_pages(client, resident, booker, room, approval):
    pending = book_on(booker, room, 9, 10)
    client.force_login(resident)
    for answer in (
        client.get(URL),
        client.get(CSV),
        client.get(reverse("manager:home")),
        client.post(action(pending.pk, "confirmer")),
        client.post(action(pending.pk + 1000, "confirmer")),  # as unknown as a real one
    ):
        assert answer.status_code == 403
        assert "réservée aux gestionnaires de lieux" in text(answer)


def test_another_managers_place_is_refused_by_name(client, elsewhere, booker, room, approval):
    pending = book_on(booker, room, 9, 10)
    client.force_login(elsewhere)
    for answer in (
        client.get(URL, {"lieu": room.place.slug}),
        client.get(URL, {"espace": room.pk}),
        client.get(CSV, {"lieu": room.place.slug}),
        client.post(action(pending.pk, "confirmer")),
        client.post(action(pending.pk, "refuser"), {"motif": "Non"}),
        client.post(action(pending.pk, "annuler"), {"motif": "Non"}),
        client.post(action(pending.pk, "present")),
        client.post(action(pending.pk, "absent")),
    ):
        assert answer.status_code == 403
        assert "Vous ne gérez pas ce lieu." in text(answer)
    pending.refresh_from_db()
    assert pending.status == BookingStatus.PENDING
    # Their own list does not show it.
    assert pending.user.email not in text(client.get(URL, DAY))


def test_day_view_lists_the_person_and_the_actions(client, booker, place_manager, room, approval):
    booker.first_name, booker.last_name = "Anne", "Martin"
    booker.save()
    pending = book_on(booker, room, 9, 10)
    client.force_login(place_manager)
    page = text(client.get(URL, DAY))
    assert "Anne Martin" in page and f'href="mailto:{booker.email}"' in page
    assert "1 demande à valider" in page and "à valider avant le" in page
    assert action(pending.pk, "confirmer") in page
    assert "la demande d'Anne Martin" in page and "de Anne" not in page
    refused = client.post(action(pending.pk, "refuser"), {"motif": "", "retour": URL})
    assert refused.status_code == 400
    body = text(refused)
    assert "Indiquez le motif du refus" in body and 'id="erreurs"' in body
    assert f'aria-describedby="refus-{pending.pk}_error"' in body
    pending.refresh_from_db()
    assert pending.status == BookingStatus.PENDING
    accepted = client.post(action(pending.pk, "confirmer"), {"retour": f"{URL}?vue=jour"})
    assert accepted.status_code == 302 and accepted["Location"] == f"{URL}?vue=jour"
    pending.refresh_from_db()
    assert pending.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize(
    ("motif", "told"),
    [("x" * 301, "au plus 300 caractères"), ("Fermé\r\nBcc: x@exemple.test", "retour à la ligne")],
)
def test_a_reason_the_model_refuses_is_told_not_dropped(
    client, booker, place_manager, room, approval, motif, told
):
    pending = book_on(booker, room, 9, 10)
    client.force_login(place_manager)
    answer = client.post(action(pending.pk, "refuser"), {"motif": motif})
    assert answer.status_code == 400
    page = text(answer)
    assert "Motif : " in page and told in page and "Indiquez le motif" not in page
    pending.refresh_from_db()
    assert pending.status == BookingStatus.PENDING and pending.status_reason == ""


def test_cancel_with_a_reason(client, booker, place_manager, room):
    booking = book_on(booker, room, 9, 10)
    client.force_login(place_manager)
    answer = client.post(action(booking.pk, "annuler"), {"motif": "Dégât des eaux"}, follow=True)
    assert "Réservation annulée : la personne reçoit votre motif." in text(answer)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.status_reason == "Dégât des eaux"


def test_actions_never_send_people_to_another_site(client, booker, place_manager, room, approval):
    pending = book_on(booker, room, 9, 10)
    client.force_login(place_manager)
    response = client.post(
        action(pending.pk, "confirmer"), {"retour": "https://exemple.invalid/hameconnage"}
    )
    assert response["Location"] == URL


def test_present_and_absent_follow_the_clock(client, booker, place_manager, room):
    booking = book_on(booker, room, 9, 10)
    present, absent = action(booking.pk, "present"), action(booking.pk, "absent")

    def shown(moment):
        with at(moment):
            client.force_login(place_manager)
            page = text(client.get(URL, DAY))
        return {name for name, link in (("present", present), ("absent", absent)) if link in page}

    assert shown(paris(2027, 1, 12, 8, 0)) == set()  # presence from 30 minutes before
    assert shown(paris(2027, 1, 12, 8, 40)) == {"present"}  # absence only after the start
    on_page.check_in(place_manager, booking, now=paris(2027, 1, 12, 8, 40))
    assert shown(paris(2027, 1, 12, 9, 5)) == {"absent"}


def test_an_expired_request_cannot_be_accepted(client, booker, place_manager, room, approval):
    pending = book_on(booker, room, 9, 10)
    with at(pending.pending_until):
        client.force_login(place_manager)
        page = text(client.get(URL, DAY))
        assert action(pending.pk, "confirmer") not in page and "à valider" not in page
        refused = client.post(action(pending.pk, "confirmer"))
    assert refused.status_code == 400 and "Le délai de validation est dépassé" in text(refused)


def test_filters_select_place_space_status_and_dates(
    client, booker, other_booker, place_manager, room, desks, approval, commune
):
    second = PlaceFactory(commune=commune, slug="deuxieme", name="Deuxième lieu")
    second.managers.add(place_manager)
    hall = RoomFactory(place=second, name="Grande salle")
    in_room = book_on(booker, room, 9, 10)
    at_desk = book_on(other_booker, desks, 9, 10)
    later = book_on(booker, room, 9, 10, day=20)
    client.force_login(place_manager)

    def listed(**query):
        response = client.get(URL, query)
        assert response.status_code == 200
        return [booking.pk for booking in response.context["bookings"]]

    # By start, then place and space names.
    assert listed(du="2027-01-12", au="2027-01-31") == [at_desk.pk, in_room.pk, later.pk]
    assert listed(du="2027-01-12", au="2027-01-12") == [at_desk.pk, in_room.pk]
    assert listed(vue="semaine", du="2027-01-14") == [at_desk.pk, in_room.pk]
    assert listed(du="2027-01-12", au="2027-01-31", espace=desks.pk) == [at_desk.pk]
    assert listed(du="2027-01-12", au="2027-01-31", lieu=second.slug) == []
    on_page.confirm(place_manager, in_room, now=NOW)
    assert listed(du="2027-01-12", au="2027-01-31", statut="pending") == [at_desk.pk, later.pk]
    page = text(client.get(URL, {"du": "2027-01-12"}))
    assert f'<option value="{hall.pk}">Grande salle</option>' in page
    # Across places each row names its place; one place's page does not repeat it.
    assert f"{room.place.name} — Salle Seine" in page
    one = text(client.get(URL, {"du": "2027-01-12", "lieu": room.place.slug}))
    assert f"{room.place.name} — Salle Seine" not in one and "Salle Seine" in one


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"du": "2027-02-30"}, "du", "Du"),
        ({"du": "9999-12-31"}, "du", "Choisissez une date entre le 01/12/2025 et le 01/12/2028."),
        ({"du": "2027-01-12", "au": "2027-01-11"}, "au", "le jour de début ou après"),
        ({"du": "2027-01-01", "au": "2028-06-01"}, "au", "au plus 366 jours"),
        ({"vue": "mois"}, "vue", "Sélectionnez un choix valide"),
        ({"lieu": "inconnu"}, "lieu", "Ce lieu n'existe pas"),
        ({"espace": "999999"}, "espace", "Cet espace n'existe pas"),
        ({"espace": "abc"}, "espace", "Saisissez un nombre entier"),
    ],
)
def test_bad_filters_are_explained_next_to_their_field(
    client, place_manager, query, field, message
):
    client.force_login(place_manager)
    for url in (URL, CSV):
        response = client.get(url, query)
        assert response.status_code == 400
        page = text(response)
        assert message in page and 'id="erreurs"' in page
        assert f'aria-describedby="id_{field}_error"' in page or (f'id="id_{field}_error"' in page)


def test_navigation_stays_in_the_read_range(client, place_manager):
    client.force_login(place_manager)
    last = text(client.get(URL, {"vue": "jour", "du": "2028-12-01"}))
    assert "Jour suivant" not in last and "du=2028-11-30" in last
    week = text(client.get(URL, {"vue": "semaine", "du": "2027-01-13"}))
    assert "Semaine précédente" in week and "du=2027-01-04" in week and "du=2027-01-18" in week


def test_the_csv_file_holds_the_selection(client, booker, place_manager, room):
    booker.first_name, booker.last_name = '=HYPERLINK("x")', "Martin"
    booker.save()
    book_on(booker, room, 9, 10)
    client.force_login(place_manager)
    response = client.get(CSV, {"du": "2027-01-12", "au": "2027-01-12"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "reservations-2027-01-12-2027-01-12.csv" in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Lieu", "Espace", "Date"]
    assert rows[1][1:6] == ["Salle Seine", "12/01/2027", "09:00", "10:00", "Confirmée"]
    assert rows[1][6].startswith("'=")  # a formula reads as text
    assert rows[1][7] == booker.email and rows[1][9] == "25,00"
    assert len(rows) == 2


def test_the_page_offers_the_print_stylesheet_and_the_place_feed(client, place_manager, room):
    client.force_login(place_manager)
    page = text(client.get(URL, {"lieu": room.place.slug}))
    assert 'media="print"' in page and "bookings-print.css" in page
    assert "Créer votre adresse d'agenda" in page


def test_a_refused_action_comes_back_to_the_page(client, booker, place_manager, room, approval):
    pending = book_on(booker, room, 9, 10)
    client.force_login(place_manager)
    retour = f"{URL}?vue=jour&du=2027-01-12"
    refused = client.post(action(pending.pk, "refuser"), {"motif": "", "retour": retour})
    assert refused.status_code == 400
    # The page re-rendered at the action's address still sends the next action back to it.
    assert f'name="retour" value="{URL}?vue=jour&du=2027-01-12"' in text(refused)
    elsewhere = client.post(action(pending.pk, "confirmer"), {"retour": action(pending.pk, "x")})
    assert elsewhere["Location"] == URL
