"""A manager blocks a space for part of a day in a real browser: errors focused and next to
their fields, a block over a booking refused with it listed, a block added then lifted; at
phone and desktop widths, axe-core finding nothing serious."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.booking.models import SpaceBlock
from tests.booking import on_page
from tests.browser.test_booking import log_in, next_weekday
from tests.browser.test_manager_places import fits

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_manager_blocks_a_space(
    browser, live_server, bookable_place, room, place_manager, booker, axe, width
):
    tuesday = next_weekday(1)
    zone = timezone.get_current_timezone()
    on_page.book(
        booker,
        room.pk,
        datetime.combine(tuesday, time(10), zone),
        datetime.combine(tuesday, time(12), zone),
    )
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    space_url = reverse("manager:space", args=[bookable_place.slug, room.pk])
    log_in(page, "gestion@ruche.test", "motdepasse-gestion-1", space_url)
    page.get_by_role("link", name="Bloquer l'espace sur un créneau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Blocages de l'espace « {room.name} »"
    )
    assert axe(page) == []
    fits(page, width)

    # Nothing given: the summary takes the focus, each field says what it needs.
    page.get_by_role("button", name="Bloquer l'espace").click()
    expect(page.locator("#erreurs")).to_be_focused()
    expect(page.get_by_label("Motif")).to_have_attribute("aria-invalid", "true")
    assert axe(page) == []
    fits(page, width)

    # Over the booking: refused, the booking listed.
    page.get_by_label("Premier jour").fill(tuesday.isoformat())
    page.get_by_label("Heure de début").fill("09:00")
    page.get_by_label("Dernier jour").fill(tuesday.isoformat())
    page.get_by_label("Heure de fin").fill("11:00")
    page.get_by_label("Motif").fill("Entretien du projecteur")
    page.get_by_role("button", name="Bloquer l'espace").click()
    expect(page.locator("#erreurs")).to_contain_text(
        "Une réservation est prévue pendant ce blocage"
    )
    expect(page.get_by_role("table")).to_contain_text("camille@exemple.test")
    assert axe(page) == []
    fits(page, width)
    assert not SpaceBlock.objects.exists()

    # The afternoon until midnight: blocked, listed, then lifted.
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_label("Dernier jour").fill((tuesday + timedelta(days=1)).isoformat())
    page.get_by_label("Heure de fin").fill("00:00")
    page.get_by_role("button", name="Bloquer l'espace").click()
    expect(page.get_by_text("Espace bloqué du")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Entretien du projecteur")
    assert axe(page) == []
    fits(page, width)
    page.get_by_role("button", name="Lever").click()
    expect(page.get_by_text("Blocage levé")).to_be_visible()
    expect(page.get_by_text("Aucun blocage à venir.")).to_be_visible()
    assert SpaceBlock.objects.get().removed_at is not None
    context.close()
