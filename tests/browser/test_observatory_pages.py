import re

import pytest
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.demo.services import load_demo
from tests.browser.layout import fits
from tests.factories import PlaceFactory
from tests.observatory.worker import run_db_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_propose_a_scenario_and_read_its_report(page, territory, axe):
    load_demo()
    User.objects.create_user("agent@cd92.test", "motdepasse-agent-1", is_departement_staff=True)
    page.goto("/observatoire/scenarios/")
    page.get_by_label("Adresse électronique").fill("agent@cd92.test")
    page.get_by_label("Mot de passe").fill("motdepasse-agent-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scénarios d'ouverture de sites")
    assert axe(page) == []

    page.get_by_label("Nom du scénario").fill("Cinq sites")
    page.get_by_role("combobox", name="Modèle").select_option("mclp")
    page.get_by_label("Nombre de sites à ouvrir").fill("5")
    page.get_by_role("button", name="Lancer le modèle").click()
    # The worker solves it: the run's page waits, then shows the scenario's link by itself.
    expect(page.get_by_role("heading", level=1)).to_have_text("Calcul du scénario « Cinq sites »")
    expect(page.get_by_role("status").filter(has_text="En attente")).to_be_visible()
    assert axe(page) == []
    run_db_worker()
    page.get_by_role("link", name="voir le scénario « Cinq sites »").click(timeout=15_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cinq sites")
    expect(page.get_by_text("Optimum prouvé")).to_be_visible()
    expect(page.locator("#observatory-map")).to_have_attribute("data-ready", "true")
    assert int(page.locator("#observatory-map").get_attribute("data-features")) > 36
    expect(
        page.get_by_role("heading", name=re.compile(r"Sites ouverts par le scénario \(5\)"))
    ).to_be_visible()
    assert axe(page) == []

    page.get_by_role("link", name="Rapport imprimable (HTML)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cinq sites")
    assert axe(page) == []

    # Deleting a scenario shared by all staff asks first.
    page.go_back()
    page.get_by_role("link", name="Supprimer…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Supprimer le scénario « Cinq sites » ?"
    )
    assert axe(page) == []
    page.get_by_role("button", name="Supprimer définitivement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scénarios d'ouverture de sites")
    expect(page.get_by_text("Scénario « Cinq sites » supprimé.")).to_be_visible()


def test_wide_tables_captions_stay_within_a_phone_screen(browser, live_server, territory):
    load_demo()
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    page.goto("/observatoire/")
    captions = page.locator(".table-scroll caption")
    assert captions.count() >= 2
    for index in range(captions.count()):
        box = captions.nth(index).bounding_box()
        # The tables scroll sideways; their titles wrap within the screen instead.
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, captions.nth(index).inner_text()
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_observatory_tables_sort_by_keyboard_fit_and_pass_axe(
    browser, live_server, territory, axe, width
):
    for code in ("92012", "92050"):
        PlaceFactory(commune=territory.get(insee_code=code), slug=f"ouvert-{code}")
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    page.goto("/observatoire/")
    table = page.get_by_role("table", name="Accès par commune")
    expect(table.locator('th[aria-sort="ascending"]')).to_have_text(re.compile("À 15 min"))
    zones = page.get_by_role("table", name=re.compile("zones sous-desservies les plus peuplées"))
    expect(zones.locator("tbody tr")).to_have_count(20)
    assert fits(page, width)
    assert axe(page) == []

    # No script needed: a heading's link, reached and followed with the keyboard.
    table.get_by_role("link", name="Habitants (trier par ordre décroissant)").focus()
    page.keyboard.press("Enter")
    expect(table.locator('th[aria-sort="descending"]')).to_have_text(re.compile("Habitants"))
    expect(table.locator("tbody tr").first.get_by_role("rowheader")).to_have_text(
        "Boulogne-Billancourt"
    )
    assert fits(page, width)
    assert axe(page) == []
    context.close()


def _staff_page(browser, live_server, width: int, then: str):
    """A page at `width` px, logged in as the staff user (fixtures.people.staff_user)."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    page.goto(then)
    page.get_by_label("Adresse électronique").fill("agent@cd92.test")
    page.get_by_label("Mot de passe").fill("motdepasse-agent-1")
    page.get_by_role("button", name="Se connecter").click()
    return context, page


def _marker_look(locator) -> dict:
    return locator.evaluate(
        """(element) => {
          const style = getComputedStyle(element);
          return Object.fromEntries(["width", "height", "border-radius", "background-color",
            "border-top-color", "border-top-width", "box-shadow"].map((p) => [p, style[p]]));
        }"""
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_the_scenario_map_switches_before_and_after_by_keyboard(
    browser, live_server, territory, staff_user, width, axe
):
    from maillage.observatory import services
    from tests.factories import candidate_at

    PlaceFactory(commune=territory.get(insee_code="92012"), slug="ouvert-92012")
    sites = [
        candidate_at(commune, f"site-{commune.insee_code}", f"Site de {commune.name}")
        for commune in territory.filter(insee_code__in=["92004", "92025"])
    ]
    scenario = services.save_scenario(
        staff_user, name="Deux sites", candidate_ids=[s.pk for s in sites]
    )
    context, page = _staff_page(browser, live_server, width, scenario.get_absolute_url())
    figure = page.locator("#observatory-map")
    expect(figure).to_have_attribute("data-ready", "true")
    expect(figure).to_have_attribute("data-phase", "after")
    switch = page.get_by_role("group", name="Carte affichée")
    after = switch.get_by_role("radio", name="Avec le scénario")
    expect(after).to_be_checked()
    opened = figure.locator(".map-marker.site-new")
    expect(opened).to_have_count(2)
    comparison = services.compare_scenario(scenario)
    zones = figure.locator("path.underserved-outline")
    expect(zones).to_have_count(len(comparison.after.underserved))

    # The radio buttons answer the arrow keys: today's map has no opened site.
    after.focus()
    page.keyboard.press("ArrowLeft")
    expect(switch.get_by_role("radio", name="Aujourd'hui")).to_be_checked()
    expect(figure).to_have_attribute("data-phase", "before")
    expect(opened).to_have_count(0)
    expect(zones).to_have_count(len(comparison.before.underserved))
    page.keyboard.press("ArrowRight")
    expect(figure).to_have_attribute("data-phase", "after")
    expect(opened).to_have_count(2)

    # Legend and map draw each kind with the same shape.
    legend = page.locator(".map-legend-block")
    for kind in ("status-open", "site-new", "site-candidate"):
        if figure.locator(f".map-marker.{kind}").count():
            assert _marker_look(figure.locator(f".map-marker.{kind}").first) == _marker_look(
                legend.locator(f".legend-dot.{kind}")
            ), kind
    outline = (
        "(e) => { const s = getComputedStyle(e);"
        " return [s.stroke, s.strokeWidth, s.strokeDasharray]; }"
    )
    assert legend.locator("rect.underserved-outline").evaluate(outline) == figure.locator(
        "path.underserved-outline"
    ).first.evaluate(outline)

    # The territory fills the map: every commune within its frame.
    frame = figure.bounding_box()
    communes = figure.locator("path.leaflet-interactive")
    assert communes.count() == territory.count()
    boxes = [communes.nth(index).bounding_box() for index in range(communes.count())]
    # ... and fills it, along one side at least.
    span_x = max(b["x"] + b["width"] for b in boxes) - min(b["x"] for b in boxes)
    span_y = max(b["y"] + b["height"] for b in boxes) - min(b["y"] for b in boxes)
    assert span_x >= 0.8 * frame["width"] or span_y >= 0.8 * frame["height"]
    for box in boxes:
        assert (
            frame["x"] - 1 <= box["x"] <= box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
        )
        assert (
            frame["y"] - 1
            <= box["y"]
            <= box["y"] + box["height"]
            <= frame["y"] + frame["height"] + 1
        )
    assert fits(page, width)
    assert axe(page) == []
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_printable_report_shows_and_prints_its_map(
    browser, live_server, territory, staff_user, width, axe
):
    from django.urls import reverse

    from maillage.observatory import services
    from tests.factories import candidate_at

    PlaceFactory(commune=territory.get(insee_code="92012"), slug="ouvert-92012")
    site = candidate_at(territory.get(insee_code="92004"), "site-92004", "Site d'Asnières")
    scenario = services.save_scenario(staff_user, name="Un site", candidate_ids=[site.pk])
    url = reverse("observatory:scenario_report", args=[scenario.pk])
    context, page = _staff_page(browser, live_server, width, url)
    drawing = page.get_by_role("img", name=re.compile("Carte du scénario"))
    expect(drawing).to_be_visible()
    assert fits(page, width)
    assert axe(page) == []
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        box = drawing.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] > 100, media
    assert drawing.locator("rect.report-new-site").count() == 1
    # Printed: the map and its key, without the links back.
    expect(page.get_by_role("link", name="Télécharger en PDF")).to_be_hidden()
    context.close()


def _two_scenarios(territory, staff_user):
    """«Nord» (Asnières) and «Ouest» (Colombes and Puteaux), at 15 minutes, one open place."""
    from maillage.observatory import services
    from tests.factories import candidate_at

    PlaceFactory(commune=territory.get(insee_code="92012"), slug="ouvert-92012")
    sites = {
        commune.insee_code: candidate_at(
            commune,
            f"site-{commune.insee_code}",
            f"Site de {commune.name}",
            estimated_cost_cents=20_000_000,
        )
        for commune in territory.filter(insee_code__in=["92004", "92025", "92062"])
    }
    north = services.save_scenario(staff_user, name="Nord", candidate_ids=[sites["92004"].pk])
    west = services.save_scenario(
        staff_user, name="Ouest", candidate_ids=[sites["92025"].pk, sites["92062"].pk]
    )
    return north, west


@pytest.mark.parametrize("width", [390, 1280])
def test_two_scenarios_compared_side_by_side(
    browser, live_server, territory, staff_user, width, axe
):
    north, _ = _two_scenarios(territory, staff_user)
    context, page = _staff_page(browser, live_server, width, north.get_absolute_url())
    page.get_by_label("Comparer avec…").select_option(label="Ouest — 15 min")
    page.get_by_role("button", name="Comparer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparer deux scénarios")
    table = page.get_by_role("table", name=re.compile("Indicateurs du département"))
    sites = table.get_by_role("row", name=re.compile("Sites ouverts par le scénario"))
    expect(sites.get_by_role("cell")).to_have_text(["1", "2", "+1"])
    cost = table.get_by_role("row", name=re.compile("Coût estimé"))
    expect(cost.get_by_role("cell")).to_have_text(
        ["200\u202f000 €", "400\u202f000 €", "+200\u202f000 €"]
    )
    maps = page.get_by_role("img", name=re.compile("Carte du scénario"))
    expect(maps).to_have_count(2)
    first, second = maps.nth(0).bounding_box(), maps.nth(1).bounding_box()
    if width < 768:  # the two columns stack on a phone
        assert second["y"] >= first["y"] + first["height"]
    else:
        # Side by side: the second to the right, level with the first (titles may wrap).
        assert second["x"] >= first["x"] + first["width"]
        assert abs(second["y"] - first["y"]) < first["height"] / 4
    assert fits(page, width)
    assert axe(page) == []
    context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_sites_are_picked_on_the_map_or_in_the_list(
    browser, live_server, territory, staff_user, width, axe
):
    from maillage.observatory.models import Scenario
    from tests.factories import candidate_at

    PlaceFactory(commune=territory.get(insee_code="92012"), slug="ouvert-92012")
    colombes, puteaux = (
        candidate_at(commune, f"site-{commune.insee_code}", f"Site de {commune.name}")
        for commune in territory.filter(insee_code__in=["92025", "92062"]).order_by("insee_code")
    )
    context, page = _staff_page(browser, live_server, width, "/observatoire/scenarios/nouveau/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Composer un scénario")
    figure = page.locator("#observatory-map")
    expect(figure).to_have_attribute("data-picking", "true")
    marker = figure.locator(f'[data-key="candidate:{colombes.pk}"]')
    box = page.get_by_role("checkbox", name="Site de Colombes (Colombes)")
    expect(box).not_to_be_checked()
    expect(marker).to_have_class(re.compile(r"\bsite-candidate\b"))
    assert fits(page, width)
    assert axe(page) == []

    # A click on the map checks the list's box; a second click unchecks it.
    marker.click()
    expect(box).to_be_checked()
    expect(marker).to_have_class(re.compile(r"\bsite-new\b"))
    marker.click()
    expect(box).not_to_be_checked()
    expect(marker).to_have_class(re.compile(r"\bsite-candidate\b"))
    marker.click()
    expect(box).to_be_checked()
    # The list, by keyboard, shows on the map too.
    other = page.get_by_role("checkbox", name="Site de Puteaux (Puteaux)")
    other.focus()
    page.keyboard.press("Space")
    expect(figure.locator(f'[data-key="candidate:{puteaux.pk}"]')).to_have_class(
        re.compile(r"\bsite-new\b")
    )
    page.keyboard.press("Space")
    expect(other).not_to_be_checked()
    expect(figure.locator(f'[data-key="candidate:{puteaux.pk}"]')).to_have_class(
        re.compile(r"\bsite-candidate\b")
    )

    page.get_by_label("Nom").fill("Choisi sur la carte")
    page.get_by_role("button", name="Enregistrer et comparer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisi sur la carte")
    scenario = Scenario.objects.get(name="Choisi sur la carte")
    assert list(scenario.candidate_sites.all()) == [colombes]
    assert fits(page, width)
    context.close()
