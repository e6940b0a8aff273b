from html import unescape

import pytest
from django.urls import reverse

from maillage.observatory import services
from maillage.observatory.wording import cost_sentence, count, scenario_summary
from tests.factories import PlaceFactory, candidate_at
from tests.observatory.pdf_colours import page_contents, paints
from tests.observatory.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

TWIN_NAME = "Plateau de bureaux, avenue Jean-Jaurès"


@pytest.fixture
def twin_sites(territory):
    """Two candidate sites of the same name, in Clichy and Gennevilliers."""
    return [
        candidate_at(
            commune,
            f"plateau-{commune.insee_code}",
            TWIN_NAME,
            owner="private",
            kind="office_floor",
            surface_m2=300,
        )
        for commune in territory.filter(insee_code__in=["92024", "92036"])
    ]


def _pdf(client, scenario) -> str:
    response = client.get(reverse("observatory:scenario_report_pdf", args=[scenario.pk]))
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_pdf_keeps_french_typography(client, staff_user, open_network, candidate_sites):
    scenario = services.save_scenario(
        staff_user,
        name="Cœur de réseau — nord",
        description="Budget : 120 000 € ; une œuvre commune.",
        candidate_ids=[candidate_sites[0].pk],
    )
    client.force_login(staff_user)
    content = _pdf(client, scenario)
    text = pdf_text(content)
    assert "Cœur de réseau — nord" in text
    assert "120 000 €" in text and "une œuvre commune" in text
    assert "EUR" not in text and "Coeur" not in text and "oeuvre" not in text
    # The vendored font is embedded; no core (Latin-1) font is left.
    assert b"DejaVuSans" in content and b"Helvetica" not in content


def test_the_reports_count_in_good_french(client, staff_user, open_network, candidate_sites):
    scenario = services.save_scenario(
        staff_user, name="Un site", candidate_ids=[candidate_sites[0].pk]
    )
    client.force_login(staff_user)
    summary = "Ce scénario ouvre 1 site en plus des 2 lieux ouverts aujourd'hui."
    text = pdf_text(_pdf(client, scenario))
    assert summary in text and "(s)" not in text
    # Each column says whether it is today's figure or the scenario's.
    assert (
        "Commune Part aujourd'hui Part avec le scénario Temps moyen aujourd'hui "
        "Temps moyen avec le scénario" in text
    )
    html = client.get(reverse("observatory:scenario_report", args=[scenario.pk])).content
    assert summary in " ".join(unescape(html.decode()).split())


@pytest.mark.parametrize(
    ("new_sites", "open_places", "expected"),
    [
        (1, 0, "Ce scénario ouvre 1 site alors qu'aucun lieu n'est ouvert aujourd'hui."),
        (2, 1, "Ce scénario ouvre 2 sites en plus du lieu ouvert aujourd'hui."),
        (0, 3, "Ce scénario n'ouvre aucun site en plus des 3 lieux ouverts aujourd'hui."),
    ],
)
def test_scenario_summary(new_sites, open_places, expected):
    assert scenario_summary(new_sites, open_places) == expected


def test_count_uses_the_french_singular_for_zero_and_one():
    assert [count(n, "lieu", "lieux") for n in (0, 1, 2)] == ["0 lieu", "1 lieu", "2 lieux"]


def test_sites_of_the_same_name_show_their_commune(client, staff_user, open_network, twin_sites):
    scenario = services.save_scenario(
        staff_user, name="Jumeaux", candidate_ids=[site.pk for site in twin_sites]
    )
    client.force_login(staff_user)
    labels = [f"{TWIN_NAME} (Clichy)", f"{TWIN_NAME} (Gennevilliers)"]
    detail = unescape(client.get(scenario.get_absolute_url()).content.decode())
    assert all(f"<li>{label} — site candidat" in detail for label in labels)
    report = unescape(
        client.get(reverse("observatory:scenario_report", args=[scenario.pk])).content.decode()
    )
    assert all(f"<li>{label}</li>" in report for label in labels)
    text = pdf_text(_pdf(client, scenario))
    assert all(label in text for label in labels)
    # The map's data (and the GeoJSON download) name each site's commune too.
    map_sites = {
        f["properties"]["commune"]
        for f in client.get(scenario.get_absolute_url()).context["map_geojson"]["features"]
        if f["properties"].get("name") == TWIN_NAME
    }
    assert map_sites == {"Clichy", "Gennevilliers"}


