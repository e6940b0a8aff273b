"""The recap before committing a booking, on a phone and on a desktop (issue 18): a single
date, then a weekly series, each with its price, payment terms and cancellation deadline."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from maillage.booking.models import Booking
from tests.browser.layout import fits
from tests.moments import DAY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_the_recap_of_a_date_then_of_a_series(page, desks, booker, axe, width):
    page.set_viewport_size({"width": width, "height": 900})
    space = reverse("booking:space", args=[desks.pk])
    then = f"{space}?date={DAY.isoformat()}&debut=10:00&fin=12:00"
    page.goto(f"{reverse('accounts:login')}?next={then.replace('&', '%26').replace('?', '%3F')}")
    page.get_by_label("Adresse électronique").fill("camille@exemple.test")
    page.get_by_label("Mot de passe").fill("motdepasse-camille-1")
    page.get_by_role("button", name="Se connecter").click()

    recap = page.get_by_role("region", name=re.compile(r"^Récapitulatif de v"))
    expect(recap).to_contain_text("Lieu de Boulogne-Billancourt — Open space")
    expect(recap).to_contain_text("Mardi 15 décembre 2026, de 10h00 à 12h00")
    expect(recap).to_contain_text("Prix toutes taxes comprises.")
    expect(recap).to_contain_text("renseignez-vous auprès du lieu")
    expect(recap).to_contain_text("jusqu'au lundi 14 décembre 2026 à 10h00")
    assert axe(page) == []
    assert fits(page, width)

    page.get_by_label("Répéter chaque semaine pendant (semaines)").fill("3")
    page.get_by_role("button", name="Réserver", exact=True).click()
    expect(recap).to_contain_text("3 dates, du mardi 15 décembre 2026 au mardi 29 décembre 2026")
    expect(recap).to_contain_text("Total de la série : 24 €")
    expect(recap).to_contain_text(re.compile(r"pour la première date, puis 24 h avant chaque"))
    assert axe(page) == []
    assert fits(page, width)
    page.get_by_role("button", name="Réserver les 3 dates libres").click()
    expect(page).to_have_url(re.compile(r"/reservations/$"))
    assert Booking.objects.filter(user=booker, space=desks).count() == 3
