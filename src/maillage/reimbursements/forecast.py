"""When a programme's envelope runs out at the recent pace (pure: no Django).

Units: cents (integers) for what is left and what was spent, Paris calendar dates for days.
The pace is what went out of the envelope over the last `window_days` days, net of what was
given back (the dashboard reads it from the ledger: reimbursements.dashboard).
"""

from __future__ import annotations

from datetime import date, timedelta

WINDOW_DAYS = 30


def runs_out_on(
    left_cents: int, spent_cents: int, today: date, window_days: int = WINDOW_DAYS
) -> date | None:
    """The Paris day the envelope is empty if it keeps losing `spent_cents` every
    `window_days` days: `today` plus the days the `left_cents` last, rounded up (the day the
    spending reaches what is left: 100 left at 30 a day → 4 days, empty on the fourth).
    `today` when nothing is left. None when the pace is 0 or negative (more given back than
    spent: it never runs out) or the day is past date.max. ValueError when `left_cents` is
    negative or `window_days` not positive."""
    if left_cents < 0:
        raise ValueError("Le reste ne peut pas être négatif.")
    if window_days <= 0:
        raise ValueError("La période doit compter au moins un jour.")
    if left_cents == 0:
        return today
    if spent_cents <= 0:
        return None
    days = -(-left_cents * window_days // spent_cents)  # ceiling, in integers
    try:
        return today + timedelta(days=days)
    except OverflowError:
        return None


# Beyond this many years, a run-out day read from the last 30 days' pace means little.
FAR_YEARS = 5


def is_far(day: date, today: date) -> bool:
    """Whether `day` is more than FAR_YEARS years after `today` (Paris days)."""
    return day > today + timedelta(days=round(365.25 * FAR_YEARS))