def test_the_pdf_tables_are_dark_on_light(client, staff_user, open_network, candidate_sites):
    """The map's colours stay in the map: every text is dark, every table cell light (wider
    than the legend's swatches), on every page, the commune table's included."""
    scenario = services.save_scenario(
        staff_user, name="Quatre sites", candidate_ids=[site.pk for site in candidate_sites]
    )
    client.force_login(staff_user)
    pages = page_contents(_pdf(client, scenario))
    assert len(pages) >= 2
    for number, content in enumerate(pages, start=1):
        painted = paints(content)
        texts = [p for p in painted if p.kind == "text"]
        cells = [p for p in painted if p.kind == "rect" and p.width_pt > 30]
        assert texts, number
        assert all(p.luminance < 0.3 for p in texts), number
        assert all(p.luminance > 0.85 for p in cells), number
    # The commune table, on the last page, alternates white and light grey rows.
    last = {p.colour for p in paints(pages[-1]) if p.kind == "rect" and p.width_pt > 30}
    assert len(last) >= 2


def test_the_pdf_map_has_its_key_beside_it(client, staff_user, open_network, candidate_sites):
    scenario = services.save_scenario(
        staff_user, name="Un site", candidate_ids=[candidate_sites[0].pk]
    )
    client.force_login(staff_user)
    text = pdf_text(_pdf(client, scenario))
    assert "Temps d'accès moyen à pied avec le scénario" in text
    for label in ("moins de 5 min", "5 à 10 min", "20 à 30 min", "30 min et plus"):
        assert label in text
    assert "Lieu ouvert" in text and "Site ouvert par le scénario" in text


def test_the_pdf_points_to_the_accessible_html_report(
    client, staff_user, open_network, candidate_sites, settings
):
    settings.MAILLAGE_SITE_URL = "https://tiers-lieux.exemple.fr/"
    scenario = services.save_scenario(
        staff_user, name="Un site", candidate_ids=[candidate_sites[0].pk]
    )
    client.force_login(staff_user)
    html_report = "https://tiers-lieux.exemple.fr" + reverse(
        "observatory:scenario_report", args=[scenario.pk]
    )
    content = _pdf(client, scenario)
    assert f"Version accessible de ce rapport (HTML) : {html_report}" in pdf_text(content)
    assert f"/URI ({html_report})".encode() in content


@pytest.mark.parametrize("description_lines", [0, 12, 40])
def test_no_pdf_page_holds_only_a_few_lines(
    client, staff_user, open_network, candidate_sites, description_lines
):
    """However far the sites' list runs, the commune table follows it rather than leaving a
    page with the list's last lines alone."""
    scenario = services.save_scenario(
        staff_user,
        name="Quatre sites",
        description="\n".join(f"Hypothèse {n}." for n in range(description_lines)),
        candidate_ids=[site.pk for site in candidate_sites],
    )
    client.force_login(staff_user)
    pages = page_contents(_pdf(client, scenario))
    texts = [len([p for p in paints(content) if p.kind == "text"]) for content in pages]
    assert all(count >= 10 for count in texts), texts


def test_a_scenario_map_holds_the_zones_of_today_and_with_it(
    client, staff_user, open_network, candidate_sites
):
    scenario = services.save_scenario(
        staff_user, name="Quatre sites", candidate_ids=[site.pk for site in candidate_sites]
    )
    comparison = services.compare_scenario(scenario)
    client.force_login(staff_user)
    features = client.get(scenario.get_absolute_url()).context["map_geojson"]["features"]
    zones = [f["properties"] for f in features if f["properties"]["kind"] == "underserved"]
    for phase, report in (("before", comparison.before), ("after", comparison.after)):
        mine = [zone for zone in zones if zone["phase"] == phase]
        assert sum(zone["population"] for zone in mine) == sum(
            round(zone.population) for zone in report.underserved
        )
    assert len(zones) == len(comparison.before.underserved) + len(comparison.after.underserved)
    # The public map has one report: its zones carry no phase.
    public = client.get(reverse("observatory:public")).context["map_geojson"]["features"]
    assert all("phase" not in f["properties"] for f in public)


