"""The agenda in a real browser at phone width: finding an event, signing in from its page
and coming back, registering; joining a full event's waiting list, reading one's rank, and
leaving the list; axe-core on each page, nothing wider than the screen."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.events.models import Event, Registration, RegistrationStatus
from tests.browser.layout import fits
from tests.browser.test_manager_bookings import PASSWORD as MANAGER_PASSWORD
from tests.browser.test_manager_bookings import log_in
from tests.factories import (
    EventFactory,
    ManagerFactory,
    PlaceFactory,
    RegistrationFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 390
PASSWORD = "motdepasse-camille-1"


def test_a_person_registers_then_joins_and_leaves_a_waiting_list(
    browser, live_server, territory, axe
):
    place = PlaceFactory(commune=territory.get(insee_code="92012"), name="La Ruche Boulogne")
    EventFactory(place=place, title="Atelier export vers l'Allemagne", capacity=10)
    full = EventFactory(place=place, title="Créer son entreprise en un week-end", capacity=1)
    RegistrationFactory(event=full)
    camille = User.objects.create_user("camille@exemple.test", PASSWORD, email_verified=True)
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 844}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()

    page.goto(reverse("events:agenda"))
    expect(page.get_by_role("heading", name="2 événements à venir")).to_be_visible()
    card = page.locator(".event-card", has_text="Créer son entreprise")
    expect(card).to_contain_text("Complet — liste d'attente")
    assert fits(page) and axe(page) == []

    page.get_by_role("link", name="Atelier export vers l'Allemagne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier export vers l'Allemagne")
    page.get_by_role("link", name="Se connecter pour s'inscrire").click()
    page.get_by_label("Adresse électronique").fill("camille@exemple.test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Atelier export vers l'Allemagne")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.get_by_text("Inscription confirmée — 1 place")).to_be_visible()
    assert fits(page) and axe(page) == []

    page.goto(full.get_absolute_url())
    page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    expect(page.get_by_text(re.compile(r"Sur la liste d'attente — 1re position"))).to_be_visible()
    assert fits(page) and axe(page) == []
    waiting = Registration.objects.get(user=camille, event=full)
    assert waiting.status == RegistrationStatus.WAITING

    page.get_by_role("link", name="Mes inscriptions", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes inscriptions")
    assert fits(page) and axe(page) == []
    page.get_by_role("link", name=re.compile(r"^Quitter la liste d'attente")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quitter la liste d'attente")
    assert fits(page) and axe(page) == []
    page.get_by_role("button", name="Quitter la liste").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("events:mine")) + "$"))
    expect(page.get_by_text("Vous avez quitté la liste d'attente.")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CANCELLED
    context.close()


def test_an_organiser_creates_an_event_and_sees_its_waiting_list_on_a_phone(
    browser, live_server, territory, axe
):
    place = PlaceFactory(commune=territory.get(insee_code="92012"), name="La Ruche Boulogne")
    ManagerFactory(email="gestion@ruche.test", password=MANAGER_PASSWORD, places=[place])
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 844}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    log_in(page, reverse("manager:add_event"))
    assert fits(page) and axe(page) == []
    start = timezone.localdate() + timedelta(days=10)
    page.locator("#id_title").fill("Atelier export")
    page.locator("#id_start").fill(f"{start:%Y-%m-%d}T18:00")
    page.locator("#id_end").fill(f"{start:%Y-%m-%d}T17:00")
    page.locator("#id_capacity").fill("1")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#erreurs")).to_be_focused()
    expect(page.locator("#id_end")).to_have_attribute("aria-invalid", "true")
    assert fits(page) and axe(page) == []
    page.locator("#id_end").fill(f"{start:%Y-%m-%d}T20:00")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_text("Événement publié")).to_be_visible()
    event = Event.objects.get()
    for person in (VerifiedUserFactory(), VerifiedUserFactory()):
        RegistrationFactory(event=event, user=person)
    page.reload()
    expect(page.locator("#attente-titre + ol li")).to_have_count(1)
    assert fits(page) and axe(page) == []
    context.close()
