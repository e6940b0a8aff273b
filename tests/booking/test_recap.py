"""The recap a person reads before committing a booking (issue 18): the dates and times, the
price (a series' total, toutes taxes comprises), the place's payment terms and the
cancellation deadline, computed by the very rule cancelling enforces."""

import re
from datetime import UTC, timedelta

import pytest
from django.urls import reverse

from maillage.booking.lifecycle import cancellation_deadline
from maillage.booking.models import Booking, BookingStatus
from maillage.booking.services import past_cancellation_notice
from maillage.places.models import Place, Space
from tests.moments import DAY, SUITE_CLOCK, paris
from tests.pages import text

# The window asked: DAY (a Tuesday two weeks ahead) from 10:00 to 12:00.
WINDOW = {"date": DAY.isoformat(), "debut": "10:00", "fin": "12:00", "postes": "1"}
TITLE = "Lieu de Boulogne-Billancourt — Open space"


def test_the_deadline_is_the_notice_before_the_start():
    start = paris(2026, 12, 8, 10, 0)
    assert cancellation_deadline(start, 24) == paris(2026, 12, 7, 10, 0)
    assert cancellation_deadline(start, 24).tzinfo == UTC


def test_without_notice_the_deadline_is_the_start():
    start = paris(2026, 12, 8, 10, 0)
    assert cancellation_deadline(start, 0) == start


def test_the_notice_counts_elapsed_hours_across_the_spring_change():
    # Clocks go forward on Sunday 29 March 2026: 48 h before Monday 9:00 is Saturday 8:00.
    assert cancellation_deadline(paris(2026, 3, 30, 9, 0), 48) == paris(2026, 3, 28, 8, 0)


def test_the_notice_counts_elapsed_hours_across_the_autumn_change():
    # Clocks go back on Sunday 25 October 2026: 48 h before Monday 9:00 is Saturday 10:00.
    deadline = cancellation_deadline(paris(2026, 10, 26, 9, 0), 48)
    assert deadline == paris(2026, 10, 24, 10, 0)
    # Not the wall clock's «two days earlier, same time»: an hour apart.
    assert deadline - paris(2026, 10, 24, 9, 0) == timedelta(hours=1)


@pytest.mark.parametrize("notice", [0, 1, 48])
@pytest.mark.parametrize("start", [paris(2026, 3, 30, 1, 30), paris(2026, 10, 26, 9, 0)])
def test_the_deadline_is_where_cancelling_becomes_late(start, notice):
    """The recap's deadline and the rule cancelling enforces are one: at it, still on time;
    a microsecond later, late."""
    place = Place(cancellation_notice_hours=notice)
    booking = Booking(space=Space(place=place), start=start, status=BookingStatus.CONFIRMED)
    deadline = cancellation_deadline(start, notice)
    assert not past_cancellation_notice(booking, deadline)
    assert past_cancellation_notice(booking, deadline + timedelta(microseconds=1))


def recap(response) -> str:
    """The recap block's text, tags dropped and ASCII white space collapsed (non-breaking
    spaces kept)."""
    page = text(response)
    found = re.search(r'<section aria-labelledby="recap-titre".*?</section>', page, re.S)
    assert found, "no recap on the page"
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", found.group())).strip()


@pytest.mark.django_db
def test_a_single_booking_is_recapped_before_it_is_made(client, desks, booker):
    client.force_login(booker)
    response = client.get(reverse("booking:space", args=[desks.pk]), WINDOW)
    shown = recap(response)
    assert shown.startswith(f"Récapitulatif de votre réservation Espace {TITLE} ")
    assert "Date Mardi 15 décembre 2026, de 10h00 à 12h00" in shown
    assert "Prix pour ce créneau : 8 €" in shown
    assert "Prix toutes taxes comprises." in shown
    assert (
        "Paiement Conditions de paiement non renseignées : renseignez-vous auprès du lieu." in shown
    )
    assert (
        "Annulation En ligne, depuis «\u00a0Mes réservations\u00a0», jusqu'au lundi "
        "14 décembre 2026 à 10h00 (24 h avant le début) ; ensuite, contactez le lieu." in shown
    )
    # Announced as the price was: a status region holding the recap.
    assert '<div class="price" role="status" id="prix"><section aria-labelledby="recap-titre"' in (
        text(response)
    )


