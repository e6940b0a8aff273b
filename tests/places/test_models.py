from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from maillage.places.models import Closure, OpeningHours, Place, Space
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_space_without_capacity(place):
    with pytest.raises(IntegrityError), transaction.atomic():
        Space.objects.create(place=place, name="Vide", kind="desk", capacity=0)


def test_database_refuses_an_unknown_space_kind(place):
    with pytest.raises(IntegrityError), transaction.atomic():
        Space.objects.create(place=place, name="Piscine", kind="pool", capacity=3)


def test_database_refuses_two_spaces_with_the_same_name(place):
    Space.objects.create(place=place, name="Salle A", kind="meeting_room", capacity=8)
    with pytest.raises(IntegrityError), transaction.atomic():
        Space.objects.create(place=place, name="Salle A", kind="meeting_room", capacity=4)


def test_database_refuses_closing_before_opening(place):
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(place=place, weekday=0, opens=time(18), closes=time(9))


def test_database_refuses_a_closure_ending_before_it_starts(place):
    with pytest.raises(IntegrityError), transaction.atomic():
        Closure.objects.create(
            place=place, start_date=date(2026, 12, 31), end_date=date(2026, 12, 1), reason="x"
        )


def test_database_refuses_an_open_place_without_opening_date(place):
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.filter(pk=place.pk).update(opening_date=None)


def test_database_refuses_an_unknown_status(place):
    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.filter(pk=place.pk).update(status="abandoned")


def test_a_point_outside_the_commune_is_refused(commune, other_commune):
    with pytest.raises(ValidationError) as error:
        PlaceFactory(
            commune=commune,
            latitude=other_commune.centroid_lat,
            longitude=other_commune.centroid_lon,
        )
    assert "n'est pas dans la commune de Boulogne-Billancourt" in str(error.value.message_dict)
    assert not Place.objects.exists()


def test_the_postal_code_must_belong_to_the_commune(commune):
    with pytest.raises(ValidationError) as error:
        PlaceFactory(commune=commune, postal_code="92000")
    assert error.value.message_dict["postal_code"] == [
        "Le code postal 92000 n'est pas celui de Boulogne-Billancourt (92100)."
    ]


def test_siret_is_checked_and_stored_compact(commune):
    place = PlaceFactory(commune=commune, siret="732 829 320 00074")
    assert place.siret == "73282932000074"
    with pytest.raises(ValidationError) as error:
        PlaceFactory(commune=commune, slug="autre", siret="73282932000075")
    assert "clé de contrôle" in error.value.message_dict["siret"][0]


def test_status_cannot_go_back(place):
    place.status = "project"
    with pytest.raises(ValidationError) as error:
        place.full_clean()
    assert error.value.message_dict["status"][0].startswith("Un lieu « Ouvert » ne peut pas")


def test_an_open_place_needs_an_opening_date(commune):
    with pytest.raises(ValidationError) as error:
        PlaceFactory(commune=commune, opening_date=None)
    assert "date d'ouverture" in error.value.message_dict["opening_date"][0]


def test_thd_threshold(place):
    place.broadband_down_mbps = 29
    assert not place.has_thd
    place.broadband_down_mbps = 30
    assert place.has_thd


# Text and numbers: full_clean names the field and the rule; the database refuses the rest on
# SQLite as on PostgreSQL (which refuses a value beyond its column with a DataError).


@pytest.mark.parametrize("name", ["Atelier\r\nBcc: x@example.org", "Atelier\n", "A\x00B"])
def test_a_place_name_is_one_line(commune, name):
    with pytest.raises(ValidationError) as error:
        PlaceFactory(commune=commune, name=name)
    assert error.value.message_dict["name"] == [
        "Le nom ne peut pas contenir de retour à la ligne ni de caractère de contrôle."
    ]
    assert not Place.objects.exists()


def test_a_phone_number_with_a_line_break_is_refused(commune):
    with pytest.raises(ValidationError) as error:
        PlaceFactory(commune=commune, phone="01 23 45 67 89\n")
    assert error.value.message_dict["phone"][0] == (
        "Le téléphone ne peut pas contenir de retour à la ligne ni de caractère de contrôle."
    )


def test_a_description_keeps_its_lines_but_not_nul(commune):
    place = PlaceFactory(commune=commune, description="Bienvenue.\r\n\tCafé offert.")
    assert place.description == "Bienvenue.\r\n\tCafé offert."
    place.description = "Bienvenue\x00"
    with pytest.raises(ValidationError) as error:
        place.full_clean()
    assert "La présentation ne peut pas contenir" in error.value.message_dict["description"][0]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"latitude": float("inf")}, "latitude", "La latitude doit être un nombre fini."),
        ({"longitude": float("nan")}, "longitude", "La longitude doit être un nombre fini."),
        ({"latitude": 1e308}, "latitude", "La latitude doit être entre -90 et 90."),
        (
            {"broadband_down_mbps": 2**31},
            "broadband_down_mbps",
            "Le débit descendant doit être entre 0 et 100\u202f000\u00a0Mbit/s.",
        ),
        (
            {"cancellation_notice_hours": 2**15},
            "cancellation_notice_hours",
            "Le préavis d'annulation doit être entre 0 et 720\u00a0heures.",
        ),
    ],
)
def test_place_numbers_are_finite_and_bounded(commune, fields, field, message):
    with pytest.raises(ValidationError) as error:
        PlaceFactory(commune=commune, **fields)
    assert error.value.message_dict[field] == [message]
    assert not Place.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"capacity": 2**31}, "capacity", "La capacité doit être entre 1 et 1\u202f000"),
        (
            {"price_hour_cents": 10**20},
            "price_hour_cents",
            "Le prix à l'heure doit être entre 0 et 100\u202f000\u00a0€.",
        ),
        ({"name": "x" * 10_000}, "name", "au plus 100 caractères"),
    ],
)
def test_space_values_are_bounded(place, fields, field, message):
    space = Space(place=place, **{"name": "Salle", "kind": "meeting_room", "capacity": 8, **fields})
    with pytest.raises(ValidationError) as error:
        space.full_clean()
    assert any(message in text for text in error.value.message_dict[field])


@pytest.mark.parametrize("name", ["Atelier\r\nBcc: x@example.org", "Atelier\n", "x" * 151])
def test_database_refuses_a_place_name_on_two_lines_or_too_long(place, name):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Place.objects.filter(pk=place.pk).update(name=name)


@pytest.mark.parametrize("name", ["Salle\r\nA", "x" * 101])
def test_database_refuses_a_space_name_on_two_lines_or_too_long(place, name):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Space.objects.create(place=place, name=name, kind="desk", capacity=3)


@pytest.mark.parametrize(
    "fields",
    [
        {"capacity": 1_001},
        {"capacity": 2**15},
        {"price_day_cents": 100_000_01},
        {"price_hour_cents": 2**40},
    ],
)
def test_database_refuses_a_capacity_or_price_beyond_its_range(place, fields):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Space.objects.create(place=place, name="Salle", kind="desk", **{"capacity": 3, **fields})
