import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.booking.models import Booking
from maillage.demo.services import load_demo

pytestmark = pytest.mark.django_db(transaction=True)


def next_weekday(weekday: int):
    today = timezone.localdate()
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


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
    expect(page).to_have_url(re.compile(r"/reservations/$"))
    expect(page.get_by_text(re.compile(r"(Réservation|Demande) enregistrée"))).to_be_visible()
    mine = Booking.objects.filter(user__email="camille@exemple.test")
    assert mine.count() == 1
    assert axe(page) == []

    page.get_by_role("link", name=re.compile(r"^Annuler la réservation du")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuler la réservation")
    assert axe(page) == []
    page.get_by_role("button", name="Confirmer l'annulation").click()
    expect(page.get_by_text("Réservation annulée.")).to_be_visible()
    assert mine.get().status == "cancelled"
