from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maillage.places.models import Closure, OpeningHours, Place, Space
from tests.factories import make_place

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
        make_place(
            commune, latitude=other_commune.centroid_lat, longitude=other_commune.centroid_lon
        )
    assert "n'est pas dans la commune de Boulogne-Billancourt" in str(error.value.message_dict)
    assert not Place.objects.exists()


def test_the_postal_code_must_belong_to_the_commune(commune):
    with pytest.raises(ValidationError) as error:
        make_place(commune, postal_code="92000")
    assert error.value.message_dict["postal_code"] == [
        "Le code postal 92000 n'est pas celui de Boulogne-Billancourt (92100)."
    ]


def test_siret_is_checked_and_stored_compact(commune):
    place = make_place(commune, siret="732 829 320 00074")
    assert place.siret == "73282932000074"
    with pytest.raises(ValidationError) as error:
        make_place(commune, slug="autre", siret="73282932000075")
    assert "clé de contrôle" in error.value.message_dict["siret"][0]


def test_status_cannot_go_back(place):
    place.status = "project"
    with pytest.raises(ValidationError) as error:
        place.full_clean()
    assert error.value.message_dict["status"][0].startswith("Un lieu « Ouvert » ne peut pas")


def test_an_open_place_needs_an_opening_date(commune):
    with pytest.raises(ValidationError) as error:
        make_place(commune, opening_date=None)
    assert "date d'ouverture" in error.value.message_dict["opening_date"][0]


def test_thd_threshold(place):
    place.broadband_down_mbps = 29
    assert not place.has_thd
    place.broadband_down_mbps = 30
    assert place.has_thd
