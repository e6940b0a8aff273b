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


def test_the_spreadsheet_variant_has_the_same_figures_for_a_french_spreadsheet(
    client, open_network
):
    query = {"seuil": "10", "preparation": "on"}
    plain = client.get(reverse("observatory:indicators_csv"), query)
    sheet = client.get(reverse("observatory:indicators_spreadsheet"), query)
    assert sheet["Content-Type"] == "text/csv; charset=utf-8"
    assert sheet["Content-Disposition"].endswith('-avec-lieux-en-preparation-tableur.csv"')
    assert sheet.content.startswith(b"\xef\xbb\xbf") and not plain.content.startswith(b"\xef")
    machine = list(csv.reader(io.StringIO(plain.content.decode())))
    french = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")), delimiter=";"))
    assert french[0] == machine[0]
    commune = next(row for row in french if row[2] == "Boulogne-Billancourt")
    same = next(row for row in machine if row[2] == "Boulogne-Billancourt")
    assert commune == [cell.replace(".", ",") for cell in same]
    assert "," in commune[-1] and "." not in "".join(commune[3:])


def test_zones_geojson(client, open_network):
    data = client.get(reverse("observatory:zones_geojson")).json()
    assert data["type"] == "FeatureCollection"
    assert all(f["properties"]["population"] >= 50 for f in data["features"])
    assert {f["properties"]["commune"] for f in data["features"]} >= {"Antony", "Colombes"}


def test_the_public_page_ranks_the_most_populated_zones_by_commune(client, open_network):
    response = client.get(reverse("observatory:public"))
    zones, report = response.context["zones"], response.context["report"]
    assert len(zones) == 20 < len(report.underserved)
    assert zones == report.underserved[:20]
    html = response.content.decode()
    assert "Les 20 zones sous-desservies les plus peuplées" in html
    first = zones[0]
    assert f'<td>1</td><th scope="row">{first.commune_name}</th>' in html
    assert "Toutes les zones figurent dans le fichier GeoJSON" in html


STAFF_PAGES = [
    ("observatory:scenario_list", False),
    ("observatory:scenario_create", False),
    ("observatory:scenario_compare", False),
    ("observatory:candidate_import", False),
    ("observatory:scenario_detail", True),
    ("observatory:scenario_edit", True),
    ("observatory:scenario_geojson", True),
    ("observatory:scenario_csv", True),
    ("observatory:scenario_spreadsheet", True),
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
    sheet = client.get(reverse("observatory:scenario_spreadsheet", args=[scenario.pk]))
    assert sheet["Content-Disposition"] == (
        f'attachment; filename="scenario-{scenario.pk}-indicateurs-tableur.csv"'
    )
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["niveau", "code", "nom"] and len(rows) == 1 + 1 + 4 + 36
    assert "," in rows[1][-1]
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
        # Confirmed first: tests/manager/embeds/test_pages.py.
        "manager:delete_embed",
        # Confirmed first: tests/community/test_documents.py and test_funding.py.
        "community:staff_delete_document",
        "community:staff_delete_opportunity",
        # The password asked again first: tests/web/test_account_erasure.py.
        "web:delete_account",
    }


@pytest.fixture
def two_scenarios(staff_user, open_network, candidate_sites):
    """«Boucle nord» (Asnières, 450 000 €) and «Deux sites» (Colombes, 300 000 €, and
    Puteaux, without an estimate), both at 15 minutes."""
    first, second, third = candidate_sites[:3]
    CandidateSite.objects.filter(pk=first.pk).update(estimated_cost_cents=45_000_000)
    CandidateSite.objects.filter(pk=second.pk).update(estimated_cost_cents=30_000_000)
    return (
        services.save_scenario(staff_user, name="Boucle nord", candidate_ids=[first.pk]),
        services.save_scenario(staff_user, name="Deux sites", candidate_ids=[second.pk, third.pk]),
    )


def _compare_url(first, second) -> str:
    return f"{reverse('observatory:scenario_compare')}?premier={first}&second={second}"


def test_the_comparison_is_for_staff_only(client, two_scenarios, resident, manager, staff_user):
    url = _compare_url(*(s.pk for s in two_scenarios))
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    for refused in (resident, manager):
        client.force_login(refused)
        assert client.get(url).status_code == 403
    client.force_login(staff_user)
    assert client.get(url).status_code == 200


