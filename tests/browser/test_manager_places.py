"""A manager keeps a place in a real browser: profile, hours, a closure hitting a booking,
a space; at phone and desktop widths, axe-core finding nothing serious."""

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.booking.models import BookingStatus
from maillage.places.models import Closure, OpeningHours
from tests.booking import on_page
from tests.browser.layout import fits
from tests.browser.test_booking import log_in, next_weekday

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_manager_keeps_a_place(
    browser, live_server, bookable_place, room, place_manager, booker, axe, width
):
    tuesday = next_weekday(1)
    zone = timezone.get_current_timezone()
    booking = on_page.book(
        booker,
        room.pk,
        datetime.combine(tuesday, time(10), zone),
        datetime.combine(tuesday, time(12), zone),
    )
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    log_in(page, "gestion@ruche.test", "motdepasse-gestion-1", reverse("manager:places"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes lieux")
    assert axe(page) == []
    assert fits(page, width)

    page.get_by_role("link", name=bookable_place.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(bookable_place.name)
    assert axe(page) == []
    assert fits(page, width)

    page.get_by_role("link", name=re.compile(r"^Photos")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Photos")
    page.get_by_role("button", name="Ajouter la photo").click()
    expect(page.locator("#erreurs")).to_be_focused()
    assert axe(page) == []
    assert fits(page, width)
    page.get_by_role("link", name=bookable_place.name).click()

    page.get_by_role("link", name="Modifier la fiche").click()
    expect(page.locator("#map")).to_have_attribute("data-ready", "true")
    page.get_by_label("SIRET").fill("12345678901234")
    page.get_by_label("Accès et transports").fill("Métro ligne 9")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#erreurs")).to_be_focused()
    expect(page.get_by_label("SIRET")).to_have_attribute("aria-invalid", "true")
    assert axe(page) == []
    assert fits(page, width)
    page.get_by_label("SIRET").fill("")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Fiche du lieu enregistrée.")).to_be_visible()

    page.get_by_role("link", name="Modifier les horaires").click()
    page.get_by_label("Vendredi").fill("08:00–24:00")
    assert axe(page) == []
    assert fits(page, width)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Horaires d'ouverture enregistrés.")).to_be_visible()
    friday = OpeningHours.objects.get(place=bookable_place, weekday=4)
    assert (friday.opens, friday.closes) == (time(8), time(0))

    page.get_by_role("link", name="Gérer les fermetures").click()
    page.get_by_label("Premier jour").fill(tuesday.isoformat())
    page.get_by_label("Dernier jour").fill((tuesday + timedelta(days=1)).isoformat())
    page.get_by_label("Motif").fill("Dégât des eaux")
    page.get_by_role("button", name="Vérifier et enregistrer").click()
    expect(page.get_by_role("heading", name="Cette fermeture touche 1 réservation")).to_be_focused()
    expect(page.get_by_role("cell", name="camille@exemple.test")).to_be_visible()
    assert axe(page) == []
    assert fits(page, width)
    assert not Closure.objects.exists()
    page.get_by_role("button", name=re.compile("Fermer et annuler 1 réservation")).click()
    expect(page.get_by_text("1 réservation annulée")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Closure.objects.filter(place=bookable_place).count() == 1
    assert axe(page) == []

    page.goto(reverse("manager:add_space", args=[bookable_place.slug]))
    page.locator("#id_name").fill("Salle Loire")
    page.get_by_label("Capacité").fill("0")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#erreurs")).to_be_focused()
    assert axe(page) == []
    assert fits(page, width)
    context.close()
