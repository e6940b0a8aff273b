"""The open-data files as the platform serves them (web.opendata.files and views), on the
real database: each one valid against its schema with frictionless, only public places and
public facts, special characters intact, the GeoJSON in the territory, the coverage the
observatory's own, the HTTP headers of open data."""

import csv
import io
import json
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from frictionless import Package, Resource, Schema
from shapely.geometry import Point, shape

from maillage.booking import services as booking_services
from maillage.booking.availability import wall_clock_instant
from maillage.booking.models import Channel
from maillage.observatory import exports
from maillage.observatory import services as observatory_services
from maillage.places.models import Closure, Equipment, OpeningHours, Service, Space, today_in_paris
from maillage.territory.models import Departement
from maillage.web.opendata import files, national, schema_files
from tests.factories import (
    BookingFactory,
    DeskFactory,
    ManagerFactory,
    PlaceFactory,
    RoomFactory,
    VerifiedUserFactory,
)
from tests.programmes.builders import a_pass, employer_quota, programme
from tests.web.opendata.test_schemas import report_errors

pytestmark = pytest.mark.django_db

NAME = 'Le « Nid » ; l\'atelier "Ça va", été'
DESCRIPTION = (
    'Première ligne ; « citée », avec "guillemets".\r\n'
    "Deuxième ligne : à, é, ç, œ, 12 € — tiret.\r\n\r\nTroisième, après une ligne vide."
)
SECRETS = [
    "gestionnaire.secret@lieu.test",
    "habitant.secret@exemple.test",
    "Cassandre",
    "Secretname",
    "Visiteur Surplace",
    "06 98 76 54 32",
]
HIDDEN = {
    "project": ("Projet Caché", "project", None),
    "preparing": ("Préparation Cachée", "preparing", None),
    "later": ("Ouverture Future Cachée", "open", 30),
    "closed": ("Fermé Caché", "closed", -400),
}


def _next_monday() -> datetime:
    today = today_in_paris()
    day = today + timedelta(days=7 - today.weekday())
    return datetime.combine(day, time(9, 30))


@pytest.fixture
def network(territory):
    """Two published places (one full, one bare), the places that must not be published, a
    manager, a resident's booking and a walk-in's, programmes."""
    today = today_in_paris()
    boulogne, nanterre = territory.get(insee_code="92012"), territory.get(insee_code="92050")
    full = PlaceFactory(
        commune=boulogne,
        slug="le-nid",
        name=NAME,
        description=DESCRIPTION,
        siret="73282932000074",
        phone="01 23 45 67 89",
        email="contact@le-nid.test",
        website="https://le-nid.test/",
        broadband_technology="fibre",
        broadband_down_mbps=1000,
        broadband_up_mbps=500,
        step_free_access=True,
        accessible_toilets=True,
    )
    full.services.add(*Service.objects.filter(slug__in=["fablab", "cafe"]))
    for day in range(5):
        OpeningHours.objects.create(place=full, weekday=day, opens=time(9), closes=time(12, 30))
        OpeningHours.objects.create(place=full, weekday=day, opens=time(14), closes=time(19))
    OpeningHours.objects.create(place=full, weekday=5, opens=time(10), closes=time(0))
    soon = today + timedelta(days=20)
    Closure.objects.create(
        place=full, start_date=soon, end_date=soon + timedelta(days=2), reason="Travaux"
    )
    Closure.objects.create(
        place=full,
        start_date=today - timedelta(days=40),
        end_date=today - timedelta(days=30),
        reason="Passée",
    )
    desks = DeskFactory(place=full, name="Open space ; « vitré »")
    desks.equipment.add(Equipment.objects.get(slug="ecran"))
    room = RoomFactory(place=full, name="Salle Seine")
    Space.objects.create(
        place=full, name="Atelier bois", kind="workshop", capacity=6, is_bookable=False
    )
    bare = PlaceFactory(commune=nanterre, slug="le-quai", name="Le Quai")
    RoomFactory(place=bare, name="Bureau 1", kind="private_office", capacity=2)

    valid = {"valid_from": today - timedelta(days=30), "valid_until": today + timedelta(days=300)}
    programme([full], space_kinds=["desk"], **valid)  # «Tarif solidaire», desks only
    a_pass([full], **valid)  # «Pass+ tiers-lieux», every kind
    left = programme([full], public_label="Ancien tarif", **valid)
    left.places.update(left_at=timezone.now())
    agent = VerifiedUserFactory(email="agent.secret@cd92.test")
    employer_quota([full], [agent], public_label="Télétravail des agents", **valid)

    hidden = {}
    for key, (name, status, opens_in) in HIDDEN.items():
        hidden[key] = PlaceFactory(
            commune=nanterre,
            slug=f"cache-{key}",
            name=name,
            status=status,
            opening_date=None if opens_in is None else today + timedelta(days=opens_in),
        )
        RoomFactory(place=hidden[key], name=f"Salle {name}")
    hidden["fictional"] = PlaceFactory(
        commune=nanterre, slug="cache-fictif", name="Fictif Caché", is_fictional=True
    )
    RoomFactory(place=hidden["fictional"], name="Salle Fictif Caché")

    manager = ManagerFactory(
        email="gestionnaire.secret@lieu.test", first_name="Cassandre", places=[full]
    )
    resident = VerifiedUserFactory(email="habitant.secret@exemple.test", last_name="Secretname")
    start = wall_clock_instant(_next_monday())
    BookingFactory(space=desks, user=resident, start=start, end=start + timedelta(hours=1))
    booking_services.book_walk_in(
        manager,
        room.pk,
        start,
        start + timedelta(hours=1),
        name="Visiteur Surplace",
        contact="06 98 76 54 32",
        channel=Channel.PAGE,
    )
    return {"full": full, "bare": bare, "desks": desks, "room": room, "hidden": hidden}


