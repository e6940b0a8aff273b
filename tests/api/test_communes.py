"""GET /api/v1/communes and /communes/<insee>: the observatory's coverage of each commune."""

import pytest
from django.test import Client

from maillage.places.models import Place
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


def test_every_commune_with_its_coverage(client, place):
    codes, page = [], 1
    while True:
        body = client.get(f"/api/v1/communes?page_size=10&page={page}").json()
        codes += [c["insee_code"] for c in body["results"]]
        if not body["next"]:
            break
        page += 1
    assert sorted(codes) == sorted(
        Commune.objects.of_departement("92").values_list("insee_code", flat=True)
    )
    assert len(codes) == len(set(codes))
    boulogne = client.get("/api/v1/communes/92012").json()
    coverage = boulogne["coverage"]
    assert coverage["places"] == 1 and coverage["threshold_minutes"] == 15
    assert 0 < coverage["covered_share"] <= 1
    assert coverage["covered_population"] <= coverage["population"]
    assert coverage["mean_minutes"] is not None


def test_no_open_place_no_coverage(client, territory):
    coverage = client.get("/api/v1/communes/92050?threshold=5").json()["coverage"]
    assert coverage == {
        **coverage,
        "places": 0,
        "covered_share": 0.0,
        "covered_population": 0,
        "mean_minutes": None,
        "threshold_minutes": 5,
    }


def test_a_new_place_is_counted_at_once(client, place):
    assert client.get("/api/v1/communes/92012").json()["coverage"]["places"] == 1
    Place.objects.filter(pk=place.pk).update(status="closed")
    assert client.get("/api/v1/communes/92012").json()["coverage"]["places"] == 0


def test_etag(territory):
    client = Client()
    first = client.get("/api/v1/communes")
    assert (
        client.get("/api/v1/communes", headers={"If-None-Match": first["ETag"]}).status_code == 304
    )


@pytest.mark.parametrize("query", ["threshold=7", "threshold=" + "1" * 500, "threshold=%00"])
def test_bad_threshold(client, territory, query):
    response = client.get(f"/api/v1/communes?{query}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["threshold"]


@pytest.mark.parametrize("insee", ["99999", "75056", "x" * 300, "%00"])
def test_unknown_commune(client, territory, insee):
    response = client.get(f"/api/v1/communes/{insee}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
