"""Every running balance recomputed from the append-only ledger (`maillage ledger check`).

What is compared, account by account (amounts in the account's unit):
- an envelope's `left_cents` with the sum of its ledger rows, its `budget_cents` with the sum
  of staff's rows;
- a wallet's `left_cents` with the sum of its rows, its `granted_cents` with its grant row;
- a cap counter's `used` with the sum of its rows, and a day counter's with its counted days
  (CountedDay), each counted day's bookings with the shares not given back that hold it
  (ShareDay: the days each share counted when it was taken);
- each share with its booking's or registration's envelope rows (what it took, or nothing
  once given back), and every booking's and event registration's price with what the person
  pays plus the shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection


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
# A share's rows are its booking's or its registration's (a share names one, the other NULL
# matching nothing).
SHARE_MOVES = """
SELECT s.id, s.cents, s.released_at IS NOT NULL, COALESCE(SUM(l.amount), 0)
FROM programmes_bookingshare s
LEFT JOIN programmes_ledgerentry l
  ON l.account = 'envelope' AND l.programme_id = s.programme_id
  AND (l.booking_id = s.booking_id OR l.registration_id = s.registration_id)
GROUP BY s.id, s.cents, s.released_at
"""
# Every booking and every registration, funded or not: one without shares is paid by the
# person alone.
TOTALS = """
SELECT b.id, b.price_cents, b.person_price_cents + COALESCE(SUM(s.cents), 0)
FROM {table} b LEFT JOIN programmes_bookingshare s ON s.{column} = b.id
GROUP BY b.id, b.price_cents, b.person_price_cents
"""  # noqa: S608 — table and column names are constants below
PRICED = (
    ("booking", "booking_booking", "booking_id"),
    ("registration", "events_registration", "registration_id"),
)


# Each day counter's days (CountedDay) against the shares not given back that hold them
# (ShareDay): a counted day's bookings are its holders; a held day is counted.
DAYS_HELD = """
SELECT c.counter_id, c.day, c.bookings, COUNT(h.id)
FROM programmes_countedday c
LEFT JOIN programmes_shareday h ON h.counter_id = c.counter_id AND h.day = c.day
GROUP BY c.counter_id, c.day, c.bookings
UNION ALL
SELECT h.counter_id, h.day, 0, COUNT(h.id)
FROM programmes_shareday h
WHERE NOT EXISTS (
    SELECT 1 FROM programmes_countedday c WHERE c.counter_id = h.counter_id AND c.day = h.day
)
GROUP BY h.counter_id, h.day
"""
# Days still held by a share given back.
RELEASED_HOLDING = """
SELECT h.share_id, COUNT(*) FROM programmes_shareday h
JOIN programmes_bookingshare s ON s.id = h.share_id
WHERE s.released_at IS NOT NULL
GROUP BY h.share_id
"""
# A day counter's `used` against its counted days.
COUNTER_DAYS = """
SELECT k.id, k.used, COUNT(c.id)
FROM programmes_capcounter k
LEFT JOIN programmes_countedday c ON c.counter_id = k.id
WHERE k.kind IN ('days', 'quota_days')
GROUP BY k.id, k.used
"""


def _day_counters(cursor: Any) -> list[Difference]:
    """Counted days rebuilt from the days the shares not given back hold, and each day
    counter's `used` from its counted days."""
    found: list[Difference] = []
    cursor.execute(DAYS_HELD)
    found.extend(
        Difference(f"cap {counter} day {day} bookings", int(stored), int(held))
        for counter, day, stored, held in cursor.fetchall()
        if int(stored) != int(held)
    )
    cursor.execute(RELEASED_HOLDING)
    found.extend(
        Difference(f"share {share} days held after release", int(held), 0)
        for share, held in cursor.fetchall()
    )
    cursor.execute(COUNTER_DAYS)
    found.extend(
        Difference(f"cap {pk} counted days", int(used), int(counted))
        for pk, used, counted in cursor.fetchall()
        if int(used) != int(counted)
    )
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
        for name, table, column in PRICED:
            cursor.execute(TOTALS.format(table=table, column=column))
            found.extend(
                Difference(f"{name} {pk} price", int(price), int(total))
                for pk, price, total in cursor.fetchall()
                if int(price) != int(total)
            )
        found.extend(_day_counters(cursor))
    return found
