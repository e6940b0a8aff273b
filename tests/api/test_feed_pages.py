"""The change feeds' pages over HTTP, as RPDE 1.0 asks: `next` on every page, the last page
pointing to itself, the cache headers, items as the API shows them, bad parameters refused."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from maillage.api.views import feeds as feed_views
from maillage.booking import feed_slots
from maillage.core.models import FeedTombstone
from tests.factories import BookablePlaceFactory, DeskFactory, PlaceFactory

# Committed changes only reach a feed (on PostgreSQL, nothing of a transaction still open).
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_tombstones_of_flushed_rows():
    """As in test_feeds: tombstones the flush left on SQLite name ids taken again."""
    FeedTombstone.objects.all().delete()


def read_all(client: Client, path: str) -> tuple[list[dict], list]:
    """Every item of a feed, following `next`, and the responses read."""
    items, responses, url = [], [], path
    while True:
        response = client.get(url)
        assert response.status_code == 200, response.content
        responses.append(response)
        body = response.json()
        items += body["items"]
        if not body["items"]:
            return items, responses
        url = body["next"]


def test_a_feed_is_walked_page_by_page_to_a_last_page_pointing_to_itself(commune, monkeypatch):
    monkeypatch.setattr(feed_views, "PAGE_SIZE", 2)
    places = [PlaceFactory(commune=commune, slug=f"lieu-{n}") for n in range(5)]
    items, responses = read_all(Client(), "/api/v1/flux/lieux")
    assert [int(item["id"]) for item in items] == [place.pk for place in places]
    assert [len(r.json()["items"]) for r in responses] == [2, 2, 1, 0]
    *full, last = responses
    for response in full:
        assert response["Cache-Control"] == "public, max-age=3600"
        assert response.json()["license"] == feed_views.LICENCE
    assert last["Cache-Control"] == "public, max-age=8"
    last_url = full[-1].json()["next"]
    assert last.json()["next"] == last_url
    query = parse_qs(urlsplit(last_url).query)
    assert query == {"afterTimestamp": [str(items[-1]["modified"])], "afterId": [items[-1]["id"]]}


def test_an_item_shows_what_the_api_shows_and_a_deleted_one_only_its_id(commune):
    place = BookablePlaceFactory(commune=commune)
    space = DeskFactory(place=place)
    client = Client()
    (place_item,) = read_all(client, "/api/v1/flux/lieux")[0]
    assert place_item["state"] == "updated" and place_item["kind"] == "Place"
    assert place_item["data"] == client.get(f"/api/v1/lieux/{place.pk}").json()
    (space_item,) = read_all(client, "/api/v1/flux/espaces")[0]
    listed = client.get(f"/api/v1/lieux/{place.pk}/espaces").json()["results"]
    assert {k: v for k, v in space_item["data"].items() if k != "place"} == listed[0]
    assert space_item["data"]["place"]["id"] == place.pk
    space_id = space.pk
    space.delete()
    items = read_all(client, "/api/v1/flux/espaces")[0]
    assert items == [
        {
            "kind": "FacilityUse",
            "id": str(space_id),
            "modified": items[0]["modified"],
            "state": "deleted",
        }
    ]


def test_a_slot_is_an_openactive_slot_with_uses_left(commune):
    desks = DeskFactory(place=BookablePlaceFactory(commune=commune))
    feed_slots.refresh_feed_slots(timezone.now())
    response = Client().get("/api/v1/flux/creneaux")
    item = response.json()["items"][0]
    assert item["kind"] == "FacilityUse/Slot" and item["state"] == "updated"
    data = item["data"]
    assert data["@type"] == "Slot" and data["facilityUse"] == desks.pk
    assert (data["remainingUses"], data["maximumUses"], data["duration"]) == (5, 5, "PT60M")
    price = urlsplit(data["price_url"])
    assert price.path == f"/api/v1/espaces/{desks.pk}/prix"
    assert parse_qs(price.query) == {"start": [data["startDate"]], "end": [data["endDate"]]}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("afterId=3", "afterTimestamp"),
        ("afterTimestamp=3", "afterId"),
        ("afterTimestamp=-1&afterId=3", "afterTimestamp"),
        ("afterTimestamp=3&afterId=abc", "afterId"),
        ("afterTimestamp=99999999999999999999&afterId=1", "afterTimestamp"),
    ],
)
def test_bad_positions_are_refused_naming_the_parameter(territory, query, field):
    response = Client().get(f"/api/v1/flux/lieux?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error["field"] == field and f"« {field} »" in error["detail"]