def test_two_scenarios_side_by_side(client, staff_user, two_scenarios):
    first, second = two_scenarios
    client.force_login(staff_user)
    response = client.get(_compare_url(first.pk, second.pk))
    assert response.status_code == 200
    pair = response.context["pair"]
    assert (pair.first, pair.second) == (first, second) and pair.same_threshold
    rows = {row.label: row for row in pair.rows()}
    sites = rows["Sites ouverts par le scénario"]
    assert (sites.first, sites.second, sites.difference) == ("1", "2", "+1")
    cost = rows["Coût estimé des sites (coûts connus)"]
    assert cost.first == "450\u202f000 €"
    assert cost.second == "300\u202f000 € (1 site sans coût renseigné)"
    assert cost.difference == ""  # a site without an estimate: no difference
    today = rows["Habitants à 15 min ou moins, aujourd'hui"]
    assert today.first == today.second and today.difference == "0 habitant"
    after = rows["Habitants à 15 min ou moins, avec le scénario"]
    a, b = pair.first_comparison, pair.second_comparison
    gained = b.after.departement.share_within[15] - a.after.departement.share_within[15]
    expected = round(a.after.departement.population * gained)
    sign = "+" if expected > 0 else "\u2212"
    assert after.difference.startswith(sign)
    assert after.difference.replace("\u202f", "").startswith(f"{sign}{abs(expected)} habitant")
    html = response.content.decode()
    assert html.count('role="img" aria-label="Carte du scénario « ') == 2
    assert "Coût estimé des sites : 450\u202f000 €." in html
    assert "Coût estimé des sites : 300\u202f000 € pour 1 site ; coût non renseigné" in html
    assert "Ce scénario ouvre 2 sites en plus des 2 lieux ouverts aujourd&#x27;hui." in html
    assert 'class="compare-columns"' in html and "seuils-differents" not in html


def test_different_thresholds_are_said_and_not_compared(client, staff_user, two_scenarios):
    first, second = two_scenarios
    Scenario.objects.filter(pk=second.pk).update(threshold_minutes=20)
    client.force_login(staff_user)
    response = client.get(_compare_url(first.pk, second.pk))
    html = response.content.decode()
    assert (
        "Ces deux scénarios n&#x27;ont pas le même seuil d&#x27;accès (15 minutes pour "
        "« Boucle nord », 20 minutes pour « Deux sites »)"
    ) in html
    rows = {row.label: row for row in response.context["pair"].rows()}
    assert rows["Habitants en zone sous-desservie, avec le scénario"].difference == ""
    assert rows["Sites ouverts par le scénario"].difference == "+1"
    assert rows["Habitants sous le seuil de chaque scénario, avec le scénario"].difference == ""
    assert "non comparable" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("same", "Second scénario</a> : Choisissez un autre scénario que le premier"),
        ("unknown", "Second scénario</a> : Ce scénario n&#x27;existe pas ou a été supprimé"),
        ("text", "Premier scénario</a> : Ce scénario n&#x27;existe pas ou a été supprimé"),
        ("empty", "Premier scénario</a> : Choisissez un scénario."),
    ],
)
def test_a_bad_pair_is_explained_in_french(client, staff_user, two_scenarios, query, message):
    first, second = two_scenarios
    premier, other = {
        "same": (first.pk, first.pk),
        "unknown": (first.pk, 999_999),
        "text": ("abc", second.pk),
        "empty": ("", second.pk),
    }[query]
    client.force_login(staff_user)
    response = client.get(_compare_url(premier, other))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "pair" not in response.context


def test_the_comparison_is_reached_from_the_list_and_a_scenario(client, staff_user, two_scenarios):
    first, second = two_scenarios
    client.force_login(staff_user)
    listing = client.get(reverse("observatory:scenario_list")).content.decode()
    assert f'href="{reverse("observatory:scenario_compare")}">Comparer deux scénarios' in listing
    detail = client.get(first.get_absolute_url()).content.decode()
    assert f'<input type="hidden" name="premier" value="{first.pk}" id="id_premier">' in detail
    assert f'<option value="{second.pk}">Deux sites — 15 min</option>' in detail
    assert f'<option value="{first.pk}"' not in detail and "— Choisir —" not in detail
    later = services.save_scenario(
        staff_user,
        name="Plus récent à 20 min",
        threshold_minutes=20,
        candidate_ids=[CandidateSite.objects.last().pk],
    )
    detail = client.get(first.get_absolute_url()).content.decode()
    # The same threshold first, however recent the others.
    assert detail.index(f'<option value="{second.pk}">') < detail.index(
        f'<option value="{later.pk}">Plus récent à 20 min — 20 min</option>'
    )
    alone = client.get(second.get_absolute_url()).content.decode()
    assert f'<option value="{first.pk}">Boucle nord — 15 min</option>' in alone
    chosen = client.get(reverse("observatory:scenario_compare"), {"premier": first.pk})
    assert chosen.status_code == 200 and "pair" not in chosen.context
    assert f'<option value="{first.pk}" selected>' in chosen.content.decode()


def test_the_composition_form_maps_every_choosable_site(client, staff_user, scenario):
    client.force_login(staff_user)
    response = client.get(reverse("observatory:scenario_edit", args=[scenario.pk]))
    sites = CandidateSite.objects.all()
    keyed = {
        f["properties"]["key"]: f["properties"]["kind"]
        for f in response.context["map_geojson"]["features"]
        if "key" in f["properties"]
    }
    assert keyed == {f"candidate:{site.pk}": "other_candidate" for site in sites}
    html = response.content.decode()
    assert 'data-picker="scenario-form"' in html and '<form method="post" novalidate' in html
    assert 'id="scenario-form"' in html and "observatory/scenario-picker.js" in html
    chosen = scenario.candidate_sites.get()
    assert f'name="candidate_sites" value="{chosen.pk}"' in html