def fetch(client, download: files.Download):
    response = client.get(reverse(download.url_name))
    assert response.status_code == 200
    return response


def validate(content: bytes, schema_name: str):
    """The frictionless report of CSV `content` against the schema."""
    schema = Schema.from_descriptor(schema_files.schema(schema_name))
    return Resource(data=content, format="csv", schema=schema).validate()


def geojson_rows(content: bytes) -> list[list]:
    """The GeoJSON's properties as a table (header first), for frictionless."""
    header = schema_files.field_names(schema_files.NATIONAL)
    features = json.loads(content)["features"]
    return [header] + [[feature["properties"][name] for name in header] for feature in features]


def test_each_file_is_valid_against_its_schema(client, network):
    counts = {}
    for download in files.DOWNLOADS:
        content = fetch(client, download).content
        if download is files.PLACES_GEOJSON:
            report = Resource(
                data=geojson_rows(content),
                schema=Schema.from_descriptor(schema_files.schema(download.schema)),
            ).validate()
        else:
            report = validate(content, download.schema)
        assert report.valid, f"{download.name}:\n{report_errors(report)}"
        counts[download.name] = report.tasks[0].stats["rows"]
    assert counts == {
        "lieux.csv": 2,
        "lieux.geojson": 2,
        "tiers-lieux-espaces.csv": 4,
        "couverture-communes.csv": 36,
    }


def rows_of(client, download) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(fetch(client, download).content.decode("utf-8"))))


def test_special_characters_survive_the_csv_round_trip(client, network):
    content = fetch(client, files.PLACES_CSV).content
    assert not content.startswith(b"\xef\xbb\xbf")  # no byte order mark
    full = next(
        row for row in rows_of(client, files.PLACES_CSV) if row["pivot"] != "00000000000000"
    )
    assert full["nom"] == NAME
    assert full["presentation_detail"] == DESCRIPTION
    assert full["presentation_resume"] == " ".join(DESCRIPTION.split())
    desks = next(row for row in rows_of(client, files.SPACES_CSV) if row["type"] == "poste_partage")
    assert desks["nom"] == "Open space ; « vitré »"
    assert desks["nom_lieu"] == NAME
    assert desks["equipements"] == "Écran"


def test_the_national_rows(client, network):
    full, bare = network["full"], network["bare"]
    rows = {row["id"]: row for row in rows_of(client, files.PLACES_CSV)}
    assert set(rows) == {f"92-tiers-lieu-{full.pk}", f"92-tiers-lieu-{bare.pk}"}
    row = rows[f"92-tiers-lieu-{full.pk}"]
    soon = today_in_paris() + timedelta(days=20)
    assert row["horaires"] == (
        "Mo-Fr 09:00-12:30,14:00-19:00; Sa 10:00-24:00; "
        f"{soon.year} {soon:%b} {soon:%d}-{(soon + timedelta(days=2)):%Y %b %d} off"
    )
    assert row["typologie"] == "TIERS_LIEUX|FABLAB"
    assert (
        row["services"] == "Loisirs et créations numériques|Accès internet et matériel informatique"
    )
    assert row["frais_a_charge"] == "Gratuit sous condition|Payant"  # the pass's credit
    assert row["telephone"] == "+33123456789"
    assert row["courriels"] == "contact@le-nid.test"
    assert row["prise_en_charge_specifique"] == "Handicaps moteurs"
    assert row["date_maj"] == timezone.localdate(full.updated_at).isoformat()
    assert row["source"] == "Département des Hauts-de-Seine (Maillage)"
    assert row["prise_rdv"].endswith(reverse("web:place_detail", args=["le-nid"]))
    bare_row = rows[f"92-tiers-lieu-{bare.pk}"]
    assert (bare_row["pivot"], bare_row["horaires"], bare_row["telephone"]) == (
        "00000000000000",
        "",
        "",
    )


