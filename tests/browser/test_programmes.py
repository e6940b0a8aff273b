import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.booking import services
from maillage.booking.models import Booking
from maillage.demo.services import SOCIAL_EMAIL, load_demo
from maillage.places.models import Space
from maillage.programmes.models import ProgrammePlace
from tests.browser.layout import fits
from tests.programmes.builders import programme

pytestmark = pytest.mark.django_db(transaction=True)


def free_slot(spaces):
    """A space of `spaces` and a free two-hour slot of it, from two days ahead."""
    today = timezone.localdate()
    for offset in range(2, 30):
        for space in spaces:
            day = today + timedelta(days=offset)
            try:
                slots = services.free_slots(space.pk, day, timedelta(hours=2))
            except services.BookingRefused:
                continue
            if slots:
                return space, timezone.localtime(slots[0].start)
    raise AssertionError("no free slot at the demo's joined places")


def test_a_social_rate_holder_sees_and_books_their_price(page, territory, categories, axe):
    logins = {login.email: login.password for login in load_demo().logins}
    joined = ProgrammePlace.objects.filter(programme__public_label="Tarif solidaire")
    spaces = Space.objects.filter(
        place__in=joined.values("place"), is_bookable=True, kind="desk"
    ).order_by("pk")
    space, start = free_slot(list(spaces))
    end = start + timedelta(hours=2)
    then = (
        f"/reserver/espace/{space.pk}/?date={start:%Y-%m-%d}&debut={start:%H:%M}"
        f"&fin={end:%H:%M}&personnes=1"
    )
    page.goto(f"/connexion/?next={then.replace('&', '%26').replace('?', '%3F')}")
    page.get_by_label("Adresse électronique").fill(SOCIAL_EMAIL)
    page.get_by_label("Mot de passe").fill(logins[SOCIAL_EMAIL])
    page.get_by_role("button", name="Se connecter").click()
    price = page.locator("#prix")
    expect(price).to_contain_text(re.compile(r"Tarif solidaire : .+ au lieu de .+"))
    assert axe(page) == []
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(page).to_have_url(re.compile(r"/reservations/$"))
    booking = Booking.objects.filter(user__email=SOCIAL_EMAIL, space=space, start=start).get()
    # The person pays 25 %, rounded up to the cent.
    assert booking.person_price_cents == -(-booking.price_cents // 4)
    expect(page.get_by_text(re.compile(r"Tarif solidaire : .+ au lieu de ")).first).to_be_visible()
    page.goto("/compte/tarifs/")
    expect(page.get_by_role("heading", name="Tarif solidaire")).to_be_visible()
    assert axe(page) == []


def test_a_manager_reads_the_terms_joins_and_leaves_on_a_phone(
    browser, live_server, categories, place, manager, axe
):
    """The terms before the box; a join sent without the box ticked (the browser's own
    check taken off) comes back with the focus on that box; leaving is confirmed. (Its own
    browser context: the refusal answers 400, which the `page` fixture counts as an error.)"""
    programme([], public_label="Pass+ tiers-lieux", terms="Remboursement chaque trimestre.")
    programme(place, public_label="Tarif solidaire")
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    page = context.new_page()
    page.goto("/connexion/?next=/gestion/dispositifs/")
    page.get_by_label("Adresse électronique").fill("gestion@lieu.test")
    page.get_by_label("Mot de passe").fill("motdepasse-gestion-1")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Remboursement chaque trimestre.")).to_be_visible()
    assert axe(page) == []
    assert fits(page, 390)

    box = page.get_by_label(re.compile(r"J'accepte les conditions .*Pass\+ tiers-lieux"))
    box.evaluate("input => input.removeAttribute('required')")
    page.get_by_role("button", name="Faire participer ce lieu").click()
    expect(box).to_be_focused()
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_contain_text("cochez cette case")
    assert axe(page) == []
    box.check()
    page.get_by_role("button", name="Faire participer ce lieu").click()
    expect(page.get_by_text("participe désormais à « Pass+ tiers-lieux »")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"Quitter ce dispositif.*Tarif solidaire")).click()
    expect(page.get_by_text("Les réservations déjà faites gardent leur prix")).to_be_visible()
    assert axe(page) == []
    assert fits(page, 390)
    page.get_by_role("button", name="Quitter le dispositif").click()
    expect(page.get_by_text("ne participe plus à « Tarif solidaire »")).to_be_visible()
    assert ProgrammePlace.objects.filter(left_at__isnull=False).count() == 1
    context.close()
