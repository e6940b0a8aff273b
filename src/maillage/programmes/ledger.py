"""Every running balance recomputed from the append-only ledger (`maillage ledger check`).

What is compared, account by account (amounts in the account's unit):
- an envelope's `left_cents` with the sum of its ledger rows, its `budget_cents` with the sum
  of staff's rows;
- a wallet's `left_cents` with the sum of its rows, its `granted_cents` with its grant row;
- a cap counter's `used` with the sum of its rows, and a day counter's with the days counted
  (CountedDay) in its period;
- each share with its booking's envelope rows (what it took, or nothing once given back), and
  every booking's price with what the person pays plus the shares.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection

from maillage.programmes.models import (
    CapCounter,
    CapKind,
    CountedDay,
    Period,
    Programme,
)
from maillage.programmes.periods import period_start


@dataclass(frozen=True)
class Difference:
    """A balance that does not match the ledger: `what` (e.g. «envelope 3 left_cents»), the
    value stored and the value the ledger gives."""

    what: str
    stored: int
    from_ledger: int


SUMS = """
SELECT b.id, b.{column}, COALESCE(SUM(l.amount), 0)
FROM {table} b
LEFT JOIN programmes_ledgerentry l
  ON l.account = %s AND l.account_id = b.id {reasons}
GROUP BY b.id, b.{column}
"""  # noqa: S608 — table and column names are constants below
CHECKS = (
    ("envelope", "programmes_envelope", "left_cents", ""),
    ("envelope", "programmes_envelope", "budget_cents", "AND l.reason = 'staff'"),
    ("wallet", "programmes_wallet", "left_cents", ""),
    ("wallet", "programmes_wallet", "granted_cents", "AND l.reason = 'grant'"),
    ("cap", "programmes_capcounter", "used", ""),
)
ORPHANS = """
SELECT l.account, l.account_id FROM programmes_ledgerentry l
WHERE NOT EXISTS (
    SELECT 1 FROM programmes_envelope e WHERE l.account = 'envelope' AND e.id = l.account_id
  UNION ALL
    SELECT 1 FROM programmes_wallet w WHERE l.account = 'wallet' AND w.id = l.account_id
  UNION ALL
    SELECT 1 FROM programmes_capcounter c WHERE l.account = 'cap' AND c.id = l.account_id
)
GROUP BY l.account, l.account_id
"""
SHARE_MOVES = """
SELECT s.id, s.cents, s.released_at IS NOT NULL, COALESCE(SUM(l.amount), 0)
FROM programmes_bookingshare s
LEFT JOIN programmes_ledgerentry l
  ON l.account = 'envelope' AND l.booking_id = s.booking_id AND l.programme_id = s.programme_id
GROUP BY s.id, s.cents, s.released_at
"""
# Every booking, funded or not: one without shares is paid by the person alone.
BOOKING_TOTALS = """
SELECT b.id, b.price_cents, b.person_price_cents + COALESCE(SUM(s.cents), 0)
FROM booking_booking b LEFT JOIN programmes_bookingshare s ON s.booking_id = b.id
GROUP BY b.id, b.price_cents, b.person_price_cents
"""


def _next_start(kind: str, start: date) -> date:
    return period_start(kind, start + timedelta(days=32 if kind != Period.WEEK else 7))


def _day_counters() -> list[Difference]:
    """Day counters against the days counted in their periods."""
    programmes = {p.pk: p for p in Programme.objects.all()}
    days: dict[tuple[int, int, int], list[date]] = defaultdict(list)
    for programme_id, user_id, child_key, day in CountedDay.objects.values_list(
        "programme_id", "user_id", "child_key", "day"
    ):
        days[(programme_id, user_id, child_key)].append(day)
    found = []
    counters = CapCounter.objects.filter(kind__in=[CapKind.DAYS, CapKind.QUOTA_DAYS])
    for counter in counters:
        kind = (
            Period.MONTH
            if counter.kind == CapKind.DAYS
            else programmes[counter.programme_id].quota_period
        )
        end = _next_start(kind, counter.period_start)
        counted = sum(
            counter.period_start <= day < end
            for day in days[(counter.programme_id, counter.user_id, counter.child_key)]
        )
        if counted != counter.used:
            found.append(Difference(f"cap {counter.pk} counted days", counter.used, counted))
    return found


def differences() -> list[Difference]:
    """Every balance that the ledger does not give back exactly (empty: all match)."""
    found: list[Difference] = []
    with connection.cursor() as cursor:
        for account, table, column, reasons in CHECKS:
            cursor.execute(SUMS.format(table=table, column=column, reasons=reasons), [account])
            found.extend(
                Difference(f"{account} {pk} {column}", int(stored), int(total))
                for pk, stored, total in cursor.fetchall()
                if int(stored) != int(total)
            )
        cursor.execute(ORPHANS)
        found.extend(
            Difference(f"{account} {pk} missing", 0, 1) for account, pk in cursor.fetchall()
        )
        cursor.execute(SHARE_MOVES)
        for pk, cents, released, moved in cursor.fetchall():
            expected = 0 if released else -int(cents)
            if int(moved) != expected:
                found.append(Difference(f"share {pk} envelope", expected, int(moved)))
        cursor.execute(BOOKING_TOTALS)
        found.extend(
            Difference(f"booking {pk} price", int(price), int(total))
            for pk, price, total in cursor.fetchall()
            if int(price) != int(total)
        )
    found.extend(_day_counters())
    return found