@pytest.mark.django_db
def test_the_recap_gives_the_place_terms_and_contact(client, desks, booker):
    place = desks.place
    place.phone = "01 23 45 67 89"
    place.cancellation_notice_hours = 0
    place.requires_approval = True
    place.save()
    client.force_login(booker)
    url = reverse("booking:space", args=[desks.pk])
    shown = recap(client.get(url, WINDOW))
    assert "renseignez-vous auprès du lieu (01 23 45 67 89)." in shown
    assert "jusqu'au mardi 15 décembre 2026 à 10h00 (son début)" in shown
    assert "Tant que le lieu ne l'a pas validée, une demande s'annule à tout moment." in shown
    place.payment_terms = "Carte ou chèque, sur place.\nFacture sur demande."
    place.save()
    shown = recap(client.get(url, WINDOW))
    assert "Paiement Carte ou chèque, sur place. Facture sur demande." in shown


@pytest.mark.django_db
def test_a_series_is_recapped_with_its_total_and_the_rule_per_date(client, desks, booker):
    client.force_login(booker)
    response = client.post(reverse("booking:book", args=[desks.pk]), {**WINDOW, "semaines": 3})
    assert response.status_code == 200
    shown = recap(response)
    assert shown.startswith(f"Récapitulatif de vos réservations Espace {TITLE} ")
    assert (
        "Dates 3 dates, du mardi 15 décembre 2026 au mardi 29 décembre 2026, de 10h00 à 12h00"
        in shown
    )
    assert "Total de la série : 24 €" in shown
    assert "Prix toutes taxes comprises." in shown
    assert (
        "jusqu'au lundi 14 décembre 2026 à 10h00 pour la première date, "
        "puis 24 h avant chaque date ; ensuite, contactez le lieu." in shown
    )


@pytest.mark.django_db
def test_a_booking_inside_the_notice_says_so(client, desks, booker):
    """Booked tomorrow at 10:00 from a place asking 48 h: online cancelling is already over."""
    desks.place.cancellation_notice_hours = 48
    desks.place.save()
    client.force_login(booker)
    tomorrow = {**WINDOW, "date": (SUITE_CLOCK + timedelta(days=1)).date().isoformat()}
    shown = recap(client.get(reverse("booking:space", args=[desks.pk]), tomorrow))
    assert (
        "Le délai d'annulation en ligne (48 h avant le début) est déjà passé : une fois "
        "confirmée, cette réservation ne s'annulera plus en ligne ; contactez le lieu." in shown
    )
    series = client.post(reverse("booking:book", args=[desks.pk]), {**tomorrow, "semaines": 2})
    assert (
        "Le délai d'annulation en ligne (48 h avant le début) est déjà passé pour la première "
        "date : elle ne s'annulera plus en ligne une fois confirmée ; les suivantes s'annulent "
        "en ligne jusqu'à 48 h avant leur début." in recap(series)
    )


@pytest.mark.django_db
def test_a_window_typed_or_changed_since_its_recap_is_recapped_not_booked(client, desks, booker):
    client.force_login(booker)
    url = reverse("booking:book", args=[desks.pk])
    # Typed on the page: the recap comes first.
    typed = client.post(url, {**WINDOW, "semaines": "1"})
    assert typed.status_code == 200 and not Booking.objects.exists()
    assert "Vérifiez le récapitulatif" in text(typed)
    assert "de 10h00 à 12h00" in recap(typed)
    # Changed after its recap: the new window's recap, still nothing booked.
    token = typed.context["price_token"]
    changed = client.post(url, {**WINDOW, "fin": "13:00", "semaines": "1", "tarif": token})
    assert changed.status_code == 200 and not Booking.objects.exists()
    assert "de 10h00 à 13h00" in recap(changed)
    # Confirmed as recapped: booked.
    confirmed = client.post(
        url, {**WINDOW, "fin": "13:00", "semaines": "1", "tarif": changed.context["price_token"]}
    )
    assert confirmed.status_code == 302
    assert Booking.objects.get().end == paris(DAY.year, DAY.month, DAY.day, 13, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"debut": "02:00", "fin": "05:00"}, "horaires"),
        ({"date": (SUITE_CLOCK - timedelta(days=1)).date().isoformat()}, "passé"),
        ({"postes": "500"}, "places"),
    ],
    ids=["night", "past", "over capacity"],
)
def test_a_window_the_space_cannot_take_gets_its_refusal_not_a_recap(
    client, desks, booker, window, message
):
    client.force_login(booker)
    asked = {**WINDOW, **window}
    query = {**asked, "personnes": asked["postes"]}
    page = client.get(reverse("booking:space", args=[desks.pk]), query)
    assert 'aria-labelledby="recap-titre"' not in text(page) and not page.context["price_token"]
    assert message in text(page).lower()
    posted = client.post(reverse("booking:book", args=[desks.pk]), {**asked, "semaines": "1"})
    assert posted.status_code == 400 and not posted.context["price_token"]
    assert 'aria-labelledby="recap-titre"' not in text(posted)
    assert not Booking.objects.exists()
