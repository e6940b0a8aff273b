"""GET /api/v1/evenements and /evenements/<id>: the agenda's public events."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.fixture
def agenda(event, other_place):
    later = EventFactory(
        place=other_place,
        start=event.start + timedelta(days=10),
        end=event.end + timedelta(days=10),
    )
    draft = EventFactory(place=other_place, status="draft")
    return event, later, draft


def test_coming_public_events_by_start(client, agenda):
    event, later, draft = agenda
    assert ids(client.get("/api/v1/evenements")) == [event.pk, later.pk]
    body = client.get(f"/api/v1/evenements/{event.pk}").json()
    assert body["seats_left"] == 3 and body["price_cents"] == 1200
    assert body["place"]["insee_code"] == "92012"
    assert "+01:00" in body["start"] or "+02:00" in body["start"]


def test_filters(client, agenda):
    event, later, _ = agenda
    assert ids(client.get("/api/v1/evenements?commune=92050")) == [later.pk]
    assert ids(client.get(f"/api/v1/evenements?place={event.place_id}")) == [event.pk]
    day = timezone.localtime(later.start).date()
    assert ids(client.get(f"/api/v1/evenements?from={day}")) == [later.pk]
    assert ids(client.get(f"/api/v1/evenements?to={day - timedelta(days=1)}")) == [event.pk]


def test_pages_and_etag(agenda):
    client = Client()
    first = client.get("/api/v1/evenements?page_size=1")
    second = client.get("/api/v1/evenements?page_size=1&page=2")
    assert ids(first) + ids(second) == [agenda[0].pk, agenda[1].pk]
    again = client.get("/api/v1/evenements?page_size=1", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "query, field",
    [
        ("commune=99999", "commune"),
        ("commune=%00", "commune"),
        ("place=0", "place"),
        ("place=" + "9" * 40, "place"),
        ("from=2026-02-30", "from"),
        ("from=9999-12-31", "from"),
        ("audience=tous", "audience"),
        ("to=" + "1" * 300, "to"),
    ],
)
def test_bad_parameters_are_named(client, agenda, query, field):
    response = client.get(f"/api/v1/evenements?{query}")
    assert response.status_code == 400, response.content
    assert field in {e["field"] for e in response.json()["errors"]}


def test_unknown_or_draft_event_is_404(client, agenda):
    for pk in (agenda[2].pk, 10**15):
        response = client.get(f"/api/v1/evenements/{pk}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
