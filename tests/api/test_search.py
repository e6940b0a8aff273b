"""GET /api/v1/recherche: the search page's free-space search, through the API."""

import pytest

from maillage.booking.models import Channel
from maillage.booking.services import book
from tests.moments import DAY, paris

pytestmark = pytest.mark.django_db

WINDOW = f"date={DAY}&start=09:00&end=11:00"


def spaces(response):
    assert response.status_code == 200, response.content
    return [item["space"] for item in response.json()["results"]]


def test_free_spaces_with_their_price(client, room, desks):
    body = client.get(f"/api/v1/recherche?{WINDOW}").json()
    assert [r["space"] for r in body["results"]] == sorted([room.pk, desks.pk])
    by_id = {r["space"]: r for r in body["results"]}
    assert by_id[room.pk]["price_cents"] == 5000  # 2 h at 25 €
    assert by_id[room.pk]["place"]["url"].endswith("/la-ruche/")
    assert by_id[room.pk]["distance_m"] is None


def test_a_booked_room_is_not_free(client, booker, room, desks):
    book(
        booker,
        room.pk,
        paris(DAY.year, DAY.month, DAY.day, 10),
        paris(DAY.year, DAY.month, DAY.day, 12),
        channel=Channel.PAGE,
    )
    assert spaces(client.get(f"/api/v1/recherche?{WINDOW}")) == [desks.pk]


def test_filters(client, room, desks):
    assert spaces(client.get(f"/api/v1/recherche?{WINDOW}&kind=desk")) == [desks.pk]
    assert spaces(client.get(f"/api/v1/recherche?{WINDOW}&people=6")) == [room.pk]
    assert spaces(client.get(f"/api/v1/recherche?{WINDOW}&commune=92050")) == []
    place = room.place
    near = client.get(f"/api/v1/recherche?{WINDOW}&lat={place.latitude}&lon={place.longitude}")
    assert all(r["distance_m"] < 1 for r in near.json()["results"])


def test_pages_and_etag(client, room, desks):
    first = client.get(f"/api/v1/recherche?{WINDOW}&page_size=1")
    second = client.get(f"/api/v1/recherche?{WINDOW}&page_size=1&page=2")
    assert spaces(first) + spaces(second) == sorted([room.pk, desks.pk])
    again = client.get(
        f"/api/v1/recherche?{WINDOW}&page_size=1", headers={"If-None-Match": first["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    "query, field",
    [
        ("start=09:00&end=11:00", "date"),
        (f"date={DAY}&start=9h&end=11:00", "start"),
        (f"date={DAY}&start=11:00&end=09:00", "end"),
        ("date=9999-12-31&start=09:00&end=11:00", "date"),
        (f"{WINDOW}&people=0", "people"),
        (f"{WINDOW}&people=" + "9" * 400, "people"),
        (f"{WINDOW}&kind=salle", "kind"),
        (f"{WINDOW}&commune=99999", "commune"),
        (f"{WINDOW}&commune=%00", "commune"),
        (f"{WINDOW}&lat=48.8", "lat"),
        (f"{WINDOW}&lon=2.3", "lat"),
        (f"{WINDOW}&lat=nan&lon=2", "lat"),
    ],
)
def test_bad_parameters_are_named(client, room, query, field):
    response = client.get(f"/api/v1/recherche?{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in {error["field"] for error in response.json()["errors"]}
