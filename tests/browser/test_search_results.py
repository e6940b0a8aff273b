"""Search results with a keyboard and a screen reader, at phone and desktop widths: after a
search, focus lands on the results heading and a status region announces its count; each
result is named by its place and its space; a commune without a free space suggests the
nearest ones with their distance; the directory finds places by postal code."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.layout import fits
from tests.browser.pages import sized
from tests.factories import BookablePlaceFactory, DeskFactory, RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [390, 1280]
# Up to this width (50rem, in CSS pixels) the directory's filters fold behind a button.
PHONE_LAYOUT_MAX = 800


@pytest.fixture
def boulogne(territory):
    """«Le Belvédère» in Boulogne-Billancourt, next door to Issy-les-Moulineaux (no place)."""
    place = BookablePlaceFactory(
        commune=territory.get(insee_code="92012"), name="Le Belvédère", slug="belvedere"
    )
    RoomFactory(place=place, name="Salle Seine")
    DeskFactory(place=place, name="Espace partagé")
    return place


@pytest.fixture
def sized_page(browser, live_server, request):
    with sized(browser, live_server, request.param) as page:
        yield page, request.param


def focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent").strip()


@pytest.mark.parametrize("sized_page", WIDTHS, indirect=True)
def test_a_commune_without_space_suggests_the_nearest_and_the_keyboard_reaches_them(
    sized_page, boulogne, axe
):
    page, width = sized_page
    tomorrow = timezone.localdate() + timedelta(days=2)
    page.goto("/reserver/")
    page.get_by_label("Date").fill(tomorrow.isoformat())
    page.get_by_label("De", exact=True).fill("09:00")
    page.get_by_label("À", exact=True).fill("12:00")
    page.get_by_label("Commune").select_option(label="Issy-les-Moulineaux")
    page.get_by_label("Nombre de personnes").press("Enter")
    heading = page.locator("#resultats-titre")
    expect(heading).to_have_text(
        "Aucun espace libre à Issy-les-Moulineaux : 2 espaces libres à moins de 5\u00a0km"
    )
    expect(heading).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="Aucun espace libre")).to_have_text(
        "Aucun espace libre à Issy-les-Moulineaux : 2 espaces libres à moins de 5 km"
    )
    first = page.get_by_role("link", name="Le Belvédère — Espace partagé")
    expect(first).to_be_visible()
    expect(page.get_by_role("link", name="Le Belvédère — Salle Seine")).to_be_visible()
    expect(page.get_by_text(re.compile(r"· à \d+,\d\u00a0km")).first).to_be_visible()
    assert fits(page, width)
    assert axe(page) == []

    # From the heading, Tab goes through the map's controls and markers to the first result.
    for _ in range(30):
        page.keyboard.press("Tab")
        if focused_text(page) == "Le Belvédère — Espace partagé":
            break
    else:
        pytest.fail("Tab n'atteint pas le premier résultat")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Espace partagé")


@pytest.mark.parametrize("sized_page", WIDTHS, indirect=True)
def test_the_directory_finds_places_by_postal_code(sized_page, boulogne, axe):
    page, width = sized_page
    page.goto("/lieux/")
    expect(page.locator("#resultats-titre")).not_to_be_focused()
    if width <= PHONE_LAYOUT_MAX:
        # On phones the filters wait behind their button.
        page.get_by_role("button", name=re.compile("filtres", re.IGNORECASE)).click()
    page.get_by_label("Code postal ou commune").fill("92130")
    page.get_by_label("Code postal ou commune").press("Enter")
    heading = page.locator("#resultats-titre")
    expect(heading).to_have_text("1 lieu trouvé à Issy-les-Moulineaux et à moins de 5\u00a0km")
    expect(heading).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="1 lieu trouvé")).to_be_attached()
    expect(page.get_by_role("link", name="Le Belvédère")).to_be_visible()
    assert fits(page, width)
    assert axe(page) == []

    page.goto("/lieux/?localite=75001")
    expect(
        page.get_by_text("Code postal ou commune : aucune commune du département")
    ).to_be_visible()
    assert axe(page) == []
