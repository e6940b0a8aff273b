"""The site's menus in a real browser. On a phone the main menu waits behind «Menu» (a
<details> disclosure: no script) and the section menus of the managers' space and of the
community are a compact row of tabs, the current one filled, so that the page starts within
the first screen; a breadcrumb wraps as a sentence. On a desktop the main menu is open. Axe-core
finds no violation at all, at either width, menu closed or open."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.layout import fits
from tests.browser.menu import open_menu
from tests.browser.test_manager_bookings import PASSWORD, log_in
from tests.factories import EventFactory, ManagerFactory, PlaceFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PRIMARY = "rgb(29, 53, 87)"  # maillage.css's --primary


def violations(page) -> list[str]:
    """Every axe-core violation, whatever its impact."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']}" for v in Axe().run(page).response["violations"]
    ]


def height(locator) -> float:
    return locator.bounding_box()["height"]


@pytest.fixture
def manager_with_event(territory):
    place = PlaceFactory(commune=territory.get(insee_code="92012"), name="La Ruche Boulogne")
    ManagerFactory(email="gestion@ruche.test", password=PASSWORD, places=[place])
    return EventFactory(place=place, title="Créer son entreprise : les étapes, de l'idée au statut")


def test_on_a_phone_the_menus_leave_the_first_screen_to_the_page(
    browser, live_server, manager_with_event
):
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    log_in(page, reverse("manager:home"))
    menu = page.locator("summary.menu-button")
    account = page.get_by_role("link", name="Mon compte")
    expect(menu).to_be_visible()
    expect(account).to_be_hidden()
    assert height(page.locator("header.site-header")) < 80

    tabs = page.get_by_role("navigation", name="Espace gestion")
    current = tabs.locator("a[aria-current=page]")
    expect(current).to_have_text("Accueil")
    assert height(tabs) < 140  # three rows of tabs at most, not a list of seven lines
    first, second = tabs.get_by_role("link").nth(0), tabs.get_by_role("link").nth(1)
    assert first.bounding_box()["y"] == second.bounding_box()["y"]  # side by side
    assert current.evaluate("a => getComputedStyle(a).backgroundColor") == PRIMARY
    assert second.evaluate("a => getComputedStyle(a).backgroundColor") != PRIMARY
    assert tabs.evaluate("nav => getComputedStyle(nav.querySelector('ul')).listStyleType") == "none"
    assert page.get_by_role("heading", level=1).bounding_box()["y"] < PHONE["height"] / 3
    assert violations(page) == []

    # The keyboard opens the menu: the skip link, the site's name, then «Menu».
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(account).to_be_visible()
    assert violations(page) == []
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Accueil", exact=True).first).to_be_focused()
    page.get_by_role("link", name="Les tiers-lieux", exact=True).click()
    expect(page).to_have_url(re.compile(r"/lieux/$"))
    expect(page.get_by_role("link", name="Mon compte")).to_be_hidden()  # closed again

    # The breadcrumb reads as one sentence: the current page starts on the first line, after
    # «Ateliers et événements ›».
    page.goto(reverse("manager:event", args=[manager_with_event.pk]))
    crumbs = page.get_by_role("navigation", name="Fil d'Ariane")
    tops = crumbs.locator("li").evaluate_all("items => items.map(i => i.getClientRects()[0].top)")
    assert tops[0] == tops[1]
    assert fits(page, PHONE["width"])
    assert violations(page) == []

    page.goto(reverse("community:home"))
    tabs = page.get_by_role("navigation", name="Communauté des tiers-lieux")
    expect(tabs.locator("a[aria-current=page]")).to_have_text("Communauté")
    assert height(tabs) < 140
    assert fits(page, PHONE["width"])
    assert violations(page) == []
    context.close()


def test_on_a_desktop_the_main_menu_is_open(browser, live_server, manager_with_event):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    log_in(page, reverse("manager:events"))
    expect(page.locator("summary.menu-button")).to_be_hidden()
    expect(page.get_by_role("link", name="Mon compte")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Espace gestion")
    expect(tabs.locator("a[aria-current=page]")).to_have_text("Ateliers")
    assert height(tabs) < 70  # one row
    assert violations(page) == []
    page.goto(reverse("community:home"))
    assert violations(page) == []
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_staff_reach_their_pages_from_the_menu(browser, live_server, territory, viewport):
    StaffFactory(email="agent@cd92.test", password=PASSWORD)
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{reverse('accounts:login')}?next=/")
    page.get_by_label("Adresse électronique").fill("agent@cd92.test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    open_menu(page)
    page.get_by_role("link", name="Département", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pages du Département")
    expect(page.get_by_role("link", name="Demande de bureaux par commune")).to_be_visible()
    assert fits(page, viewport["width"])
    assert violations(page) == []
    context.close()
