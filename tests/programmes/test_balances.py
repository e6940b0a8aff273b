"""The database itself refuses an overspend: CHECK constraints on every running balance and
triggers where a CHECK cannot say it (the ledger is append-only; shares never exceed the
price less the person's), on SQLite and PostgreSQL alike."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction

from maillage.booking import services as booking
from maillage.booking.models import Booking, Channel
from maillage.programmes.models import (
    BookingShare,
    CapCounter,
    CountedDay,
    Envelope,
    LedgerEntry,
    Programme,
    Wallet,
)
from tests.moments import NOW, paris
from tests.programmes.builders import VALID, programme, staff, verified

pytestmark = pytest.mark.django_db

SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))


def refused(write) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_an_envelope_never_goes_below_zero_nor_over_its_budget(desks):
    made = programme(desks.place, budget_cents=1000)
    envelopes = Envelope.objects.filter(programme=made)
    refused(lambda: envelopes.update(left_cents=-1))
    refused(lambda: envelopes.update(left_cents=1001))
    envelopes.update(left_cents=0)


def test_a_credit_stays_between_zero_and_what_was_granted(desks, booker):
    made = programme(desks.place)
    wallet = Wallet.objects.create(
        programme=made,
        user=booker,
        period_start=date(2026, 9, 1),
        granted_cents=8000,
        left_cents=8000,
    )
    wallets = Wallet.objects.filter(pk=wallet.pk)
    refused(lambda: wallets.update(left_cents=-1))
    refused(lambda: wallets.update(left_cents=8001))


def test_a_counter_never_exceeds_its_limit_and_a_day_counts_once(desks, booker):
    made = programme(desks.place)
    counter = CapCounter.objects.create(
        programme=made, user=booker, kind="days", period_start=date(2026, 12, 1), limit=3
    )
    counters = CapCounter.objects.filter(pk=counter.pk)
    refused(lambda: counters.update(used=4))
    refused(lambda: counters.update(used=-1))
    day = {"programme": made, "user": booker, "counter": counter, "day": date(2026, 12, 2)}
    CountedDay.objects.create(**day, bookings=1)
    refused(lambda: CountedDay.objects.create(**day, bookings=1))
    refused(lambda: CountedDay.objects.update(bookings=0))


def test_the_ledger_is_append_only(desks, booker):
    programme(desks.place)
    entry = LedgerEntry.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get().amount == 100_000


def test_shares_never_exceed_the_price_less_what_the_person_pays(desks, booker):
    made = programme(desks.place)
    verified(booker, "rsa")
    done = booking.book(booker, desks.pk, *SLOT, now=NOW, channel=Channel.PAGE)
    share = BookingShare.objects.get(booking=done)
    with pytest.raises(DatabaseError), transaction.atomic():
        BookingShare.objects.filter(pk=share.pk).update(cents=601)
    other = programme(desks.place, name="Autre")
    with pytest.raises(DatabaseError), transaction.atomic():
        BookingShare.objects.create(
            booking=done,
            programme=other,
            public_label="x",
            cents=1,
            rule="rate:free",
            version=1,
            user=booker,
        )
    refused(lambda: Booking.objects.filter(pk=done.pk).update(person_price_cents=801))
    assert made.pk


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"kind": "percent", "person_basis_points": 10_001},
            "person_basis_points",
            "La part payée par la personne doit être entre 0 et 10\u202f000.",
        ),
        (
            {"kind": "credit", "credit_cents": None, "credit_period": "month"},
            "credit_cents",
            "Indiquez le crédit par période.",
        ),
        (
            {"space_kinds": ["piscine"]},
            "space_kinds",
            "Les types d'espaces sont une liste de types connus",
        ),
        (
            {"valid_until": date(2025, 1, 1)},
            "valid_until",
            "La fin de validité précède son début.",
        ),
        (
            {"kind": "quota", "person_basis_points": None, "quota_days": 2},
            "employer",
            "Un quota est payé par un employeur : choisissez-le.",
        ),
        (
            {"kind": "fixed", "person_basis_points": None},
            "fixed_hour_cents",
            "Indiquez au moins un montant fixe",
        ),
    ],
)
def test_bad_programme_settings_are_refused_naming_the_field(fields, field, message):
    values = {
        "name": "Essai",
        "public_label": "Tarif solidaire",
        "funder": "Département",
        "kind": "percent",
        "person_basis_points": 2500,
        "valid_from": VALID[0],
        "valid_until": VALID[1],
        **fields,
    }
    with pytest.raises(ValidationError) as error:
        Programme(**values).full_clean()
    errors = error.value.message_dict
    key = field or "__all__"
    assert any(message in text for text in errors[key]), errors
    assert not Programme.objects.exists()
    assert staff()


@pytest.mark.parametrize(
    ("amount", "message"),
    [(10_000_000_01, "ne dépasse pas"), (2**70, "ne dépasse pas"), (-(2**70), "ne dépasse pas")],
)
def test_an_envelope_change_beyond_any_budget_is_refused_with_its_rule(desks, amount, message):
    """Never a database error nor the withdrawal's message for an addition: nothing written."""
    from maillage.programmes import services

    made = programme(desks.place)
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationError, match=message):
        services.change_envelope(staff(), made, amount, channel=Channel.BACK_OFFICE)
    with pytest.raises(ValidationError, match="ne dépasse pas"):  # the budget is at 1 000 €
        services.change_envelope(staff(), made, 10_000_000_00, channel=Channel.BACK_OFFICE)
    assert LedgerEntry.objects.count() == before
