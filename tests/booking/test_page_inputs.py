"""Dates, times and numbers in the booking pages' URLs and forms: refused or shown back in
French, never a 500, nothing written."""

from datetime import UTC, datetime, time, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.booking.forms import BookingForm, SearchForm
from maillage.booking.models import Booking
from maillage.places.models import OpeningHours, Space
from tests.moments import NOW
from tests.pages import book_on_page, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

# NOW is 1 December 2026: public reads reach 1 December 2025 to 1 December 2028.
READ_RANGE = "choisissez une date entre le 1er décembre 2025 et le 1er décembre 2028."
SPRING_FORWARD = "2027-03-28"  # last Sunday of March 2027
FALL_BACK = "2027-10-31"  # last Sunday of October 2027
HOSTILE_DATES = ["9999-12-31", "0001-01-01", "2027-02-30", "٢٠٢٧-٠١-١٢", "10" * 30, "2027-1-5"]


@pytest.fixture
def night_owl(bookable_place):
    """The place is open all night on Sundays, so a night booking is possible."""
    OpeningHours.objects.filter(place=bookable_place, weekday=6).delete()
    OpeningHours.objects.create(place=bookable_place, weekday=6, opens=time(0), closes=time(23, 30))
    return bookable_place


def book(client, space, **data):
    fields = {"date": "2027-01-12", "debut": "09:00", "fin": "10:00", "semaines": "1", **data}
    return book_on_page(client, space.pk, fields)


@pytest.mark.parametrize("raw", [*HOSTILE_DATES, "2028-12-02", "2025-11-30"])
def test_a_week_outside_the_range_shows_this_week_and_says_why(client, room, raw):
    response = client.get(reverse("booking:space", args=[room.pk]), {"semaine": raw})
    assert response.status_code == 200
    assert response.context["monday"] == datetime(2026, 11, 30).date()
    page = text(response)
    assert "« Semaine » : " in page and "Voici la semaine en cours." in page
    if raw in ("9999-12-31", "2028-12-02"):
        assert READ_RANGE in page


@pytest.mark.parametrize("raw", HOSTILE_DATES)
def test_a_date_outside_the_range_proposes_today_and_says_why(client, room, raw):
    response = client.get(reverse("booking:space", args=[room.pk]), {"date": raw})
    assert response.status_code == 200
    assert response.context["form"].initial["date"] == NOW.date()
    assert "La date du jour est proposée à la place." in text(response)


