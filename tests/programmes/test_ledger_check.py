"""`maillage ledger check`: every balance recomputed from the ledger, differences reported."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.programmes import ledger
from maillage.programmes.models import CapCounter, Envelope, Wallet
from tests.moments import NOW, paris
from tests.programmes.builders import employer_quota, programme, verified

pytestmark = pytest.mark.django_db

SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))


def check(*options) -> tuple[str, bool]:
    out = StringIO()
    try:
        call_command("ledger", "check", *options, stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


@pytest.fixture
def funded(desks, booker):
    """A social rate, a credit and a quota, each with a booking (one cancelled)."""
    rate = programme(desks.place)
    credit = programme(
        desks.place,
        kind="credit",
        person_basis_points=None,
        credit_cents=500,
        credit_period="month",
        cumulative=True,
        name="Pass",
    )
    verified(booker, "rsa")
    done = booking.book(booker, desks.pk, *SLOT, now=NOW, channel=Channel.PAGE)
    agent_quota = employer_quota(desks.place, [booker], name="Agents", priority=10)
    later = (paris(2026, 12, 3, 9), paris(2026, 12, 3, 11))
    booking.book(booker, desks.pk, *later, now=NOW, channel=Channel.PAGE)
    booking.cancel(booker, done, now=NOW, channel=Channel.PAGE)
    return rate, credit, agent_quota


def test_balances_made_by_the_services_match_the_ledger(funded):
    assert ledger.differences() == []
    out, ok = check()
    assert ok and out.strip() == "Grand livre : tous les soldes concordent."
    out, ok = check("--json")
    assert ok and json.loads(out) == {"matches": True, "differences": []}


def test_a_balance_changed_behind_the_ledgers_back_is_reported(funded):
    rate, credit, agent_quota = funded
    Envelope.objects.filter(programme=rate).update(left_cents=1)
    Wallet.objects.filter(programme=credit).update(left_cents=0)
    CapCounter.objects.filter(programme=agent_quota).update(used=0)
    found = {d.what for d in ledger.differences()}
    envelope = Envelope.objects.get(programme=rate).pk
    wallet = Wallet.objects.get(programme=credit).pk
    counter = CapCounter.objects.get(programme=agent_quota).pk
    assert found == {
        f"envelope {envelope} left_cents",
        f"wallet {wallet} left_cents",
        f"cap {counter} used",
        f"cap {counter} counted days",
    }
    out, ok = check()
    assert not ok
    assert f"envelope {envelope} left_cents : 1 enregistré, 100000 d'après le grand livre" in out


def test_a_booking_whose_shares_do_not_add_up_is_reported(funded):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE booking_booking SET person_price_cents = 100")
    assert any(d.what.endswith(" price") for d in ledger.differences())


def test_a_booking_no_programme_pays_for_is_checked_too(funded, room, other_booker):
    """A booking without shares is paid by the person alone: a lower person's price is a
    reduction nobody funds."""
    alone = booking.book(other_booker, room.pk, *SLOT, now=NOW, channel=Channel.PAGE)
    assert alone.person_price_cents == alone.price_cents and ledger.differences() == []
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE booking_booking SET person_price_cents = 0 WHERE id = %s", [alone.pk]
        )
    assert [d.what for d in ledger.differences()] == [f"booking {alone.pk} price"]
