"""«Mes droits» and the staff decision, in a real browser: asking with a proof, enrolling the
second factor with the QR code page, deciding; axe finds no serious violation. (Refusals
answer 400, which the browser fixture counts as an error: tests/eligibility drives them.)"""

import io

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.eligibility import services
from maillage.eligibility.models import EligibilityStatus, State
from tests.browser.layout import fits
from tests.browser.menu import open_menu
from tests.fixtures.eligibility import PDF, VERIFIERS

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, email: str, password: str) -> None:
    page.goto("/connexion/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_a_person_asks_and_a_verifier_decides_with_a_second_factor(
    page, territory, categories, axe
):
    User.objects.create_user("camille@exemple.test", "motdepasse-camille-1", email_verified=True)
    log_in(page, "camille@exemple.test", "motdepasse-camille-1")
    page.goto("/compte/")
    page.get_by_role("link", name="Mes droits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes droits")
    assert axe(page) == []

    page.get_by_label("Catégorie").select_option("rsa")
    page.get_by_label("Justificatif").set_input_files(
        {"name": "attestation.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_text("Demande en cours d'examen")).to_be_visible()
    page.get_by_role("button", name="Déconnexion", exact=True).click()

    verifier = User.objects.create_user(
        "instruction@cd92.test", "motdepasse-agent-1", email_verified=True
    )
    verifier.groups.add(Group.objects.get(name=VERIFIERS))
    log_in(page, "instruction@cd92.test", "motdepasse-agent-1")
    page.goto("/departement/statuts/demandes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.get_by_role("img", name="QR code à scanner avec l'application")).to_be_visible()
    assert axe(page) == []
    device = TOTPDevice.objects.get(user=verifier)
    page.get_by_label("Code à 6 chiffres").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Activer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes de statut à décider")
    assert axe(page) == []
    page.get_by_role("link", name="Examiner la demande").click()
    expect(page.get_by_role("link", name="Ouvrir le justificatif (PDF)")).to_be_visible()
    assert axe(page) == []
    today = timezone.localdate()
    page.get_by_label("Valable du").fill(today.isoformat())
    page.get_by_label("Valable jusqu'au").fill(today.replace(year=today.year + 1).isoformat())
    page.get_by_role("button", name="Vérifier le statut").click()
    expect(page.get_by_text("Le statut est vérifié")).to_be_visible()
    status = EligibilityStatus.objects.get()
    assert (status.state, status.decided_by, bool(status.proof)) == (
        State.VERIFIED,
        verifier,
        False,
    )


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_the_status_pages_fit_a_phone_and_errors_take_the_focus(
    browser, live_server, territory, categories
):
    """At 390 px, nothing overflows sideways (long names and addresses wrap); a wrong code or
    a refused decision brings the focus to the error summary. A context of its own: the
    refused forms answer 400, which the `page` fixture counts as errors."""
    person = User.objects.create_user(
        "camille.delafontainesaintexupery@uneadressetreslongue.exemple.test",
        "motdepasse-camille-1",
        first_name="Marie-Camille-Hortense-Éléonore",
        last_name="De La Fontaine-Saint-Exupéry",
        email_verified=True,
    )
    services.ask_status(
        person, category_code="handicap", proof=services.UploadedProof(io.BytesIO(PDF), len(PDF))
    )
    verifier = User.objects.create_user(
        "instruction@cd92.test", "motdepasse-agent-1", email_verified=True
    )
    verifier.groups.add(Group.objects.get(name=VERIFIERS))
    device = TOTPDevice.objects.create(user=verifier, name="Téléphone", confirmed=True)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", base_url=live_server.url
    )
    page = context.new_page()
    log_in(page, "instruction@cd92.test", "motdepasse-agent-1")
    page.goto("/departement/statuts/demandes/")
    wrong = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"
    page.get_by_label("Code à 6 chiffres").fill(wrong)
    page.get_by_role("button", name="Valider").click()
    expect(page.locator("#erreurs")).to_be_focused()
    assert fits(page)
    device.refresh_from_db()
    device.throttle_reset()
    page.get_by_label("Code à 6 chiffres").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes de statut à décider")
    assert fits(page)
    page.get_by_role("link", name="Examiner la demande").click()
    expect(page.get_by_role("heading", level=2, name="Vérifier")).to_be_visible()
    assert fits(page)
    page.get_by_role("button", name="Refuser la demande").click()
    expect(page.locator("#erreurs")).to_be_focused()
    assert fits(page)
    page.get_by_label("Motif du refus").fill("Carte illisible.")
    page.get_by_role("button", name="Refuser la demande").click()
    expect(page.get_by_text("La demande est refusée")).to_be_visible()
    open_menu(page)
    page.get_by_role("button", name="Déconnexion", exact=True).click()

    log_in(page, person.email, "motdepasse-camille-1")
    page.goto("/compte/droits/")
    expect(page.get_by_text("A refusé la demande")).to_be_visible()
    assert fits(page)
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("#erreurs")).to_be_focused()
    assert fits(page)
    context.close()