def test_week_links_stop_at_the_ends_of_the_range(client, room):
    url = reverse("booking:space", args=[room.pk])
    last = client.get(url, {"semaine": "2028-11-27"})  # the Monday of the last week allowed
    assert "Semaine suivante" not in text(last) and "Semaine précédente" in text(last)
    first = client.get(url, {"semaine": "2025-12-01"})  # a Monday, the first day allowed
    assert "Semaine précédente" not in text(first) and "Semaine suivante" in text(first)
    assert "« Semaine »" not in text(first)
    # A week partly in range is reached from its first day allowed.
    second = client.get(url, {"semaine": "2025-12-08"})
    assert 'href="?semaine=2025-12-01"' in text(second)
    with mock.patch("django.utils.timezone.now", return_value=NOW.astimezone(UTC) + timedelta(2)):
        # Now the range starts on Wednesday 3 December 2025.
        partly = client.get(url, {"semaine": "2025-12-08"})
        assert 'href="?semaine=2025-12-03">Semaine précédente' in text(partly)
        assert client.get(url, {"semaine": "2025-12-03"}).context["monday"].day == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "9999-12-31"}, "date", "choisissez une date entre le 1er décembre 2026"),
        ({"date": "0001-01-01"}, "date", "et le 1er décembre 2028."),
        ({"date": "2026-11-30"}, "date", "choisissez une date entre le 1er décembre 2026"),
        ({"date": "2027-02-30"}, "date", "cette date n'existe pas (2027-02-30)."),
        ({"date": "٢٠٢٧-٠١-١٢"}, "date", "date AAAA-MM-JJ attendue"),
        ({"date": "12/01/2027"}, "date", "date AAAA-MM-JJ attendue"),
        ({"debut": "24:00"}, "debut", "Heure HH:MM attendue, de 00:00 à 23:59"),
        ({"debut": "٠٩:٠٠"}, "debut", "Heure HH:MM attendue, de 00:00 à 23:59"),
        ({"fin": "9:00:00:00"}, "fin", "Heure HH:MM attendue"),
        ({"semaines": str(10**30)}, "semaines", "inférieure ou égale à 52"),
        ({"semaines": "-1"}, "semaines", "supérieure ou égale à 1"),
        ({"semaines": "inf"}, "semaines", "Saisissez un nombre entier."),
        ({"postes": "nan"}, "postes", "Saisissez un nombre entier."),
        ({"postes": str(10**30)}, "postes", "inférieure ou égale à 1000"),
    ],
)
def test_bad_booking_fields_are_named(client, booker, room, desks, data, field, message):
    client.force_login(booker)
    response = book(client, desks, **data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Booking.objects.exists()


def test_the_booking_form_follows_the_space_horizon(client, booker, room):
    room.max_advance_days = 30
    room.save()
    client.force_login(booker)
    response = book(client, room, date="2027-01-12")
    assert response.context["form"].errors["date"] == [
        "choisissez une date entre le 1er décembre 2026 et le 31 décembre 2026."
    ]
    assert not Booking.objects.exists()


def test_a_series_must_end_within_the_horizon(client, booker, room):
    room.max_advance_days = 60
    room.save()
    client.force_login(booker)
    response = book(client, room, date="2026-12-08", semaines="52")
    assert response.context["form"].errors["semaines"] == [
        "La série finirait le 30 novembre 2027, après le 30 janvier 2027 : "
        "réservez moins de semaines."
    ]
    assert not Booking.objects.exists()
    assert book(client, room, date="2026-12-08", semaines="8").context["plan"]


def test_a_time_the_clock_skips_is_refused_with_the_valid_times(client, booker, room, night_owl):
    client.force_login(booker)
    response = book(client, room, date=SPRING_FORWARD, debut="02:30", fin="04:00")
    assert response.status_code == 400
    assert response.context["form"].errors["debut"] == [
        "Cette heure n'existe pas le 28 mars 2027 (passage à l'heure d'été) : "
        "choisissez avant 02h00 ou à partir de 03h00."
    ]
    assert not Booking.objects.exists()
    search = client.get(
        reverse("booking:search"), {"date": SPRING_FORWARD, "debut": "01:00", "fin": "02:30"}
    )
    assert "Cette heure n'existe pas le 28 mars 2027" in " ".join(
        search.context["form"].errors["fin"]
    )


def test_a_time_the_clock_shows_twice_is_asked_then_booked(client, booker, room, night_owl):
    client.force_login(booker)
    asked = book(client, room, date=FALL_BACK, debut="02:30", fin="04:00")
    assert asked.status_code == 400
    page = text(asked)
    assert "02h30 heure d'été (UTC+2)" in page and "02h30 heure d'hiver (UTC+1)" in page
    assert "Précisez s'il s'agit de 02h30 heure d'été ou heure d'hiver." in page
    assert "<legend>Heure de début à retenir</legend>" in page
    assert "Le 31 octobre 2027, les horloges reculent d'une heure : 02h30 existe deux fois." in page
    assert 'type="radio" name="debut_occurrence"' in page
    assert 'name="fin_occurrence"' in page and 'type="radio" name="fin_occurrence"' not in page
    assert not Booking.objects.exists()
    booked = book(client, room, date=FALL_BACK, debut="02:30", fin="04:00", debut_occurrence="2")
    assert booked.status_code == 302
    booking = Booking.objects.get()
    assert booking.start == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02:30 winter time
    assert booking.end - booking.start == timedelta(hours=1, minutes=30)  # to 04:00 winter time


def test_a_window_across_the_fall_back_is_read_as_instants(room, night_owl):
    data = {"date": FALL_BACK, "debut": "02:30", "fin": "02:00", "semaines": "1"}
    data |= {"debut_occurrence": "1", "fin_occurrence": "2"}  # summer 02:30, winter 02:00
    form = BookingForm(data, space=room)
    assert form.is_valid(), form.errors
    start, end = form.window
    assert (start, end) == (
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 0, tzinfo=UTC),
    )
    backwards = BookingForm({**data, "debut_occurrence": "2", "fin_occurrence": "1"}, space=room)
    assert backwards.errors["fin"] == ["L'heure de fin doit être après l'heure de début."]
    ordinary = SearchForm({"date": "2027-01-12", "debut": "09:00", "fin": "12:00"})
    assert ordinary.is_valid()
    assert [field.name for field in ordinary.visible_fields()] == [
        "date",
        "debut",
        "fin",
        "commune",
        "type",
        "personnes",
    ]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"lat": "inf", "lon": "2.2"}, "lat", "Saisissez un nombre."),
        ({"lat": "48.8", "lon": "nan"}, "lon", "Saisissez un nombre."),
        ({"lat": "1e308", "lon": "2.2"}, "lat", "inférieure ou égale à 90"),
        ({"lat": "48.8", "lon": "-1e308"}, "lon", "supérieure ou égale à -180"),
        ({"personnes": str(10**30)}, "personnes", "inférieure ou égale à 1000"),
        ({"personnes": "-3"}, "personnes", "supérieure ou égale à 1"),
        ({"personnes": "inf"}, "personnes", "Saisissez un nombre entier."),
        ({"date": "9999-12-31"}, "date", "choisissez une date entre le 1er décembre 2026"),
        ({"fin": "24:00"}, "fin", "Heure HH:MM attendue, de 00:00 à 23:59"),
        ({"debut": "12:60"}, "debut", "Heure HH:MM attendue, de 00:00 à 23:59"),
    ],
)
def test_bad_search_numbers_and_dates_are_named(client, room, query, field, message):
    search = {"date": "2027-01-12", "debut": "09:00", "fin": "12:00", **query}
    response = client.get(reverse("booking:search"), search)
    assert response.status_code == 200 and response.context["results"] is None
    assert message in " ".join(response.context["form"].errors[field])
    label = response.context["form"].fields[field].label
    assert f"{label} : " in text(response) and message in text(response)  # hidden ones too


