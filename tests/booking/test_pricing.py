import itertools
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maillage.booking.pricing import NoPriceCoversIt, booking_price_cents

prices = st.one_of(st.none(), st.integers(min_value=0, max_value=50_000))


def brute_force(minutes: int, hour, half, day) -> int | None:
    best = None
    for days, halves, hours in itertools.product(range(4), range(6), range(30)):
        if (days and day is None) or (halves and half is None) or (hours and hour is None):
            continue
        if days * 480 + halves * 240 + hours * 60 < minutes:
            continue
        cost = days * (day or 0) + halves * (half or 0) + hours * (hour or 0)
        best = cost if best is None else min(best, cost)
    return best


@given(st.integers(min_value=1, max_value=16 * 60), prices, prices, prices, st.integers(1, 4))
def test_the_cheapest_cover_is_charged(minutes, hour, half, day, seats):
    expected = brute_force(minutes, hour, half, day)
    if hour is None and half is None and day is None:
        assert booking_price_cents(timedelta(minutes=minutes), seats, None, None, None) == 0
    elif expected is None:
        with pytest.raises(NoPriceCoversIt):
            booking_price_cents(timedelta(minutes=minutes), seats, hour, half, day)
    else:
        price = booking_price_cents(timedelta(minutes=minutes), seats, hour, half, day)
        assert price == expected * seats


def test_examples():
    three_hours = timedelta(hours=3)
    assert booking_price_cents(three_hours, 1, 2500, 8000, 15000) == 7500
    assert booking_price_cents(timedelta(hours=4), 1, 2500, 8000, 15000) == 8000
    assert booking_price_cents(timedelta(hours=7), 1, 2500, 8000, 15000) == 15000
    assert booking_price_cents(timedelta(minutes=61), 2, 400, None, None) == 1600  # started hours


def test_bad_arguments():
    with pytest.raises(ValueError):
        booking_price_cents(timedelta(0), 1, 100, None, None)
    with pytest.raises(ValueError):
        booking_price_cents(timedelta(hours=1), 0, 100, None, None)
