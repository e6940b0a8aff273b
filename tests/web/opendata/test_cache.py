"""The files are kept in the cache between requests, under the places' data version: a
change to a place is published at once (on committed data, outside a transaction)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DeskFactory, PlaceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_file_is_built_once_per_state_of_the_places(client, territory):
    cache.clear()
    place = PlaceFactory(commune=territory.get(insee_code="92012"), name="Le Nid")
    DeskFactory(place=place)
    url = reverse("web:opendata_places_csv")
    first = client.get(url)
    assert "Le Nid" in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(reverse("web:opendata_spaces_csv"))
        assert client.get(url).content == first.content
    # Built with the places' file, from the same read: no place is read again.
    assert not [q for q in queries if "places_place" in q["sql"]]
    assert "Le Nid" in again.content.decode()

    place.name = "Le Nid renommé"
    place.save()
    renamed = client.get(url)
    assert "Le Nid renommé" in renamed.content.decode()
    assert renamed["ETag"] != first["ETag"]