@pytest.mark.parametrize(
    ("total", "priced", "unpriced", "expected"),
    [
        (0, 0, 0, ""),
        (45_000_000, 1, 0, "Coût estimé des sites : 450\u202f000 €."),
        (12_345_678, 3, 0, "Coût estimé des sites : 123\u202f456,78 €."),
        (0, 0, 1, "Coût non renseigné pour 1 site."),
        (0, 0, 3, "Coût non renseigné pour 3 sites."),
        (
            45_000_000,
            1,
            2,
            "Coût estimé des sites : 450\u202f000 € pour 1 site ; coût non renseigné pour 2 sites.",
        ),
        (0, 2, 1, "Coût estimé des sites : 0 € pour 2 sites ; coût non renseigné pour 1 site."),
    ],
)
def test_cost_sentence(total, priced, unpriced, expected):
    assert cost_sentence(total, priced, unpriced) == expected


def test_a_scenario_shows_the_total_cost_of_its_sites(
    client, staff_user, open_network, candidate_sites, territory
):
    first, second, third, fourth = candidate_sites
    first.estimated_cost_cents = 45_000_000
    first.save()
    second.estimated_cost_cents = 5_000_050
    second.save()
    project = PlaceFactory(
        commune=territory.get(insee_code="92063"),
        slug="projet",
        status="project",
        opening_date=None,
    )
    priced = services.save_scenario(staff_user, name="Chiffré", candidate_ids=[first.pk, second.pk])
    partial = services.save_scenario(
        staff_user,
        name="En partie",
        candidate_ids=[first.pk, third.pk, fourth.pk],
        project_ids=[project.pk],
    )
    unknown = services.save_scenario(staff_user, name="Inconnu", candidate_ids=[third.pk])
    empty = services.save_scenario(staff_user, name="Vide")
    client.force_login(staff_user)
    expected = {
        priced: "Coût estimé des sites : 500\u202f000,50 €.",
        partial: "Coût estimé des sites : 450\u202f000 € pour 1 site ;"
        " coût non renseigné pour 3 sites.",
        unknown: "Coût non renseigné pour 1 site.",
    }
    for scenario, sentence in expected.items():
        assert services.compare_scenario(scenario).cost.sentence == sentence
        detail = unescape(client.get(scenario.get_absolute_url()).content.decode())
        assert f'<p id="cout">{sentence}</p>' in detail
        report = client.get(reverse("observatory:scenario_report", args=[scenario.pk]))
        assert f"<p>{sentence}</p>" in unescape(report.content.decode())
        # The PDF's text reads every space as one.
        assert " ".join(sentence.split()) in " ".join(pdf_text(_pdf(client, scenario)).split())
    assert 'id="cout"' not in client.get(empty.get_absolute_url()).content.decode()


def test_the_html_report_draws_the_map_on_the_server(
    client, staff_user, open_network, candidate_sites, territory
):
    scenario = services.save_scenario(
        staff_user, name="Quatre sites", candidate_ids=[site.pk for site in candidate_sites]
    )
    comparison = services.compare_scenario(scenario)
    client.force_login(staff_user)
    html = client.get(reverse("observatory:scenario_report", args=[scenario.pk])).content.decode()
    figure = html[html.index('<figure class="report-map">') : html.index("</figure>")]
    drawing = figure[: figure.index("<figcaption>")]
    assert drawing.count("<path d=") == territory.count()
    assert drawing.count('<path class="underserved-outline"') == len(comparison.after.underserved)
    assert drawing.count('<circle class="report-place"') == len(open_network)
    assert drawing.count('<rect class="report-new-site"') == len(candidate_sites)
    # It prints: no script, no tiles, a print stylesheet.
    assert "<script" not in html and "leaflet" not in html
    assert "observatory/report.css" in html
