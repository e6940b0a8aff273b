"""The embeddable widget in a real browser: a manager makes an embed, copies its code and
sees its preview; the code pasted in another site's page shows the list when that site's
origin is allowed, and the browser refuses to frame it from any other origin (CSP
frame-ancestors); the list itself reads well at 320 px and axe finds no serious violation."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from maillage.manager.embeds.views import snippet
from maillage.manager.models import EmbedScope
from tests.browser.layout import fits
from tests.fixtures.embeds import make_embed

pytestmark = pytest.mark.django_db(transaction=True)

NARROW = {"width": 320, "height": 640}


@pytest.fixture
def partner_site():
    """Another site on the loopback, serving one page (`page.html`, set by the test) on
    a port of its own: http://localhost:<port> and http://127.0.0.1:<port> are two
    origins of it."""
    served = {"page.html": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — http.server's name
            body = served["page.html"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    served["port"] = server.server_address[1]
    yield served
    server.shutdown()
    server.server_close()


def _context(browser, live_server, **options):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url, **options)
    context.set_default_timeout(15_000)
    return context


def test_a_manager_makes_an_embed_copies_its_code_and_sees_the_preview(
    browser, live_server, settings, place_manager, bookable_place, room, axe
):
    settings.MAILLAGE_SITE_URL = live_server.url
    context = _context(browser, live_server)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/connexion/?next=/gestion/lieux/")
    page.get_by_label("Adresse électronique").fill("gestion@ruche.test")
    page.get_by_label("Mot de passe").fill("motdepasse-gestion-1")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="intégrations sur d'autres sites").click()
    page.get_by_role("link", name="Nouvelle intégration").click()
    page.get_by_label("Titre").fill("Réserver à la Ruche")
    page.get_by_label("Tiers-lieu").select_option(label=bookable_place.name)
    page.get_by_label("Origines web autorisées").fill("https://www.ville-exemple.fr")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Intégration « Réserver à la Ruche »")
    code = page.locator("#embed-snippet").text_content()
    assert code and code.startswith(f'<iframe src="{live_server.url}/integration/')
    page.get_by_role("button", name="Copier le code").click()
    expect(page.locator("#embed-snippet-copied")).to_have_text("Copié dans le presse-papiers.")
    assert page.evaluate("navigator.clipboard.readText()") == code
    preview = page.frame_locator("iframe.embed-preview")
    expect(preview.get_by_role("heading", level=1)).to_have_text("Réserver à la Ruche")
    expect(preview.get_by_role("heading", level=2)).to_have_text(bookable_place.name)
    expect(preview.get_by_role("link", name=re.compile("^Réserver Salle Seine"))).to_have_count(3)
    assert axe(page) == []
    context.close()
    assert errors == [], "erreurs JavaScript ou CSP dans la page"


def test_only_an_allowed_origin_shows_the_list(
    browser, live_server, settings, partner_site, bookable_place, room
):
    settings.MAILLAGE_SITE_URL = live_server.url
    port = partner_site["port"]
    embed = make_embed(title="Tiers-lieux de Boulogne", allowed_origins=f"http://localhost:{port}")
    partner_site["page.html"] = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        "<title>Ville exemple</title></head><body><h1>Ville exemple</h1>"
        f"{snippet(embed)}</body></html>"
    )
    context = _context(browser, live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    # Allowed: the list shows in the partner's page, and «Réserver» opens the booking form
    # of that slot in a new tab.
    page.goto(f"http://localhost:{port}/")
    framed = page.frame_locator("iframe")
    expect(framed.get_by_role("heading", level=1)).to_have_text("Tiers-lieux de Boulogne")
    book = framed.get_by_role("link", name=re.compile("^Réserver Salle Seine")).first
    expect(book).to_have_attribute("target", "_blank")
    with context.expect_page() as opened:
        book.click()
    booking = opened.value
    booking.wait_for_load_state()
    assert booking.url.startswith(f"{live_server.url}/reserver/espace/{room.pk}/?date=")
    expect(booking.get_by_label("Heure de début")).not_to_have_value("")
    assert errors == []

    # Another origin (the same server under 127.0.0.1): the browser refuses to frame it.
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refusal:
        page.goto(f"http://127.0.0.1:{port}/")
    assert f"http://localhost:{port}" in refusal.value.text
    expect(page.get_by_role("heading", level=1)).to_have_text("Ville exemple")
    expect(page.frame_locator("iframe").get_by_role("heading")).to_have_count(0)
    context.close()


def test_the_list_reads_well_at_320_px(browser, live_server, bookable_place, room, axe):
    embed = make_embed(title="Un lieu", scope=EmbedScope.PLACE, place=bookable_place)
    context = _context(browser, live_server, viewport=NARROW)
    page = context.new_page()
    page.goto(f"/integration/{embed.public_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Un lieu")
    expect(page.get_by_role("list").first).to_be_visible()
    assert fits(page, NARROW["width"])
    assert axe(page) == []
    context.close()


def test_staff_list_the_places_of_an_ept(page, staff_user, bookable_place, room, axe):
    page.goto("/connexion/?next=/gestion/integrations/nouvelle/")
    page.get_by_label("Adresse électronique").fill("agent@cd92.test")
    page.get_by_label("Mot de passe").fill("motdepasse-agent-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle intégration")
    assert axe(page) == []
    page.get_by_label("Titre").fill("Tiers-lieux de GPSO")
    page.get_by_label("Les tiers-lieux d'un établissement public territorial (EPT)").check()
    page.get_by_role("combobox", name="Établissement public territorial").select_option(
        "Grand Paris Seine Ouest"
    )
    page.get_by_label("Origines web autorisées").fill("https://www.seineouest.fr")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("EPT : Grand Paris Seine Ouest · active.")).to_be_visible()
    preview = page.frame_locator("iframe.embed-preview")
    expect(preview.get_by_role("heading", level=2)).to_have_text(bookable_place.name)
    assert axe(page) == []
