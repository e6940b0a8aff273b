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