@pytest.mark.parametrize(
    ("page", "shown"),
    [(str(10**30), 2), ("-4", 1), ("0", 1), ("inf", 1), ("nan", 1), ("deux", 1), ("2", 2)],
)
def test_a_page_number_out_of_range_says_which_page_is_shown(client, bookable_place, page, shown):
    Space.objects.bulk_create(
        Space(place=bookable_place, name=f"Bureau {n}", kind="private_office", capacity=2)
        for n in range(25)
    )
    query = {"date": "2027-01-12", "debut": "09:00", "fin": "12:00", "page": page}
    response = client.get(reverse("booking:search"), query)
    assert response.status_code == 200 and response.context["page"].number == shown
    warned = f"« Page » : choisissez un numéro de page entre 1 et 2 ; voici la page {shown}."
    assert (warned in text(response)) == (page != "2")


FORM_VALUES = [
    "2027-01-12",
    SPRING_FORWARD,
    FALL_BACK,
    *HOSTILE_DATES,
    "02:30",
    "09:00",
    "10:00",
    "24:00",
    "23:60",
    "1",
    "2",
    "52",
    "53",
    str(10**30),
    "-1",
    "inf",
    "nan",
    "1e308",
    "",
    "\x00",
    "x" * 10_000,
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.dictionaries(
        st.sampled_from(
            ["date", "debut", "fin", "postes", "semaines", "debut_occurrence", "fin_occurrence"]
        ),
        st.one_of(st.sampled_from(FORM_VALUES), st.text(max_size=20)),
    )
)
def test_the_booking_form_never_fails_on_hostile_fields(client, booker, desks, night_owl, data):
    client.force_login(booker)
    before = Booking.objects.count()
    response = client.post(reverse("booking:book", args=[desks.pk]), data)
    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert Booking.objects.count() == before


def test_the_search_asks_which_time_too(client, room, night_owl):
    query = {"date": FALL_BACK, "debut": "01:00", "fin": "02:30"}
    asked = client.get(reverse("booking:search"), query)
    assert asked.context["results"] is None
    assert "<legend>Heure de fin à retenir</legend>" in text(asked)
    found = client.get(reverse("booking:search"), {**query, "fin_occurrence": "2"})
    assert [r.space_id for r in found.context["results"]] == [room.pk]
    start, end = found.context["form"].window
    assert end - start == timedelta(hours=2, minutes=30)
