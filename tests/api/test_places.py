"""GET /api/v1/lieux, /lieux/<id>, /lieux/<id>/espaces: the directory's places and rules."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from maillage.places.models import Place, Service
from maillage.territory.models import Commune
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def fields_refused(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"] for error in response.json()["errors"]}


@pytest.fixture
def network(commune, other_commune, place, other_place):
    """Open places in Boulogne and Nanterre, a project, a closed place, one opening later."""
    project = PlaceFactory(
        commune=commune, slug="projet", name="Projet", status="project", opening_date=None
    )
    closed = PlaceFactory(commune=other_commune, slug="ferme", name="Fermé", status="closed")
    later = PlaceFactory(commune=commune, slug="bientot", name="Bientôt", opening_date="2099-01-01")
    return {
        "place": place,
        "other": other_place,
        "project": project,
        "closed": closed,
        "later": later,
    }


def test_the_list_is_the_directory(client, network):
    listed = ids(client.get("/api/v1/lieux"))
    assert network["closed"].pk not in listed
    assert set(listed) == {p.pk for k, p in network.items() if k != "closed"}
    first = client.get("/api/v1/lieux").json()["results"][0]
    assert first["url"].startswith("http://testserver/")
    assert first["distance_m"] is None


def test_status_is_the_shown_one(client, network):
    assert ids(client.get("/api/v1/lieux?status=closed")) == [network["closed"].pk]
    preparing = ids(client.get("/api/v1/lieux?status=preparing"))
    assert preparing == [network["later"].pk]
    assert network["later"].pk not in ids(client.get("/api/v1/lieux?status=open"))


def test_commune_ept_service_broadband_accessibility(client, network, commune):
    place, other = network["place"], network["other"]
    assert ids(client.get("/api/v1/lieux?commune=92050")) == [other.pk]
    assert other.pk not in ids(client.get(f"/api/v1/lieux?ept={commune.ept}"))
    assert place.pk in ids(client.get(f"/api/v1/lieux?ept={commune.ept}"))
    place.services.add(Service.objects.get(slug="fablab"))
    assert ids(client.get("/api/v1/lieux?service=fablab")) == [place.pk]
    Place.objects.filter(pk=other.pk).update(broadband_down_mbps=100, step_free_access=True)
    assert ids(client.get("/api/v1/lieux?broadband=true")) == [other.pk]
    assert other.pk not in ids(client.get("/api/v1/lieux?broadband=false"))
    assert ids(client.get("/api/v1/lieux?accessibility=step_free_access")) == [other.pk]
    assert ids(client.get("/api/v1/lieux?accessibility=hearing_loop")) == []


def test_box_and_point(client, network):
    place, other = network["place"], network["other"]
    box = (
        f"{place.longitude - 0.01:.5f},{place.latitude - 0.01:.5f},"
        f"{place.longitude + 0.01:.5f},{place.latitude + 0.01:.5f}"
    )
    boxed = ids(client.get(f"/api/v1/lieux?bbox={box}"))
    assert place.pk in boxed and other.pk not in boxed
    near = client.get(f"/api/v1/lieux?lat={other.latitude}&lon={other.longitude}&radius=50000")
    results = near.json()["results"]
    assert results[0]["id"] == other.pk and results[0]["distance_m"] < 1
    distances = [(r["distance_m"], r["id"]) for r in results]
    assert distances == sorted(distances)
    small = ids(client.get(f"/api/v1/lieux?lat={other.latitude}&lon={other.longitude}&radius=100"))
    assert small == [other.pk]


@pytest.mark.parametrize(
    "query, field",
    [
        ("commune=99999", "commune"),
        ("commune=" + "9" * 5000, "commune"),
        ("commune=%00", "commune"),
        ("ept=nulle-part", "ept"),
        ("status=ouvert", "status"),
        ("service=inconnu", "service"),
        ("broadband=peut-etre", "broadband"),
        ("accessibility=ascenseur", "accessibility"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=3,2,1,4", "bbox"),
        ("bbox=nan,1,2,3", "bbox"),
        ("lat=91&lon=2", "lat"),
        ("lat=48.8&lon=2&radius=50001", "radius"),
        ("lat=48.8&lon=inf", "lon"),
        ("lat=48.8", "lon"),
        ("radius=100", "radius"),
        ("page_size=101", "page_size"),
        ("page=0", "page"),
    ],
)
def test_bad_parameters_are_named(client, network, query, field):
    assert field in fields_refused(client.get(f"/api/v1/lieux?{query}"))


def test_pages_never_overlap(client, commune):
    for n in range(7):
        PlaceFactory(commune=commune, slug=f"meme-nom-{n}", name="Même nom")
    seen = []
    for page in (1, 2, 3):
        seen += ids(client.get(f"/api/v1/lieux?page_size=3&page={page}"))
    assert len(seen) == len(set(seen)) == 7
    assert seen == sorted(seen)  # same name: by id
    assert client.get("/api/v1/lieux?page_size=3&page=4").status_code == 404


def test_etag_gives_304(network):
    client = Client()
    first = client.get("/api/v1/lieux")
    again = client.get("/api/v1/lieux", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    network["place"].name = "Renommé"
    network["place"].save()
    assert client.get("/api/v1/lieux", headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_one_place_and_its_spaces(client, room, desks):
    place = room.place
    body = client.get(f"/api/v1/lieux/{place.pk}").json()
    assert body["commune"]["insee_code"] == "92012"
    assert len(body["opening_hours"]) == 7
    assert {s["id"] for s in body["spaces"] if s["bookable"]} == {room.pk, desks.pk}
    spaces = client.get(body["spaces_url"])
    assert spaces.status_code == 200 and "ETag" in spaces
    by_id = {s["id"]: s for s in spaces.json()["results"]}
    assert by_id[room.pk]["prices"] == {
        "hour_cents": 2500,
        "half_day_cents": 8000,
        "day_cents": 15000,
    }
    assert by_id[room.pk]["links"]["week"].endswith(f"/api/v1/espaces/{room.pk}/semaine")
    assert client.get(by_id[room.pk]["links"]["week"]).status_code == 200
    room.is_bookable = False
    room.save()
    unbookable = client.get(body["spaces_url"]).json()["results"]
    assert [s["links"] for s in unbookable if s["id"] == room.pk] == [None]


def test_unknown_place_is_404(client, network):
    for suffix in ("", "/espaces"):
        response = client.get(f"/api/v1/lieux/{10**15}{suffix}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_a_closed_place_listed_has_its_detail_as_its_page(client, network):
    """`status=closed` lists it: its detail, its spaces and its page answer too."""
    closed = network["closed"]
    assert ids(client.get("/api/v1/lieux?status=closed")) == [closed.pk]
    detail = client.get(f"/api/v1/lieux/{closed.pk}")
    assert detail.status_code == 200 and detail.json()["status"] == "closed"
    assert detail.json()["takes_bookings"] is False
    assert client.get(f"/api/v1/lieux/{closed.pk}/espaces").status_code == 200
    assert client.get(detail.json()["url"]).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/v1/lieux", "/api/v1/lieux?commune=92012", "/", "/lieux/", "/carte/lieux.geojson"],
)
def test_a_list_of_places_never_reads_a_commune_s_outline(client, network, path):
    """A commune's outline (GeoJSON, kilobytes) is decoded for every row that reads it: a
    list of places joined with its communes must leave it out."""
    with CaptureQueriesContext(connection) as run:
        assert client.get(path).status_code == 200
    outline, places = f'"{Commune._meta.db_table}"."geometry"', f'"{Place._meta.db_table}"'
    read = [query["sql"] for query in run.captured_queries]
    assert not [sql for sql in read if outline in sql and places in sql]
