"""The price of a booking, computed once and frozen on it (pure: no Django).

A space may have an hourly, a half-day and a day price (any may be missing). The person pays
the cheapest combination of days, half-days and started hours that covers the duration; desk
prices are per seat, a room's for the whole room.
"""

import math
from datetime import timedelta

HOUR = timedelta(hours=1)
HALF_DAY = timedelta(hours=4)
DAY = timedelta(hours=8)


class NoPriceCoversIt(ValueError):
    """The space's prices cannot make up this duration (e.g. only a half-day price for 6 h)."""


def booking_price_cents(
    duration: timedelta,
    seats: int,
    hour_cents: int | None,
    half_day_cents: int | None,
    day_cents: int | None,
) -> int:
    if duration <= timedelta(0) or seats < 1:
        raise ValueError("duration and seats must be positive")
    if hour_cents is None and half_day_cents is None and day_cents is None:
        return 0  # a space with no price is free
    best: int | None = None
    max_days = math.ceil(duration / DAY) if day_cents is not None else 0
    for days in range(max_days + 1):
        after_days = duration - days * DAY
        max_halves = max(0, math.ceil(after_days / HALF_DAY)) if half_day_cents is not None else 0
        for halves in range(max_halves + 1):
            rest = after_days - halves * HALF_DAY
            hours = max(0, math.ceil(rest / HOUR))
            if hours and hour_cents is None:
                continue
            cost = (
                days * (day_cents or 0) + halves * (half_day_cents or 0) + hours * (hour_cents or 0)
            )
            best = cost if best is None else min(best, cost)
    if best is None:
        raise NoPriceCoversIt(f"no price combination covers {duration}")
    return best * seats
