"""The managers' home and bookings list in a real browser: phone and desktop widths, axe-core,
an action refused then done."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from maillage.booking.models import BookingStatus
from tests.booking import on_page
from tests.browser.layout import fits
from tests.factories import (
    BookablePlaceFactory,
    DeskFactory,
    ManagerFactory,
    RoomFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "motdepasse-gestion-1"


@pytest.fixture
def requests_to_decide(territory):
    """A place needing approval, a manager, and two requests two days from now."""
    place = BookablePlaceFactory(
        commune=territory.get(insee_code="92012"),
        slug="la-ruche",
        name="La Ruche de Boulogne-Billancourt",
        requires_approval=True,
    )
    manager = ManagerFactory(email="gestion@ruche.test", password=PASSWORD, places=[place])
    room = RoomFactory(place=place, name="Salle de réunion des Coteaux")
    desks = DeskFactory(place=place, name="Espace partagé")
    person = VerifiedUserFactory(
        email="camille.longuenom-de-la-fontaine@exemple.test",
        first_name="Camille",
        last_name="Longuenom de la Fontaine",
    )
    day = timezone.localdate() + timedelta(days=2)
    start = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    start = start.replace(hour=10)
    asked = [
        on_page.book(person, room.pk, start, start + timedelta(hours=1)),
        on_page.book(person, desks.pk, start, start + timedelta(hours=2)),
    ]
    return manager, asked, day


def log_in(page, then: str) -> None:
    page.goto(f"{reverse('accounts:login')}?next={then}")
    page.get_by_label("Adresse électronique").fill("gestion@ruche.test")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(re.escape(then) + "$"))


@pytest.mark.parametrize("width", [390, 1280])
def test_home_and_bookings_fit_and_pass_axe(browser, live_server, requests_to_decide, axe, width):
    _, asked, day = requests_to_decide
    context = browser.new_context(
        viewport={"width": width, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    log_in(page, reverse("manager:home"))
    expect(page.get_by_role("heading", name="Demandes à valider")).to_be_visible()
    assert fits(page, width)
    assert axe(page) == []
    page.goto(f"{reverse('manager:bookings')}?vue=semaine&du={day:%Y-%m-%d}")
    expect(page.locator(f"#reservation-{asked[0].pk}")).to_be_visible()
    assert fits(page, width)
    assert axe(page) == []
    # A refusal without its reason: the page says so at the top, focused, next to the field.
    page.get_by_role("button", name=re.compile("^Refuser")).first.click()
    summary = page.locator("#erreurs")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Indiquez le motif du refus")
    expect(page.locator("input[aria-invalid=true]")).to_have_count(1)
    assert fits(page, width)
    assert axe(page) == []
    page.get_by_role("button", name=re.compile("^Accepter")).first.click()
    expect(page.get_by_text("Demande acceptée : la personne en est informée.")).to_be_visible()
    statuses = sorted(type(b).objects.get(pk=b.pk).status for b in asked)
    assert statuses == sorted([BookingStatus.CONFIRMED, BookingStatus.PENDING])
    page.goto(reverse("manager:notifications"))
    page.get_by_label("un récapitulatif chaque matin").check()
    page.get_by_role("button", name=re.compile("^Enregistrer")).click()
    expect(
        page.get_by_text(re.compile("Vos choix de courriels pour .* sont enregistrés"))
    ).to_be_visible()
    assert page.get_by_label("un récapitulatif chaque matin").is_checked()
    assert fits(page, width)
    assert axe(page) == []
    context.close()
