import pytest

from maillage.places.completeness import missing
from maillage.places.models import OpeningHours, PlacePhoto, Space
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db

EVERYTHING = ["photos", "horaires d'ouverture", "prix des espaces", "SIRET", "accessibilité"]


def test_a_bare_place_lacks_everything(place):
    assert missing(place) == EVERYTHING


def test_each_part_filled_leaves_the_list(place):
    PlacePhoto.objects.bulk_create([PlacePhoto(place=place, image="lieux/a.jpg", alt_text="A")])
    assert missing(place) == EVERYTHING[1:]
    OpeningHours.objects.create(place=place, weekday=0, opens="09:00", closes="18:00")
    assert missing(place) == EVERYTHING[2:]
    room = RoomFactory(place=place, name="Salle")
    assert missing(place) == EVERYTHING[3:]
    place.siret = "73282932000074"
    place.hearing_loop = True
    place.save()
    assert missing(place) == []
    # A bookable space without any price brings the prices back; one not bookable does not.
    Space.objects.filter(pk=room.pk).update(
        price_hour_cents=None, price_half_day_cents=None, price_day_cents=None
    )
    assert missing(place) == ["prix des espaces"]
    Space.objects.filter(pk=room.pk).update(is_bookable=False)
    assert missing(place) == []
