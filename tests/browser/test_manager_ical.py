"""The space's external calendar page in a real browser, on a phone and a desktop: the address
given and imported, an error next to the field, a failed import shown; no horizontal overflow,
no serious or critical axe-core violation."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.layout import fits
from tests.browser.test_booking import log_in
from tests.manager.ical.calendars import CalendarServer
from tests.manager.ical.test_external_calendars import MORNING
from tests.observatory.worker import run_db_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def calendar_server(settings):
    settings.MAILLAGE_ICAL_ALLOW_PRIVATE = True
    server = CalendarServer()
    yield server
    server.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_manager_imports_a_calendar(
    browser, live_server, calendar_server, axe, room, place_manager, width
):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": width, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    address = reverse("manager:space_calendar", args=[room.pk])
    log_in(page, "gestion@ruche.test", "motdepasse-gestion-1", address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Agenda externe de Salle Seine")
    assert axe(page) == []

    field = page.get_by_label("Adresse de l'agenda (iCalendar, .ics)")
    field.fill("webcal://agenda.exemple.fr/salle.ics")
    page.get_by_role("button", name="Enregistrer et importer").click()
    expect(page.locator("#erreurs")).to_be_focused()
    expect(page.locator("#id_url_error")).to_contain_text("Remplacez « webcal:// »")
    expect(field).to_have_attribute("aria-invalid", "true")
    assert axe(page) == []
    assert fits(page, width)

    field.fill(calendar_server.serve("/salle.ics", MORNING))
    page.get_by_role("button", name="Enregistrer et importer").click()
    # In progress while the task queue has not run it; the page reloads itself.
    expect(page.get_by_text("Import en cours")).to_be_visible()
    run_db_worker()
    expect(page.get_by_text("Agenda importé : 1 occupation à venir")).to_be_visible()
    expect(page.get_by_role("heading", name="Occupations à venir (1)")).to_be_visible()
    assert axe(page) == []
    assert fits(page, width)

    calendar_server.serve("/salle.ics", "<html>maintenance</html>", headers={})
    page.get_by_role("button", name="Importer maintenant").click()
    run_db_worker()
    expect(page.locator(".import-error").first).to_contain_text(
        re.compile("pas un agenda iCalendar")
    )
    assert axe(page) == []
    assert fits(page, width)
    context.close()