def test_the_extension_rows(client, network):
    rows = {row["nom"]: row for row in rows_of(client, files.SPACES_CSV)}
    full = network["full"]
    desks = rows["Open space ; « vitré »"]
    assert desks["id"] == f"92-espace-{network['desks'].pk}"
    assert desks["id_lieu"] == f"92-tiers-lieu-{full.pk}"
    assert (desks["capacite"], desks["unite_capacite"]) == ("5", "postes")
    assert (desks["prix_heure_eur"], desks["prix_demi_journee_eur"]) == ("4.00", "")
    # Highest priority first; the left programme and the employer's quota never.
    assert desks["tarifs_sociaux"] == "Tarif solidaire|Pass+ tiers-lieux"
    assert rows["Salle Seine"]["tarifs_sociaux"] == "Pass+ tiers-lieux"
    assert rows["Salle Seine"]["reservation_en_ligne"].endswith(
        reverse("booking:space", args=[network["room"].pk])
    )
    workshop = rows["Atelier bois"]
    assert (workshop["reservable"], workshop["reservation_en_ligne"]) == ("false", "")
    assert (workshop["prix_journee_eur"], workshop["type"]) == ("", "atelier")
    assert desks["services_lieu"] == "Café|Fablab"
    assert (desks["technologie_internet"], desks["debit_descendant_mbps"]) == ("fibre", "1000")
    assert (desks["tres_haut_debit"], desks["acces_plain_pied"], desks["boucle_magnetique"]) == (
        "true",
        "true",
        "false",
    )
    bureau = rows["Bureau 1"]
    assert (bureau["technologie_internet"], bureau["debit_descendant_mbps"]) == ("", "")
    assert bureau["tres_haut_debit"] == "false"


def test_places_not_open_demonstration_places_and_personal_data_never_appear(client, network):
    published = b"".join(fetch(client, d).content for d in files.DOWNLOADS)
    published += client.get(reverse("web:opendata_datapackage")).content
    text = published.decode("utf-8")
    for place in network["hidden"].values():
        assert place.name not in text
        assert f"-tiers-lieu-{place.pk}," not in text
        assert place.slug not in text
        for space in place.spaces.all():
            assert f"espace-{space.pk}," not in text
    for secret in SECRETS + ["agent.secret@cd92.test", "Télétravail des agents", "Ancien tarif"]:
        assert secret not in text
    assert json.dumps(NAME, ensure_ascii=False)[1:-1] in text  # what is public is there


def test_the_geojson_points_are_longitude_latitude_inside_the_territory(client, network):
    response = fetch(client, files.PLACES_GEOJSON)
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    assert collection["licenses"][0]["name"] == "etalab-2.0"
    assert collection["schema"].endswith(
        reverse("web:opendata_schema", args=[schema_files.NATIONAL])
    )
    outline = shape(Departement.objects.get(code="92").outline)
    places = {f"92-tiers-lieu-{p.pk}": p for p in (network["full"], network["bare"])}
    assert {feature["id"] for feature in collection["features"]} == set(places)
    for feature in collection["features"]:
        place = places[feature["id"]]
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (round(place.longitude, 6), round(place.latitude, 6))
        assert outline.contains(Point(lon, lat))
        assert shape(place.commune.geometry).contains(Point(lon, lat))
        assert feature["properties"]["id"] == feature["id"]
        assert feature["properties"]["complement_adresse"] is None


def test_the_data_package_validates_every_file_and_the_link_between_them(client, network, tmp_path):
    descriptor = json.loads(client.get(reverse("web:opendata_datapackage")).content)
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    (tmp_path / "schemas").mkdir()
    (tmp_path / "datapackage.json").write_bytes(json.dumps(descriptor).encode())
    for resource in descriptor["resources"]:
        download = next(d for d in files.DOWNLOADS if d.name == resource["path"])
        (tmp_path / resource["path"]).write_bytes(fetch(client, download).content)
        if isinstance(resource.get("schema"), str):
            schema_file = tmp_path / resource["schema"]
            schema_file.write_bytes(
                client.get(reverse("web:opendata_schema", args=[download.schema])).content
            )
    package = Package(str(tmp_path / "datapackage.json"))
    report = package.validate()
    assert report.valid, report_errors(report)
    tabular = {task.name: task.stats.get("rows") for task in report.tasks}
    assert tabular["lieux"] == 2
    assert tabular["tiers-lieux-espaces"] == 4
    # The foreign key is checked: a space whose place is not in lieux.csv is refused.
    spaces = tmp_path / "tiers-lieux-espaces.csv"
    spaces.write_text(spaces.read_text().replace("92-tiers-lieu-", "92-tiers-lieu-9"))
    assert not Package(str(tmp_path / "datapackage.json")).validate().valid


