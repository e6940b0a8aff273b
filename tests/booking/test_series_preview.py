"""The weekly series preview tells a person of their own booking on a date (issue 8: a desk
with seats left was shown «libre», and the series charged the person twice)."""

import html
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.booking.models import Booking
from maillage.core.dates import long_date
from tests.booking import on_page
from tests.moments import PARIS

pytestmark = pytest.mark.django_db


def test_the_preview_says_the_person_holds_that_date_already(client, booker, desks):
    first = timezone.localdate() + timedelta(days=7)
    second = first + timedelta(weeks=1)
    held = datetime.combine(second, time(10), PARIS)
    on_page.book(booker, desks.pk, held, held + timedelta(hours=1))
    client.force_login(booker)
    url = reverse("booking:book", args=[desks.pk])
    data = {
        "date": first.isoformat(),
        "debut": "09:00",
        "fin": "11:00",
        "semaines": "2",
        "postes": "1",
    }
    preview = html.unescape(client.post(url, data).content.decode())
    assert f"{long_date(first)} : libre" in preview
    assert (
        f"{long_date(second)} : indisponible — Vous avez déjà une réservation de cet espace "
        "sur ce créneau" in preview
    )
    assert "1 date libre sur 2" in preview
    assert Booking.objects.filter(user=booker).count() == 1
