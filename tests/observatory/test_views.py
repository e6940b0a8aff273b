import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from maillage.core.templatetags.maillage import date_fr
from maillage.observatory import services
from maillage.observatory.models import CandidateSite, ModelRun, Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(staff_user, open_network, candidate_sites):
    return services.save_scenario(
        staff_user, name="Boucle nord", candidate_ids=[candidate_sites[0].pk]
    )


def test_public_observatory(client, open_network):
    response = client.get(reverse("observatory:public"), {"seuil": "10"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "à 10 minutes à pied ou moins" in html
    assert "Boulogne-Billancourt" in html
    assert response.context["report"].threshold == 10


def test_a_bad_threshold_falls_back_to_the_default(client, open_network):
    response = client.get(reverse("observatory:public"), {"seuil": "abc"})
    assert response.context["report"].threshold == 15


def test_public_pages_show_no_private_data(client, open_network, candidate_sites, scenario):
    response = client.get(reverse("observatory:public"))
    html = response.content.decode()
    assert "Site de" not in html  # candidate sites stay internal, map data included
    assert "Boucle nord" not in html
    data = response.context["map_geojson"]
    assert 'id="observatory-map-data" type="application/json"' in html
    assert {f["properties"]["kind"] for f in data["features"]} == {
        "commune",
        "underserved",
        "existing",
    }


def test_indicators_csv(client, open_network):
    response = client.get(reverse("observatory:indicators_csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="maillage-indicateurs-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 + 4 + 36
    assert rows[0]["niveau"] == "departement" and rows[0]["nom"] == "Hauts-de-Seine"
    assert rows[0]["population"] == "1654712"
    assert 0 < float(rows[0]["part_a_15_min"]) < 1


def test_zones_geojson(client, open_network):
    data = client.get(reverse("observatory:zones_geojson")).json()
    assert data["type"] == "FeatureCollection"
    assert all(f["properties"]["population"] >= 50 for f in data["features"])


STAFF_PAGES = [
    ("observatory:scenario_list", False),
    ("observatory:scenario_create", False),
    ("observatory:candidate_import", False),
    ("observatory:scenario_detail", True),
    ("observatory:scenario_edit", True),
    ("observatory:scenario_geojson", True),
    ("observatory:scenario_csv", True),
    ("observatory:scenario_report", True),
    ("observatory:scenario_report_pdf", True),
    ("observatory:scenario_delete", True),
]


@pytest.mark.parametrize(("name", "with_pk"), STAFF_PAGES)
def test_staff_pages_are_for_staff_only(client, scenario, manager, staff_user, name, with_pk):
    url = reverse(name, args=[scenario.pk] if with_pk else [])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_scenario_detail_and_exports(client, staff_user, scenario):
    client.force_login(staff_user)
    html = client.get(scenario.get_absolute_url()).content.decode()
    assert "Avant et après" in html and "Site de Asnières-sur-Seine" in html
    pdf = client.get(reverse("observatory:scenario_report_pdf", args=[scenario.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    geojson = client.get(reverse("observatory:scenario_geojson", args=[scenario.pk])).json()
    kinds = {f["properties"]["kind"] for f in geojson["features"]}
    assert {"commune", "existing", "candidate"} <= kinds
    commune = next(f for f in geojson["features"] if f["properties"]["kind"] == "commune")
    assert "share_within_before" in commune["properties"]
    report = client.get(reverse("observatory:scenario_report", args=[scenario.pk]))
    assert "Par commune" in report.content.decode()


def test_compose_a_scenario(client, staff_user, open_network, candidate_sites):
    client.force_login(staff_user)
    response = client.post(
        reverse("observatory:scenario_create"),
        {
            "name": "Sud",
            "description": "",
            "threshold_minutes": "20",
            "candidate_sites": [candidate_sites[2].pk],
        },
    )
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == scenario.get_absolute_url()
    assert scenario.threshold_minutes == 20 and scenario.created_by == staff_user


def test_an_empty_scenario_is_refused(client, staff_user, candidate_sites):
    client.force_login(staff_user)
    response = client.post(
        reverse("observatory:scenario_create"), {"name": "Vide", "threshold_minutes": "15"}
    )
    assert response.status_code == 200
    assert "Choisissez au moins un site candidat" in response.content.decode()
    assert not Scenario.objects.exists()


def test_propose_with_a_model(
    client,
    staff_user,
    open_network,
    candidate_sites,
    django_capture_on_commit_callbacks,
    run_worker,
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("observatory:scenario_propose"),
            {
                "name": "MCLP 2",
                "model": "mclp",
                "p": "2",
                "threshold_minutes": "15",
                "include_projects": "on",
            },
        )
    assert response.status_code == 302
    assert not Scenario.objects.exists()  # the worker solves it
    run_worker()
    assert Scenario.objects.get().candidate_sites.count() == 2


def test_a_model_asked_too_much_explains_why(client, staff_user, open_network, candidate_sites):
    client.force_login(staff_user)
    response = client.post(
        reverse("observatory:scenario_propose"),
        {"name": "Trop", "model": "mclp", "p": "40", "threshold_minutes": "15"},
    )
    assert response.status_code == 400
    assert "40 sites demandés, mais seulement 4 candidats." in response.content.decode()
    missing_p = client.post(
        reverse("observatory:scenario_propose"),
        {"name": "Sans p", "model": "pmedian", "threshold_minutes": "15"},
    )
    assert "Indiquez le nombre de sites à ouvrir." in missing_p.content.decode()
    assert not Scenario.objects.exists() and not ModelRun.objects.exists()


def test_delete_asks_for_confirmation_then_needs_post_and_csrf(staff_user, scenario):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    url = reverse("observatory:scenario_delete", args=[scenario.pk])
    detail = client.get(reverse("observatory:scenario_detail", args=[scenario.pk]))
    assert f'href="{url}"' in detail.content.decode()  # a link to the confirmation
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"Supprimer le scénario « {scenario.name} » ?" in html
    assert "partagés entre tous les agents" in html and 'name="confirmer"' in html
    assert 'class="button button-danger">Supprimer définitivement' in html
    assert f"modifié le {date_fr(scenario.updated_at)} à" in html  # «1er», not «1»
    assert client.post(url, {"confirmer": "oui"}).status_code == 403  # no CSRF token
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def test_delete_only_with_the_confirmation(client, staff_user, scenario):
    client.force_login(staff_user)
    url = reverse("observatory:scenario_delete", args=[scenario.pk])
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 200 and "Supprimer définitivement" in (
        unconfirmed.content.decode()
    )
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    assert client.put(url).status_code == 405
    deleted = client.post(url, {"confirmer": "oui"})
    assert deleted["Location"] == reverse("observatory:scenario_list")
    assert not Scenario.objects.filter(pk=scenario.pk).exists()
    assert client.get(url).status_code == 404


def test_import_page_reports_row_errors(client, staff_user, territory):
    client.force_login(staff_user)
    content = b"reference,nom,latitude,longitude,proprietaire,type,surface_m2\n" + (
        b"a1,Site,48.75,2.29,departement,college,0\n"
    )
    response = client.post(
        reverse("observatory:candidate_import"),
        {"file": SimpleUploadedFile("sites.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 400
    assert "sites.csv, ligne 2, colonne « surface_m2 »" in response.content.decode()
    assert not CandidateSite.objects.exists()
    good = content.replace(b",0\n", b",250\n")
    response = client.post(
        reverse("observatory:candidate_import"),
        {"file": SimpleUploadedFile("sites.csv", good, content_type="text/csv")},
        follow=True,
    )
    assert "Import terminé : 1 site créé, 0 site mis à jour." in response.content.decode()


def test_places_in_preparation_can_count_as_supply(client, open_network, territory):
    from tests.factories import PlaceFactory

    PlaceFactory(
        commune=territory.get(insee_code="92004"),
        slug="bientot",
        status="preparing",
        opening_date=None,
    )
    today = client.get(reverse("observatory:public")).context["report"]
    soon = client.get(reverse("observatory:public"), {"preparation": "on"}).context["report"]
    assert soon.departement.places == today.departement.places + 1
    assert soon.departement.share_within[15] > today.departement.share_within[15]
    page = client.get(reverse("observatory:public"), {"preparation": "on"})
    kinds = {f["properties"]["kind"] for f in page.context["map_geojson"]["features"]}
    assert "preparing" in kinds


def test_the_wording_follows_places_in_preparation(client, open_network, territory):
    from tests.factories import PlaceFactory

    PlaceFactory(
        commune=territory.get(insee_code="92004"),
        slug="bientot",
        status="preparing",
        opening_date=None,
    )
    counted = "à pied ou moins d'un lieu ouvert ou en préparation</span>"
    legend = "Lieu en préparation</li>"
    today = client.get(reverse("observatory:public")).content.decode()
    assert "à pied ou moins d'un lieu ouvert</span>" in today
    assert counted not in today and legend not in today
    soon = client.get(reverse("observatory:public"), {"preparation": "on"}).content.decode()
    assert counted in soon and legend in soon
    assert "Les lieux en préparation sont comptés ici comme s'ils étaient déjà ouverts." in soon
    csv_file = client.get(reverse("observatory:indicators_csv"), {"preparation": "on"})
    assert "-avec-lieux-en-preparation.csv" in csv_file["Content-Disposition"]
    zones = client.get(reverse("observatory:zones_geojson"), {"preparation": "on"})
    assert "min-avec-lieux-en-preparation.geojson" in zones["Content-Disposition"]


def test_indicators_csv_gives_no_made_up_ept_code(client, open_network):
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("observatory:indicators_csv")).text)))
    epts = [row for row in rows if row["niveau"] == "ept"]
    assert {row["nom"] for row in epts} >= {"Boucle Nord de Seine", "Paris Ouest La Défense"}
    # Communes carry only the EPT's name: no code rather than the name again.
    assert all(row["code"] == "" for row in epts)
    assert all(len(row["code"]) == 5 for row in rows if row["niveau"] == "commune")


def test_every_delete_address_of_the_site_confirms_first():
    """A new «…_delete» route outside the admin (which confirms on its own) must be listed
    here with a confirmation test, as scenario_delete is (the manager's deletes: in
    tests/manager/places/test_pages.py)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def names(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace != "admin":
                    inner = f"{entry.namespace}:" if entry.namespace else namespace
                    yield from names(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                yield namespace + entry.name

    deleting = {name for name in names(get_resolver().url_patterns) if "delete" in name}
    assert deleting == {
        "observatory:scenario_delete",
        "manager:delete_photo",
        "manager:delete_closure",
        # Confirmed first: tests/community/test_documents.py and test_funding.py.
        "community:staff_delete_document",
        "community:staff_delete_opportunity",
    }
