"""«Mon compte › Accès à l'API» in a real browser, at a phone's width: a new token, shown once,
is copied with one tap (web/copy.js), the copy is announced, and axe finds no serious
violation."""

import pytest
from playwright.sync_api import expect

from tests.browser.layout import fits

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}


def test_a_new_token_is_copied_with_one_tap(browser, live_server, booker, axe):
    context = browser.new_context(locale="fr-FR", viewport=PHONE, base_url=live_server.url)
    context.set_default_timeout(15_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/connexion/?next=/compte/acces-api/")
    page.get_by_label("Adresse électronique").fill("camille@exemple.test")
    page.get_by_label("Mot de passe").fill("motdepasse-camille-1")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Nom du jeton").fill("Mon tableur")
    page.get_by_role("button", name="Créer le jeton").click()

    token = page.locator("#new-key").text_content()
    assert token and token.startswith("mlg_")
    copy = page.get_by_role("button", name="Copier le jeton")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#new-key-copied")).to_have_text("Copié dans le presse-papiers.")
    assert page.evaluate("navigator.clipboard.readText()") == token
    assert axe(page) == []
    assert fits(page, PHONE["width"])
    context.close()
    assert errors == [], "erreurs JavaScript ou CSP dans la page"
