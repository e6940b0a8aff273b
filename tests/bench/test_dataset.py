"""The availability benchmark's generated bookings obey the database's rules, PostgreSQL's
included: one booking of a space per person at a time (booking_one_per_person_and_span)."""

import random

import pytest

from maillage.bench.dataset import _free_user


def test_a_person_never_holds_two_overlapping_bookings_of_a_space():
    rng = random.Random(7)
    users = list(range(10))
    held: dict[int, list[tuple[int, int]]] = {}
    given = []
    for _ in range(400):
        start = rng.randrange(0, 4000)
        end = start + rng.randrange(1, 60)
        given.append((_free_user(users, held, start, end, rng), start, end))
    for n, (user, start, end) in enumerate(given):
        for other, other_start, other_end in given[n + 1 :]:
            assert other != user or end <= other_start or other_end <= start
    assert {user for user, _, _ in given} == set(users)


def test_more_overlapping_bookings_than_users_is_an_error():
    held: dict[int, list[tuple[int, int]]] = {}
    rng = random.Random(1)
    _free_user([1, 2], held, 0, 60, rng)
    _free_user([1, 2], held, 0, 60, rng)
    with pytest.raises(ValueError, match="no bench user"):
        _free_user([1, 2], held, 30, 90, rng)
