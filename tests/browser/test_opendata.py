import csv
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.factories import DeskFactory, PlaceFactory

pytestmark = pytest.mark.django_db(transaction=True)


class ReuserPage(BaseHTTPRequestHandler):
    """A reuser's site: one empty page, without the platform's Content Security Policy."""

    def do_GET(self):  # noqa: N802 — http.server's name
        body = (
            b"<!doctype html><html lang='fr'><title>Site d'un r\xc3\xa9utilisateur</title></html>"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def reuser_site():
    """The address of a page served on the loopback by another server (another origin)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ReuserPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_reuser_finds_the_files_and_reads_them_from_another_site(
    page, territory, axe, reuser_site
):
    place = PlaceFactory(commune=territory.get(insee_code="92012"), name="Le Nid « ouvert »")
    DeskFactory(place=place, name="Open space")
    page.goto("/lieux/")
    page.get_by_role("link", name="schémas et licence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Données ouvertes")
    page.get_by_text("Tiers-lieux : espaces, capacités").click()  # opens the schema's fields
    expect(page.get_by_role("table", name="Champs de tiers-lieux-espaces")).to_be_visible()
    assert axe(page) == []

    # A script of the reuser's site reads a file: open data answers CORS for every origin.
    address = page.url.replace("/donnees-ouvertes/", "/donnees-ouvertes/lieux.csv")
    page.goto(reuser_site)
    text = page.evaluate("url => fetch(url).then(answer => answer.text())", address)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["nom"] for row in rows] == ["Le Nid « ouvert »"]
