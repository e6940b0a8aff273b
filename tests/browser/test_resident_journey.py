"""A resident's journey on a phone and a desktop: a place's page offers its spaces' next free
slots, each opening the booking form filled in with it, the route and the access text
first, photos side by side, services as links to the directory; the directory folds its
filters behind «Filtres (n)» on phones; «Près de moi» centres the map on the person or says
in French why it cannot."""

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from maillage.places.models import PlacePhoto, Service
from tests.browser.layout import fits
from tests.browser.pages import sized
from tests.browser.test_search_results import PHONE_LAYOUT_MAX
from tests.factories import BookablePlaceFactory, DeskFactory, PlaceFactory, RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [390, 1280]
# The person's position: Boulogne-Billancourt's town hall, far from the département's middle.
HERE = {"latitude": 48.8352, "longitude": 2.2410}


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 44), "#1d3557").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def belvedere(territory):
    """«Le Belvédère» in Boulogne-Billancourt, open 8:00–20:00: a room and desks, two photos,
    an access text and the fablab service."""
    place = BookablePlaceFactory(
        commune=territory.get(insee_code="92012"),
        name="Le Belvédère",
        slug="belvedere",
        access_text="Métro ligne 9, station Marcel Sembat, puis 5 minutes à pied.",
    )
    RoomFactory(place=place, name="Salle Seine")
    DeskFactory(place=place, name="Espace partagé")
    for number in (1, 2):
        PlacePhoto.objects.create(
            place=place,
            image=SimpleUploadedFile(f"photo-{number}.png", png_bytes()),
            alt_text=f"Vue {number} du lieu",
        )
    fablab = Service.objects.get_or_create(slug="fablab", defaults={"name": "Fablab"})[0]
    place.services.add(fablab)
    PlaceFactory(commune=territory.get(insee_code="92050"), name="Le Quai", slug="le-quai")
    return place


@pytest.fixture
def opened(browser, live_server, request):
    """A page at the width `request.param` (no geolocation)."""
    with sized(browser, live_server, request.param) as page:
        yield page, request.param


@pytest.fixture
def located(browser, live_server, request):
    """A page at the width `request.param` whose person is HERE (geolocation allowed)."""
    options = {"permissions": ["geolocation"], "geolocation": HERE}
    with sized(browser, live_server, request.param, **options) as page:
        yield page, request.param


def map_centre(page) -> tuple[float, float]:
    """Where the page's map is centred, once it says it has moved (data-centre)."""
    expect(page.locator("#map")).to_have_attribute("data-centre", re.compile(r"^[\d.-]+,"))
    lat, lon = page.locator("#map").get_attribute("data-centre").split(",")
    return float(lat), float(lon)


@pytest.mark.parametrize("opened", WIDTHS, indirect=True)
def test_a_place_page_offers_its_next_free_slots_and_the_way_there(opened, belvedere, axe):
    page, width = opened
    # The test server serves no media: the browser gets the photos from here.
    image = png_bytes()
    page.route("**/media/**", lambda route: route.fulfill(body=image, content_type="image/png"))
    page.goto("/lieux/belvedere/")
    slots = page.get_by_role("region", name="Prochains créneaux libres")
    expect(slots.get_by_role("heading", level=3)).to_have_text(["Espace partagé", "Salle Seine"])
    room_slots = slots.get_by_role("link", name=re.compile(r"réserver Salle Seine$"))
    expect(room_slots).to_have_count(3)
    route = page.get_by_role("link", name="Itinéraire vers le lieu Le Belvédère")
    expect(route).to_be_visible()
    assert route.get_attribute("href").startswith("https://www.openstreetmap.org/directions")
    expect(page.get_by_text("Métro ligne 9, station Marcel Sembat")).to_be_visible()
    expect(page.get_by_role("link", name="Fablab")).to_have_attribute(
        "href", "/lieux/?service=fablab"
    )
    # Photos: side by side on a phone too, each within the screen.
    boxes = [image.bounding_box() for image in page.locator(".photos img").all()]
    assert len(boxes) == 2 and boxes[0]["y"] == boxes[1]["y"]
    assert all(box["x"] + box["width"] <= width for box in boxes)
    assert fits(page, width)
    assert axe(page) == []

    # A slot opens the space's booking form filled in with it.
    first = room_slots.first
    asked = parse_qs(urlsplit(first.get_attribute("href")).query)
    first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Salle Seine")
    expect(page.get_by_label("Date")).to_have_value(asked["date"][0])
    expect(page.get_by_label("Heure de début")).to_have_value(asked["debut"][0])
    expect(page.get_by_label("Heure de fin")).to_have_value(asked["fin"][0])

    # A service leads to the directory's places offering it.
    page.go_back()
    page.get_by_role("link", name="Fablab").click()
    expect(page.locator("#resultats-titre")).to_have_text("1 lieu trouvé")
    expect(page.get_by_role("link", name="Le Belvédère")).to_be_visible()


@pytest.mark.parametrize("opened", WIDTHS, indirect=True)
def test_the_directory_folds_its_filters_on_phones(opened, belvedere, axe):
    page, width = opened
    page.goto("/lieux/?service=fablab&thd=on")
    field = page.get_by_label("Code postal ou commune")
    toggle = page.get_by_role("button", name="Filtres (2 actifs)")
    if width <= PHONE_LAYOUT_MAX:
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(field).to_be_hidden()
        assert fits(page, width)
        assert axe(page) == []
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(field).to_be_visible()
        toggle.click()
        expect(field).to_be_hidden()
    else:
        expect(field).to_be_visible()
        expect(toggle).to_be_hidden()
    assert fits(page, width)
    assert axe(page) == []


@pytest.mark.parametrize("located", WIDTHS, indirect=True)
def test_near_me_centres_the_directory_map_on_the_person(located, belvedere, axe):
    page, width = located
    page.goto("/lieux/")
    expect(page.locator("#map")).to_have_attribute("data-ready", "true")
    page.get_by_role("button", name="Près de moi").click()
    expect(page.get_by_role("status").filter(has_text="Position trouvée")).to_have_text(
        "Position trouvée : la carte est centrée sur vous, les lieux proches autour."
    )
    lat, lon = map_centre(page)
    assert abs(lat - HERE["latitude"]) < 1e-3 and abs(lon - HERE["longitude"]) < 1e-3
    assert fits(page, width)
    assert axe(page) == []


@pytest.mark.parametrize("opened", WIDTHS, indirect=True)
def test_near_me_refused_says_what_to_do_instead(opened, belvedere, axe):
    page, width = opened
    page.goto("/lieux/")
    page.get_by_role("button", name="Près de moi").click()
    expect(page.get_by_role("status").filter(has_text="Position")).to_have_text(
        "Position refusée : autorisez la localisation pour ce site dans votre navigateur, "
        "ou cherchez par code postal ou commune."
    )
    expect(page.locator("#map")).not_to_have_attribute("data-centre", re.compile("."))
    assert fits(page, width)
    assert axe(page) == []


@pytest.mark.parametrize("located", WIDTHS, indirect=True)
def test_near_me_in_the_free_space_search_centres_its_map_too(located, belvedere, axe):
    page, width = located
    page.goto("/reserver/")
    page.get_by_role("button", name="Près de moi").click()
    expect(page.locator("#resultats-titre")).to_have_text(re.compile(r"^\d+ espaces? libres?$"))
    lat, lon = map_centre(page)
    assert abs(lat - HERE["latitude"]) < 1e-3 and abs(lon - HERE["longitude"]) < 1e-3
    assert fits(page, width)
    assert axe(page) == []
