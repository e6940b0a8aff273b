"""Onboarding in a real browser, at phone (390 px) and desktop (1280 px) widths: the public
listing request with a bad SIRET then a good one, the staff review creating the place, the
invitation's link setting a password, the place's managers page; axe-core reports no
serious or critical violation, and nothing overflows sideways."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from maillage.core.outbox import deliver_due
from maillage.places.models import ListingRequest, Place
from tests.browser.layout import fits
from tests.browser.menu import open_menu
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "tiers-lieu-Boulogne-2026"


def log_in(page, email: str, password: str, then: str) -> None:
    page.goto(f"{reverse('accounts:login')}?next={then}")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(re.escape(then) + "$"))


@pytest.mark.parametrize("width", [390, 1280])
def test_a_place_asks_staff_create_it_and_its_contact_becomes_manager(
    browser, live_server, settings, territory, axe, width
):
    settings.MAILLAGE_SITE_URL = live_server.url
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="fr-FR", base_url=live_server.url
    )
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="Référencer mon tiers-lieu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Référencer mon tiers-lieu")
    assert fits(page, width)
    assert axe(page) == []

    page.locator("#id_place_name").fill("La Fabrique")
    page.locator("#id_address").fill("12 rue de Paris")
    page.locator("#id_postal_code").fill("92100")
    page.locator("#id_commune").select_option(label="Boulogne-Billancourt")
    page.locator("#id_siret").fill("732 829 320 00075")
    page.locator("#id_contact_name").fill("Camille Martin")
    page.locator("#id_contact_email").fill("camille@fabrique.test")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("alert")).to_contain_text("la clé de contrôle ne correspond pas")
    expect(page.locator("#id_siret")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#erreurs")).to_be_focused()
    assert fits(page, width)
    assert axe(page) == []
    page.locator("#id_siret").fill("732 829 320 00074")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("status")).to_contain_text("demande de référencement est envoyée")
    listing = ListingRequest.objects.get()

    StaffFactory(email="agent@cd92.test", password="motdepasse-agent-1")
    log_in(page, "agent@cd92.test", "motdepasse-agent-1", reverse("manager:listing_requests"))
    assert fits(page, width)
    assert axe(page) == []
    page.get_by_role("link", name="La Fabrique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande : La Fabrique")
    page.locator("#id_slug").fill("la-fabrique")
    page.get_by_role("radio", name="Ouvert").check()
    page.get_by_role("button", name="Créer le lieu").click()
    expect(page.get_by_role("alert")).to_contain_text("doit avoir une date d'ouverture")
    assert fits(page, width)
    assert axe(page) == []
    page.get_by_role("radio", name="En préparation").check()
    page.get_by_role("button", name="Créer le lieu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gestionnaires — La Fabrique")
    listing.refresh_from_db()
    assert listing.place == Place.objects.get(slug="la-fabrique")
    open_menu(page)
    page.get_by_role("button", name="Déconnexion", exact=True).click()

    assert deliver_due() == 1
    link = re.search(r"https?://\S+/gestion/invitation/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation à gérer un tiers-lieu")
    assert fits(page, width)
    assert axe(page) == []
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte et accepter").click()
    expect(page.get_by_role("status")).to_contain_text("Vous gérez désormais « La Fabrique »")
    open_menu(page)
    expect(page.get_by_role("link", name="Espace gestion")).to_be_visible()
    assert fits(page, width)
    assert axe(page) == []

    # A co-manager, invited from the same page; a bad address is named first.
    page.locator("#id_email").fill("pas-une-adresse")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("Saisissez une adresse électronique valide")
    assert fits(page, width)
    assert axe(page) == []
    page.locator("#id_email").fill("alex@fabrique.test")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation envoyée à alex@fabrique.test")
    expect(page.get_by_text("alex@fabrique.test, envoyée le")).to_be_visible()
    context.close()
