"""Every map shows names as text: a name made of markup is shown literally and runs nothing.

The names are written straight into the database (as an old import or a lax form would have
let them in): the maps must hold whatever the data holds.
"""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.observatory import services as observatory
from maillage.places.models import OpeningHours, Place, Space
from tests.factories import PlaceFactory, candidate_at

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture
def hostile_network(territory):
    commune = territory.get(insee_code="92012")
    place = PlaceFactory(commune=commune, slug="lieu-hostile")
    OpeningHours.objects.bulk_create(
        OpeningHours(place=place, weekday=day, opens=time(8), closes=time(20)) for day in range(7)
    )
    space = Space.objects.create(
        place=place,
        name="Salle",
        kind="meeting_room",
        capacity=8,
        price_hour_cents=2500,
        max_advance_days=None,
    )
    Place.objects.filter(pk=place.pk).update(name=HOSTILE)
    Space.objects.filter(pk=space.pk).update(name=HOSTILE)
    candidate = candidate_at(territory.get(insee_code="92050"), "site-hostile", "Site")
    candidate.__class__.objects.filter(pk=candidate.pk).update(name=HOSTILE)
    staff = User.objects.create_user(
        "agent@cd92.test", "motdepasse-agent-1", is_departement_staff=True
    )
    scenario = observatory.save_scenario(staff, name="Scénario", candidate_ids=[candidate.pk])
    return place, scenario


def assert_nothing_ran(page):
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".leaflet-container img:not(.leaflet-tile)").count() == 0


def open_marker_popup(page):
    expect(page.locator("#map")).to_have_attribute("data-ready", "true")
    expect(page.locator(".place-marker")).to_have_count(1)
    popup = page.locator(".leaflet-popup-content")
    # Leaflet drops a click that lands during the opening zoom animation: click again.
    for _ in range(3):
        page.locator(".place-marker").click()
        try:
            expect(popup).to_have_count(1, timeout=2000)
            break
        except AssertionError:
            continue
    expect(popup).to_contain_text(HOSTILE)
    assert_nothing_ran(page)


def hover_every_shape(page):
    """Open the tooltip of every commune and site of an observatory map."""
    expect(page.locator("#observatory-map")).to_have_attribute("data-ready", "true")
    shapes = page.locator("#observatory-map path.leaflet-interactive, #observatory-map .map-marker")
    for index in range(shapes.count()):
        shapes.nth(index).dispatch_event("mouseover")
    texts = page.locator(".leaflet-tooltip").all_inner_texts()
    assert any(HOSTILE in text for text in texts)
    # Each tooltip holds the text element the script built, nothing parsed from the name.
    assert page.locator(".leaflet-tooltip :not(span)").count() == 0
    assert_nothing_ran(page)
    return texts


def test_every_map_shows_a_hostile_name_as_text(page, hostile_network):
    place, scenario = hostile_network

    for url in ("/", "/lieux/", f"/lieux/{place.slug}/"):
        page.goto(url)
        open_marker_popup(page)

    day = timezone.localdate() + timedelta(days=3)
    page.goto(f"/reserver/?date={day.isoformat()}&debut=09:00&fin=11:00&personnes=1")
    open_marker_popup(page)

    page.goto("/observatoire/")
    hover_every_shape(page)

    page.goto(f"/observatoire/scenarios/{scenario.pk}/")
    page.get_by_label("Adresse électronique").fill("agent@cd92.test")
    page.get_by_label("Mot de passe").fill("motdepasse-agent-1")
    page.get_by_role("button", name="Se connecter").click()
    texts = hover_every_shape(page)
    # The place and the candidate site, each with its commune.
    assert f"{HOSTILE} (Boulogne-Billancourt)" in texts
    assert f"{HOSTILE} (Nanterre)" in texts
