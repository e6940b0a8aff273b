"""The sample partner client (examples/partner_client.py), over real HTTP against a live
server: it syncs the slots feed into a local SQLite file, a person consents in their browser,
and it books the first free slot at the price the API gives."""

import importlib.util
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from maillage.booking import feed_slots
from maillage.booking.models import Booking
from maillage.core.models import FeedTombstone
from tests.api.consent_flow import REDIRECT, answer, partner_app
from tests.factories import BookablePlaceFactory, DeskFactory

SCRIPT = Path(__file__).parents[2] / "examples" / "partner_client.py"

# live_server: the server commits; the feeds show committed changes only.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client_module():
    spec = importlib.util.spec_from_file_location("partner_client", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sync_then_consent_then_book(client_module, live_server, commune, booker, tmp_path):
    FeedTombstone.objects.all().delete()  # of rows the previous test's flush deleted (SQLite)
    desks = DeskFactory(place=BookablePlaceFactory(commune=commune))
    made = feed_slots.refresh_feed_slots(timezone.now())
    db = tmp_path / "partenaire.sqlite3"
    first = client_module.sync(live_server.url, "creneaux", db)
    assert first["updated"] == first["stored"] == made.inserted
    again = client_module.sync(live_server.url, "creneaux", db)
    assert again == {"pages": 1, "updated": 0, "deleted": 0, "stored": made.inserted}

    partner = partner_app("read book")
    person = Client()
    person.force_login(booker)
    shown: list[str] = []

    def browser(_prompt: str) -> str:
        """The person opens the address the script printed, and clicks «Autoriser»."""
        address = urlsplit(shown[-1])
        page = person.get(f"{address.path}?{address.query}")
        assert page.status_code == 200, page.content
        allowed = answer(person, page)
        assert allowed["Location"].startswith(REDIRECT)
        return allowed["Location"]

    token = client_module.consent(
        live_server.url, partner.application.client_id, REDIRECT, ask=browser, say=shown.append
    )
    booking = client_module.book(live_server.url, db, token, say=shown.append)
    saved = Booking.objects.get(pk=booking["id"])
    assert (saved.user, saved.space_id, saved.seats) == (booker, desks.pk, 1)
    assert shown[-1].startswith("Réservé : ")

    after = client_module.sync(live_server.url, "creneaux", db)
    assert after["updated"] >= 1  # the booked slot, restamped by the booking
    store = sqlite3.connect(db)
    (left,) = store.execute(
        "SELECT json_extract(data, '$.remainingUses') FROM item "
        "WHERE feed = 'creneaux' AND json_extract(data, '$.startDate') = ?",
        (booking["start"],),
    ).fetchone()
    store.close()
    assert left == desks.capacity - 1
