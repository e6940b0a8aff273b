"""The footer's information pages in a real browser, on a phone and on a desktop: reached
from the footer, no serious or critical axe-core violation, nothing overflowing sideways."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.layout import fits

pytestmark = pytest.mark.django_db(transaction=True)

FOOTER_LINKS = {
    "Mentions légales": "Mentions légales",
    "Données personnelles": "Données personnelles",
    "Accessibilité : non conforme": "Déclaration d'accessibilité",
    "Contact": "Contact",
    "Plan du site": "Plan du site",
}


@pytest.mark.parametrize("width", [390, 1280])
def test_the_footer_leads_to_each_information_page(page, territory, axe, width):
    page.set_viewport_size({"width": width, "height": 844 if width == 390 else 800})
    for link, heading in FOOTER_LINKS.items():
        page.goto(reverse("web:home"))
        footer = page.get_by_role("navigation", name="Informations légales")
        footer.get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert fits(page, width), heading
        assert axe(page) == [], heading


def test_the_site_map_leads_to_the_public_pages(page, territory):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(reverse("web:site_map"))
    page.get_by_role("main").get_by_role("link", name="Données ouvertes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Données ouvertes")
