"""The consent page in a real browser, at a phone's width: a visitor logs in, comes back to it,
allows the partner app and lands on its address with a code; axe finds no serious violation and
the CSP (form-action included) blocks nothing."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.api.consent_flow import REDIRECT, authorize_url, partner_app, pkce
from tests.browser.layout import fits

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}


def test_a_person_allows_a_partner_on_a_phone(browser, live_server, booker, axe):
    partner = partner_app("read book")
    _, challenge = pkce()
    context = browser.new_context(locale="fr-FR", viewport=PHONE, base_url=live_server.url)
    context.set_default_timeout(15_000)
    reached: list[str] = []

    def partner_site(route):
        reached.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>Appli Exemple</p>")

    context.route(re.compile(r"^https://appli\.exemple\.fr/"), partner_site)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    page.goto(authorize_url(partner, challenge))
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion")
    page.get_by_label("Adresse électronique").fill("camille@exemple.test")
    page.get_by_label("Mot de passe").fill("motdepasse-camille-1")
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Autoriser Appli Exemple à agir pour vous ?"
    )
    expect(page.get_by_role("heading", name="Ce qu'elle pourra faire en votre nom")).to_be_visible()
    expect(page.get_by_text("Réserver et annuler en votre nom")).to_be_visible()
    expect(page.get_by_role("link", name="lou@appli.exemple.fr")).to_be_visible()
    # Which account the partner would use, and a way out for whoever is not that person.
    expect(page.get_by_text("camille@exemple.test")).to_be_visible()
    expect(page.get_by_role("button", name="Changer de compte")).to_be_visible()
    assert axe(page) == []
    assert fits(page, PHONE["width"])
    allow = page.get_by_role("button", name="Autoriser")
    refuse = page.get_by_role("button", name="Refuser")
    # Phone first: the answers are full width, one above the other, large enough to touch.
    allow_box, refuse_box = allow.bounding_box(), refuse.bounding_box()
    assert allow_box["y"] < refuse_box["y"] and allow_box["height"] >= 44
    assert allow_box["width"] > PHONE["width"] * 0.8
    allow.focus()
    assert page.evaluate("document.activeElement.textContent") == "Autoriser"

    allow.click()
    page.wait_for_url(re.compile(r"^https://appli\.exemple\.fr/"))
    assert len(reached) == 1
    parts = urlsplit(reached[0])
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT
    params = parse_qs(parts.query)
    assert params["state"] == ["etat-42"] and params["code"][0]
    context.close()
    assert errors == [], "erreurs JavaScript ou CSP dans la page"


def test_a_bad_redirect_is_explained_in_french(browser, live_server, booker, axe):
    partner = partner_app()
    _, challenge = pkce()
    context = browser.new_context(locale="fr-FR", viewport=PHONE, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(authorize_url(partner, challenge, redirect_uri="https://pirate.exemple.net/x"))
    page.get_by_label("Adresse électronique").fill("camille@exemple.test")
    page.get_by_label("Mot de passe").fill("motdepasse-camille-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adresse de retour refusée")
    expect(page.get_by_role("alert")).to_contain_text("vous n'y êtes pas renvoyé·e")
    assert axe(page) == []
    assert fits(page, PHONE["width"])
    context.close()
    # The page's own status (400) is the only error the console shows: nothing the CSP blocked.
    assert errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ], errors
