"""Money in the back-office is shown in euros the French way (core.text.euros), never as bare
cents: every column and read-only field of every admin page, and the ledger's movements in
their account's unit."""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist
from django.test import RequestFactory
from django.urls import reverse

from maillage.core.money import CentsField
from maillage.programmes.admin import movement
from maillage.programmes.models import LedgerEntry
from tests.booking import on_page
from tests.moments import NOW, paris
from tests.pages import text
from tests.programmes.builders import programme, verified

# Money that is not a CentsField: a ledger row's amount (cents, minutes or days).
MONEY_IN_UNITS = {(LedgerEntry, "amount")}


def _admins():
    """Every registered ModelAdmin with its inlines, as (model, admin) pairs."""
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin
        for inline in model_admin.inlines:
            yield inline.model, inline(model, admin.site)


def _shown_as_is(model_admin, request) -> set[str]:
    """The names of the fields an admin page shows as their stored value: its columns, its
    read-only fields, and every field when the page is read only."""
    names = set(getattr(model_admin, "list_display", ()))
    names |= set(model_admin.get_readonly_fields(request))
    if not model_admin.has_change_permission(request):
        names |= set(flatten_fieldsets(model_admin.get_fieldsets(request)))
    return {name for name in names if isinstance(name, str)}


def _is_money(model, name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False  # an admin method or attribute: shows what it returns
    return isinstance(field, CentsField) or (model, name) in MONEY_IN_UNITS


@pytest.mark.django_db
def test_no_admin_page_shows_bare_cents(staff_user):
    """A cents field named as a column or read-only field shows «1250»: name a
    core.money.euros_column instead (it shows «12,50 €»)."""
    request = RequestFactory().get("/")
    request.user = staff_user
    raw = sorted(
        f"{model._meta.label}.{name} ({type(model_admin).__name__})"
        for model, model_admin in _admins()
        for name in _shown_as_is(model_admin, request)
        if _is_money(model, name)
    )
    assert raw == []
    # The walk sees the pages it is about: the ledger's fields, a booking's prices.
    ledger = admin.site._registry[LedgerEntry]
    assert "shown_amount" in _shown_as_is(ledger, request)
    shown = {name for model, a in _admins() for name in _shown_as_is(a, request)}
    assert {"price", "person_price", "budget", "left"} <= shown


def test_a_ledger_movement_is_shown_in_its_account_s_unit():
    assert movement(100_000, "envelope", None) == "+1\u202f000 €"
    assert movement(-650, "wallet", None) == "-6,50 €"
    assert movement(600, "cap", "cents") == "+6 €"
    assert movement(90, "cap", "minutes") == "+90\u00a0min"
    assert movement(1, "cap", "days") == "+1 jour"
    assert movement(-2, "cap", "quota_days") == "-2 jours"
    # An envelope row keeps euros whatever counter shares its number.
    assert movement(-650, "envelope", "minutes") == "-6,50 €"


@pytest.mark.django_db
@pytest.mark.usefixtures("pages_at_now")
def test_the_ledger_and_bookings_pages_show_euros(
    client, desks, booker, staff_user, verifier, second_factor_login
):
    """A booking of 8 € (9:00–10:30, two started hours at 4 €) under a social rate where
    the person pays 25 %: the programme pays 6 €, counted on its caps."""
    programme(
        desks.place,
        cap_minutes_per_year=600,
        cap_days_per_month=10,
        cap_cents=10_000,
        cap_period="month",
    )
    verified(booker, "rsa")
    booking = on_page.book(
        booker, desks.pk, paris(2026, 12, 1, 9), paris(2026, 12, 1, 10, 30), now=NOW
    )
    assert (booking.price_cents, booking.person_price_cents) == (800, 200)
    second_factor_login(client, verifier)
    page = text(client.get(reverse("admin:programmes_ledgerentry_changelist")))
    for shown in ("+1\u202f000 €", "-6 €", "+6 €", "+90\u00a0min", "+1 jour"):
        assert f">{shown}</td>" in page, shown
    assert ">-600<" not in page and ">100000<" not in page and ">100\u202f000<" not in page
    row = LedgerEntry.objects.get(account="envelope", amount=-600)
    page = text(client.get(reverse("admin:programmes_ledgerentry_change", args=[row.pk])))
    assert "-6 €" in page and "-600" not in page

    client.force_login(staff_user)
    page = text(client.get(reverse("admin:booking_booking_changelist")))
    assert ">8 €</td>" in page
    page = text(client.get(reverse("admin:booking_booking_change", args=[booking.pk])))
    assert "8 €" in page and "2 €" in page
    assert ">800<" not in page and ">200<" not in page
