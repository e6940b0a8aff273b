"""The running balances' statements, in plain SQL identical on PostgreSQL and SQLite.

Each balance moves by one `UPDATE … SET x = x ± n` whose CHECK constraint (programmes.models)
the database evaluates on the row as it is when the statement runs, after any concurrent
writer's commit: a consumption that would take an envelope or a credit below zero, or a
counter over its limit, raises IntegrityError (Exhausted here), and nothing else decides it.
Rows are opened on first use by `INSERT … ON CONFLICT DO NOTHING`, so that two first uses at
once open one row. Every movement appends its ledger row (LedgerEntry) in the same
transaction. Amounts are integer cents, minutes or days, as the account's unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction

from maillage.core.sql_values import instant_param
from maillage.programmes.models import Account, CapKind, Reason


class Exhausted(Exception):
    """A balance cannot cover a consumption (its CHECK constraint refused it): `account`
    names which (an Account value, or a CapKind value for a cap)."""

    def __init__(self, account: str):
        super().__init__(account)
        self.account = account


@dataclass(frozen=True)
class Movement:
    """Who moves a balance, why and when, for which booking or event registration (at most
    one): copied onto each ledger row."""

    programme_id: int
    booking_id: int | None
    reason: Reason
    actor_id: int | None
    channel: str
    at: datetime
    registration_id: int | None = None


INSERT_LEDGER = """
INSERT INTO programmes_ledgerentry
    (programme_id, booking_id, registration_id, account, account_id, amount, reason, actor_id,
     channel, at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
"""


def record(movement: Movement, account: Account, account_id: int, amount: int) -> None:
    """Append a ledger row: `account` `account_id` moved by `amount` (signed, non-zero)."""
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_LEDGER,
            [
                movement.programme_id,
                movement.booking_id,
                movement.registration_id,
                account.value,
                account_id,
                amount,
                movement.reason.value,
                movement.actor_id,
                movement.channel,
                instant_param(movement.at),
            ],
        )


def _update(sql: str, params: list[int], account: str) -> tuple[Any, ...] | None:
    """Run one balance UPDATE … RETURNING in a savepoint: its row (None: no such row), or
    Exhausted when the row's CHECK constraint refuses the new value."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
    except IntegrityError as error:
        raise Exhausted(account) from error
    return tuple(row) if row is not None else None


# --- Envelopes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvelopeState:
    id: int
    left_cents: int
    warn_below_cents: int
    warned: bool


MOVE_ENVELOPE = """
UPDATE programmes_envelope SET left_cents = left_cents + %s
WHERE programme_id = %s
RETURNING id, left_cents, warn_below_cents, warned_at
"""


def move_envelope(movement: Movement, amount: int) -> EnvelopeState:
    """Add `amount` cents (negative: consume) to the programme's envelope, with its ledger
    row; its state after. Raises Exhausted("envelope") when it would go below zero or the
    programme has no envelope."""
    row = _update(MOVE_ENVELOPE, [amount, movement.programme_id], Account.ENVELOPE)
    if row is None:
        raise Exhausted(Account.ENVELOPE)
    pk, left, warn_below, warned_at = row
    record(movement, Account.ENVELOPE, int(pk), amount)
    return EnvelopeState(int(pk), int(left), int(warn_below), warned_at is not None)


# --- Wallets (credits) ----------------------------------------------------------------------

OPEN_WALLET = """
INSERT INTO programmes_wallet
    (programme_id, user_id, child_key, period_start, granted_cents, left_cents)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (programme_id, user_id, child_key, period_start) DO NOTHING
RETURNING id
"""
FIND_WALLET = """
SELECT id FROM programmes_wallet
WHERE programme_id = %s AND user_id = %s AND child_key = %s AND period_start = %s
"""
MOVE_WALLET = "UPDATE programmes_wallet SET left_cents = left_cents + %s WHERE id = %s RETURNING id"
# Compare-and-set on the grant read: of two raises at once, one moves it.
RAISE_GRANT = """
UPDATE programmes_wallet
SET granted_cents = %s, left_cents = left_cents + %s
WHERE id = %s AND granted_cents = %s
RETURNING id
"""


def open_wallet(
    movement: Movement, user_id: int, child_key: int, period_start: date, granted_cents: int
) -> int:
    """The id of the beneficiary's wallet for the period starting `period_start`, opened
    with `granted_cents` (and its «grant» ledger row) if it was not open yet, its grant
    raised to `granted_cents` if it was lower."""
    key: list[int | str] = [movement.programme_id, user_id, child_key, period_start.isoformat()]
    with connection.cursor() as cursor:
        cursor.execute(OPEN_WALLET, [*key, granted_cents, granted_cents])
        row = cursor.fetchone()
        if row is not None:
            pk = int(row[0])
            if granted_cents:
                _record_grant(movement, pk, granted_cents)
            return pk
        cursor.execute(FIND_WALLET, key)
        pk = int(cursor.fetchone()[0])
    _raise_grant(movement, pk, granted_cents)
    return pk


def _raise_grant(movement: Movement, wallet_id: int, granted_cents: int) -> None:
    """Bring an open wallet's grant up to `granted_cents` (a beneficiary whose bursary was
    verified after the wallet opened gets the difference), with its «grant» ledger row; a
    grant is never lowered."""
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT granted_cents FROM programmes_wallet WHERE id = %s", [wallet_id])
            granted = int(cursor.fetchone()[0])
            raise_by = granted_cents - granted
            if raise_by <= 0:
                return
            cursor.execute(RAISE_GRANT, [granted_cents, raise_by, wallet_id, granted])
            if cursor.fetchone() is not None:
                break
    _record_grant(movement, wallet_id, raise_by)


def _record_grant(movement: Movement, wallet_id: int, cents: int) -> None:
    """The «grant» ledger row of `cents` credited to a wallet (no booking, no actor)."""
    grant = Movement(movement.programme_id, None, Reason.GRANT, None, movement.channel, movement.at)
    record(grant, Account.WALLET, wallet_id, cents)


def move_wallet(movement: Movement, wallet_id: int, amount: int) -> None:
    """Add `amount` cents (negative: spend) to a wallet, with its ledger row. Raises
    Exhausted("wallet") when it would go below zero or over what was granted."""
    if _update(MOVE_WALLET, [amount, wallet_id], Account.WALLET) is None:
        raise Exhausted(Account.WALLET)
    record(movement, Account.WALLET, wallet_id, amount)


# --- Caps and quotas ------------------------------------------------------------------------

OPEN_COUNTER = """
INSERT INTO programmes_capcounter
    (programme_id, user_id, child_key, kind, period_start, "limit", used)
VALUES (%s, %s, %s, %s, %s, %s, 0)
ON CONFLICT (programme_id, user_id, child_key, kind, period_start) DO NOTHING
RETURNING id
"""
FIND_COUNTER = """
SELECT id FROM programmes_capcounter
WHERE programme_id = %s AND user_id = %s AND child_key = %s AND kind = %s AND period_start = %s
"""
# Consuming also brings the limit to the programme's current one (staff may have changed it).
USE_COUNTER = (
    'UPDATE programmes_capcounter SET used = used + %s, "limit" = %s WHERE id = %s RETURNING id'
)
FREE_COUNTER = "UPDATE programmes_capcounter SET used = used - %s WHERE id = %s RETURNING id"


def counter_id(
    programme_id: int,
    user_id: int,
    child_key: int,
    kind: CapKind,
    period_start: date,
    limit: int,
) -> int:
    """The id of the beneficiary's counter of `kind` for the period, opened at 0 used."""
    key: list[int | str] = [programme_id, user_id, child_key, kind.value, period_start.isoformat()]
    with connection.cursor() as cursor:
        cursor.execute(OPEN_COUNTER, [*key, limit])
        row = cursor.fetchone()
        if row is None:
            cursor.execute(FIND_COUNTER, key)
            row = cursor.fetchone()
    return int(row[0])


def use_counter(movement: Movement, pk: int, kind: CapKind, amount: int, limit: int) -> None:
    """Count `amount` (> 0) more on a counter whose limit is now `limit`, with its ledger
    row. Raises Exhausted(kind) when it would go over the limit."""
    _update(USE_COUNTER, [amount, limit, pk], kind)
    record(movement, Account.CAP, pk, amount)


def free_counter(movement: Movement, pk: int, amount: int) -> None:
    """Count `amount` (> 0) less on a counter, with its ledger row."""
    _update(FREE_COUNTER, [amount, pk], Account.CAP)
    record(movement, Account.CAP, pk, -amount)


# --- Counted days ---------------------------------------------------------------------------

COUNT_DAY = """
INSERT INTO programmes_countedday (programme_id, user_id, child_key, counter_id, day, bookings)
SELECT programme_id, user_id, child_key, id, %s, 1 FROM programmes_capcounter WHERE id = %s
ON CONFLICT (counter_id, day) DO UPDATE SET bookings = programmes_countedday.bookings + 1
RETURNING bookings
"""
DROP_LAST = """
DELETE FROM programmes_countedday WHERE counter_id = %s AND day = %s AND bookings = 1
RETURNING id
"""
UNCOUNT_DAY = """
UPDATE programmes_countedday SET bookings = bookings - 1 WHERE counter_id = %s AND day = %s
"""
HOLD_DAY = "INSERT INTO programmes_shareday (share_id, counter_id, day) VALUES (%s, %s, %s)"


def count_day(share_id: int, counter_id: int, day: date) -> bool:
    """The share holds `day` on the day counter `counter_id` (its ShareDay row; one more
    booking on the day's CountedDay): True when the day was not counted on that counter yet
    (the caller then counts it there)."""
    with connection.cursor() as cursor:
        cursor.execute(HOLD_DAY, [share_id, counter_id, day.isoformat()])
        cursor.execute(COUNT_DAY, [day.isoformat(), counter_id])
        return int(cursor.fetchone()[0]) == 1


def uncount_day(counter_id: int, day: date) -> bool:
    """One booking less on `day` of the day counter: True when it was the day's last (the
    day is free; the caller frees the counter of it). The share's ShareDay row is the
    caller's."""
    key: list[int | str] = [counter_id, day.isoformat()]
    with connection.cursor() as cursor:
        cursor.execute(DROP_LAST, key)
        if cursor.fetchone() is not None:
            return True
        cursor.execute(UNCOUNT_DAY, key)
    return False
