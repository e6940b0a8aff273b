import re

import pytest
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.demo.services import load_demo
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
