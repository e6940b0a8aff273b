import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.core.outbox import deliver_due

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "tiers-lieu-Nanterre-2026"


def test_a_resident_signs_up_verifies_the_address_and_logs_in(page, territory, axe):
    page.goto("/")
    page.get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    assert axe(page) == []

    # Bad input: errors are announced and named, and axe is still satisfied.
    page.get_by_role("button", name="Créer mon compte").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Saisissez votre adresse électronique.")
    expect(page.locator("#id_email")).to_have_attribute("aria-invalid", "true")
    assert axe(page) == []

    page.locator("#id_email").fill("Yanis.Dupont@Exemple.test")
    page.locator("#id_first_name").fill("Yanis")
    page.locator("#id_last_name").fill("Dupont")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre adresse électronique")
    user = User.objects.get(email="yanis.dupont@exemple.test")
    assert not user.can_book

    assert deliver_due() == 1  # what the task worker does
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/inscription/verifier/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_text("Votre adresse électronique est vérifiée")).to_be_visible()
    user.refresh_from_db()
    assert user.can_book
    assert axe(page) == []

    page.get_by_role("button", name="Déconnexion", exact=True).click()
    expect(page.get_by_role("link", name="Connexion", exact=True)).to_be_visible()

    page.get_by_role("link", name="Connexion", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    assert axe(page) == []
    page.locator("#id_username").fill("yanis.dupont@exemple.test")
    page.locator("#id_password").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("mot de passe incorrect")
    assert axe(page) == []
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name="Mon compte")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/$"))
