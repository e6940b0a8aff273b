import re
from datetime import date, timedelta

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.booking import services
from maillage.booking.models import Booking, CalendarFeed
from maillage.demo.services import load_demo
from maillage.places.models import Place, Space
from tests.booking import on_page
from tests.browser.layout import fits

pytestmark = pytest.mark.django_db(transaction=True)


def next_weekday(weekday: int):
    """The next such day at least two days ahead: bookings then stay cancellable."""
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday() - 2) % 7 + 2)


def test_a_resident_searches_books_and_cancels(page, territory, axe):
    load_demo()
    User.objects.create_user("camille@exemple.test", "motdepasse-camille-1", email_verified=True)
    tuesday = next_weekday(1)
    page.goto("/reserver/")
    page.get_by_label("Date").fill(tuesday.isoformat())
    page.get_by_label("De", exact=True).fill("09:00")
    page.get_by_label("À", exact=True).fill("12:00")
    page.get_by_label("Nombre de personnes").fill("2")
    page.get_by_role("button", name="Chercher les espaces libres").click()
    heading = page.get_by_role("heading", name=re.compile(r"\d+ espaces? libres?"))
    expect(heading).to_be_visible()
    expect(page.locator("#map")).to_have_attribute("data-ready", "true")
    free = re.search(r"\d+", heading.inner_text()).group()  # the map shows every result
    expect(page.locator("#map")).to_have_attribute("data-marker-count", free)
    # Free spaces are all in open places: no status legend, and clusters count spaces.
    expect(page.locator(".map-legend")).to_have_count(0)
    expect(page.locator(".marker-cluster").first).to_have_attribute(
        "aria-label", re.compile(r"^Groupe de \d+ espaces : ")
    )
    assert axe(page) == []

    page.locator(".place-card h3 a").first.click()
    expect(page.get_by_role("heading", name="Réserver")).to_be_visible()
    assert axe(page) == []
    page.get_by_role("link", name="Se connecter pour réserver").click()
    page.get_by_label("Adresse électronique").fill("camille@exemple.test")
    page.get_by_label("Mot de passe").fill("motdepasse-camille-1")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Date").fill(tuesday.isoformat())
    page.get_by_label("Heure de début").fill("09:00")
    page.get_by_label("Heure de fin").fill("11:00")
    page.get_by_role("button", name="Réserver", exact=True).click()
    # A window typed on the page is recapped first, then confirmed.
    expect(page.get_by_role("heading", name=re.compile("^Récapitulatif"))).to_be_visible()
    expect(page.get_by_text("Vérifiez le récapitulatif")).to_be_visible()
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(page).to_have_url(re.compile(r"/reservations/$"))
    expect(page.get_by_text(re.compile(r"(Réservation|Demande) enregistrée"))).to_be_visible()
    mine = Booking.objects.filter(user__email="camille@exemple.test")
    assert mine.count() == 1
    assert axe(page) == []

    page.get_by_role("link", name=re.compile(r"^Annuler la réservation .+ du")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Annuler la réservation .+ — .+")
    )
    assert axe(page) == []
    page.get_by_role("button", name="Confirmer l'annulation").click()
    expect(page.get_by_text(re.compile(r"^Réservation « .+ — .+ » annulée\.$"))).to_be_visible()
    assert mine.get().status == "cancelled"


def log_in(page, email: str, password: str, then: str):
    page.goto(f"{reverse('accounts:login')}?next={then}")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(re.escape(then) + "$"))


def test_my_bookings_fit_a_phone_screen_and_copy_the_feed(browser, live_server, territory):
    load_demo()
    person = User.objects.create_user(
        "camille@exemple.test", "motdepasse-camille-1", email_verified=True
    )
    CalendarFeed.objects.create(user=person)
    space = Space.objects.filter(is_bookable=True, place__status="open").order_by("pk").first()
    day = next_weekday(1)
    start, end = services.free_slots(space.pk, day, timedelta(hours=1))[0]
    on_page.book(person, space.pk, start, end)
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, "camille@exemple.test", "motdepasse-camille-1", reverse("booking:my_bookings"))
    address = page.locator("#feed-url")
    expect(address).to_contain_text("/calendrier/")
    # localhost is a secure context: the copy button shows and puts the address on the clipboard.
    page.get_by_role("button", name="Copier l'adresse").click()
    expect(page.locator("#feed-url-copied")).to_have_text("Copié dans le presse-papiers.")
    assert page.evaluate("navigator.clipboard.readText()") == address.inner_text().strip()
    assert fits(page, 390)
    context.close()


@pytest.mark.parametrize("width", [1366, 375])
def test_the_prices_table_fits_with_its_booking_links(browser, live_server, territory, width):
    load_demo()
    place = (
        Place.objects.filter(status="open")
        .annotate(count=Count("spaces"))
        .order_by("-count", "name")
        .first()
    )
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.goto(place.get_absolute_url())
    table = page.locator(".table-scroll").first
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert fits(page, width)
    link = page.get_by_role("link", name=re.compile(r"^Disponibilités")).first
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    context.close()


def next_fall_back():
    """The next night Paris clocks go back (last Sunday of October), from today on."""
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        night = date(year, 10, 31)
        night -= timedelta(days=(night.weekday() + 1) % 7)
        if night >= today:
            return night
    raise AssertionError("unreachable")


def test_the_fall_back_choice_reads_as_a_radio_list_on_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
    page = context.new_page()
    page.goto(f"/reserver/?date={next_fall_back()}&debut=02:30&fin=04:00")
    choices = page.get_by_role("radio")
    expect(choices).to_have_count(2)
    for index in range(2):
        radio = choices.nth(index).bounding_box()
        label = page.locator(f"label[for='id_debut_occurrence_{index}']").bounding_box()
        # The radio keeps its own size, its label just right of it on the same line.
        assert radio["width"] < 40
        assert radio["x"] + radio["width"] <= label["x"] <= radio["x"] + radio["width"] + 16
        assert abs(radio["y"] - label["y"]) < label["height"]
    assert fits(page, 390)
    context.close()
