"""«Mes données» and «Supprimer mon compte» in a real browser, at phone and desktop widths:
the download, the password asked again, axe-core and nothing overflowing sideways."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.booking.models import Booking, BookingStatus
from tests.booking import on_page
from tests.browser.layout import fits
from tests.moments import NOW, paris

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "motdepasse-camille-1"


@pytest.mark.parametrize("width", [390, 1280])
def test_downloading_my_data_then_deleting_my_account(browser, live_server, room, axe, width):
    person = User.objects.create_user(
        "camille@exemple.test", PASSWORD, first_name="Camille", email_verified=True
    )
    booked = on_page.book(person, room.pk, paris(2026, 12, 15, 9), paris(2026, 12, 15, 10), now=NOW)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    page.goto(f"{reverse('accounts:login')}?next={reverse('accounts:account')}")
    page.get_by_label("Adresse électronique").fill(person.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:account")) + "$"))

    page.get_by_role("link", name="Télécharger mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données")
    assert axe(page) == []
    assert fits(page, width)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger en JSON").click()
    assert download.value.suggested_filename == "mes-donnees-maillage.json"
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    sections = {section["cle"]: section["lignes"] for section in document["sections"]}
    assert [row["id"] for row in sections["booking.Booking.user"]] == [booked.pk]

    page.goto(reverse("accounts:account"))
    page.get_by_role("link", name="Supprimer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer mon compte")
    expect(page.get_by_text("Salle Seine")).to_be_visible()
    assert axe(page) == []
    assert fits(page, width)
    delete = page.get_by_role("button", name="Supprimer définitivement mon compte")
    page.get_by_label("Mot de passe actuel").fill("pas le bon")
    delete.click()
    expect(page.get_by_role("alert")).to_contain_text("Le mot de passe actuel est incorrect.")
    assert axe(page) == []
    assert fits(page, width)
    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_text("Votre compte est supprimé.")).to_be_visible()
    assert axe(page) == []
    context.close()
    person.refresh_from_db()
    assert not person.is_active and person.first_name == ""
    assert Booking.objects.get(pk=booked.pk).status == BookingStatus.CANCELLED
