"""The walk-in booking page in a real browser: phone and desktop widths, axe-core, a refusal
told at the top (focused) and next to its field, then the booking made."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.booking.models import Booking
from tests.browser.layout import fits
from tests.browser.test_manager_bookings import PASSWORD, log_in
from tests.factories import BookablePlaceFactory, ManagerFactory, RoomFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_walk_in_page_fits_passes_axe_and_books(browser, live_server, territory, axe, width):
    place = BookablePlaceFactory(
        commune=territory.get(insee_code="92012"),
        slug="la-ruche",
        name="La Ruche de Boulogne-Billancourt",
    )
    ManagerFactory(email="gestion@ruche.test", password=PASSWORD, places=[place])
    room = RoomFactory(place=place, name="Salle de réunion des Coteaux")
    day = timezone.localdate() + timedelta(days=2)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    log_in(page, reverse("manager:walk_in"))
    assert fits(page, width)
    assert axe(page) == []
    page.locator("#id_espace").select_option(str(room.pk))
    page.get_by_label("Date").fill(f"{day:%Y-%m-%d}")
    page.get_by_label("Heure de début").fill("10:00")
    page.get_by_label("Heure de fin").fill("11:00")
    page.get_by_label("Nom de la personne").fill("Jeanne Roux")
    page.get_by_label("Adresse électronique ou téléphone").fill("demain")
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(page.locator("#erreurs")).to_be_focused()
    contact = page.get_by_label("Adresse électronique ou téléphone")
    expect(contact).to_have_attribute("aria-invalid", "true")
    assert fits(page, width)
    assert axe(page) == []
    contact.fill("06 12 34 56 78")
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(reverse("manager:bookings"))))
    booking = Booking.objects.get()
    row = page.locator(f"#reservation-{booking.pk}")
    expect(row).to_contain_text("Jeanne Roux")
    expect(row).to_contain_text("sur place")
    assert fits(page, width)
    assert axe(page) == []
    context.close()