def test_the_files_answer_as_open_data(client, network):
    for download in files.DOWNLOADS:
        response = fetch(client, download)
        assert response["Content-Type"] == download.media_type
        if download.media_type.startswith("text/csv"):
            assert "charset=utf-8" in response["Content-Type"]
        stamp = today_in_paris().strftime("%Y%m%d")
        stem, extension = download.name.rsplit(".", 1)
        assert response["Content-Disposition"] == (
            f'attachment; filename="{stamp}-{stem}-92.{extension}"'
        )
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["Cache-Control"] == f"public, max-age={files.CACHE_SECONDS}"
        again = client.get(reverse(download.url_name), headers={"if-none-match": response["ETag"]})
        assert again.status_code == 304
        assert again["Access-Control-Allow-Origin"] == "*"
        assert client.head(reverse(download.url_name)).status_code == 200
    schema = client.get(reverse("web:opendata_schema", args=[schema_files.EXTENSION]))
    assert schema["Content-Type"] == "application/json"
    assert schema["Access-Control-Allow-Origin"] == "*"
    assert json.loads(schema.content) == schema_files.schema(schema_files.EXTENSION)
    assert client.get(reverse("web:opendata_schema", args=["inconnu.json"])).status_code == 404


def test_the_coverage_is_the_observatorys(client, network):
    rows = rows_of(client, files.COVERAGE_CSV)
    observatory = [
        row[1:]
        for row in csv.reader(
            io.StringIO(exports.indicators_csv(observatory_services.live_report()))
        )
        if row[0] == "commune"
    ]
    # Same communes, names and figures (the open-data file adds the EPT after the name).
    assert [[r["code_insee"], r["nom"], *list(r.values())[3:]] for r in rows] == observatory
    boulogne = next(r for r in rows if r["code_insee"] == "92012")
    assert (boulogne["ept"], boulogne["lieux"]) == ("Grand Paris Seine Ouest", "1")


def test_a_service_of_the_database_always_has_its_line(territory):
    assert set(Service.objects.values_list("slug", flat=True)) <= set(national.SERVICES)


def test_the_queries_do_not_grow_with_the_places(network, territory):
    today = today_in_paris()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            files.snapshot(files.published_places(today), today)
        return len(queries)

    before = count()
    for insee in ("92040", "92044", "92048"):
        extra = PlaceFactory(commune=territory.get(insee_code=insee))
        DeskFactory(place=extra).equipment.add(Equipment.objects.get(slug="ecran"))
        OpeningHours.objects.create(place=extra, weekday=0, opens=time(9), closes=time(17))
    assert count() == before


def test_the_page_describes_every_file_and_the_directory_links_to_them(client, network):
    page = client.get(reverse("web:opendata"))
    assert page.status_code == 200
    html = page.content.decode()
    for download in files.DOWNLOADS:
        assert f'href="{reverse(download.url_name)}"' in html
    for name in schema_files.PUBLISHED:
        assert f'href="{reverse("web:opendata_schema", args=[name])}"' in html
        for field in schema_files.field_names(name):
            assert f"<code>{field}</code>" in html
    assert "Licence Ouverte / Open Licence version 2.0" in html
    assert "Service « Fablab »" in html
    assert "(1 sur ce site)" in html  # the demonstration place left out, said
    directory = client.get(reverse("web:place_list")).content.decode()
    for download in (files.PLACES_CSV, files.PLACES_GEOJSON, files.SPACES_CSV):
        assert f'href="{reverse(download.url_name)}"' in directory
    assert f'href="{reverse("web:opendata")}"' in directory


def test_ids_stay_when_a_place_changes_its_name_and_address(client, network):
    place = network["bare"]
    before = {row["id"] for row in rows_of(client, files.PLACES_CSV)}
    place.name, place.slug, place.address = "Le Quai renommé", "le-quai-renomme", "2 rue Neuve"
    place.full_clean()
    place.save()
    rows = {row["id"]: row for row in rows_of(client, files.PLACES_CSV)}
    assert set(rows) == before
    assert rows[f"92-tiers-lieu-{place.pk}"]["nom"] == "Le Quai renommé"
    spaces = rows_of(client, files.SPACES_CSV)
    assert {row["id_lieu"] for row in spaces if row["nom_lieu"] == "Le Quai renommé"} == {
        f"92-tiers-lieu-{place.pk}"
    }
