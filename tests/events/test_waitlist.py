"""The waiting list's pure rules: who gets freed seats, until when, and ranks in words."""

from datetime import timedelta
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.events.waitlist import (
    MIN_OFFER_HOLD,
    Waiting,
    hold_until,
    left_for_newcomer,
    offers,
    one_after_another,
    rank_text,
)
from tests.moments import paris

properties = settings(database=None, deadline=None, max_examples=300)

queues = st.lists(st.integers(min_value=1, max_value=12), max_size=30).map(
    lambda seats: [Waiting(pk, n) for pk, n in enumerate(seats, start=100)]
)
free_seats = st.integers(min_value=0, max_value=40)


def seats_of(queue: list[Waiting], ids: list[int]) -> int:
    asked = {entry.id: entry.seats for entry in queue}
    return sum(asked[pk] for pk in ids)


@properties
@given(free_seats, queues)
def test_never_offers_more_than_is_free(free, queue):
    assert seats_of(queue, offers(free, queue)) <= free


@properties
@given(free_seats, queues)
def test_offers_follow_the_list_s_order(free, queue):
    chosen = offers(free, queue)
    positions = [next(i for i, e in enumerate(queue) if e.id == pk) for pk in chosen]
    assert positions == sorted(positions)
    assert len(set(chosen)) == len(chosen)


@properties
@given(free_seats, queues)
def test_no_entry_that_fits_is_passed_over(free, queue):
    """Each entry passed by asked more than what the entries before it left: it did not fit
    when its turn came, so no later entry took seats it could have had."""
    chosen = set(offers(free, queue))
    left = free
    for entry in queue:
        if entry.id in chosen:
            left -= entry.seats
        else:
            assert entry.seats > left


@properties
@given(free_seats, queues)
def test_what_is_left_fits_no_one_passed_by(free, queue):
    chosen = offers(free, queue)
    left = free - seats_of(queue, chosen)
    assert all(entry.seats > left for entry in queue if entry.id not in chosen)


@properties
@given(free_seats, queues)
def test_the_offer_is_the_one_a_fair_clerk_makes(free, queue):
    """Against a second reading of the rule: the first entry (in order) that fits is
    served, then the rule again over the entries after it with what is left."""

    def clerk(left: int, rest: list[Waiting]) -> list[int]:
        for index, entry in enumerate(rest):
            if entry.seats <= left:
                return [entry.id, *clerk(left - entry.seats, rest[index + 1 :])]
        return []

    assert offers(free, queue) == clerk(free, queue)


@properties
@given(queues)
def test_enough_seats_for_all_serve_all_and_none_serve_none(queue):
    assert offers(sum(entry.seats for entry in queue), queue) == [entry.id for entry in queue]
    assert offers(0, queue) == []


@properties
@given(free_seats, queues)
def test_more_seats_serve_someone_at_least_as_far_up_the_list(free, queue):
    """With one seat more, the first entry offered stands at the same rank or higher."""
    rank = {entry.id: index for index, entry in enumerate(queue)}
    chosen, more = offers(free, queue), offers(free + 1, queue)
    if chosen:
        assert more and rank[more[0]] <= rank[chosen[0]]


def test_an_entry_too_big_keeps_its_rank_and_smaller_ones_behind_get_seats():
    queue = [Waiting(1, 3), Waiting(2, 1), Waiting(3, 2), Waiting(4, 1)]
    assert offers(2, queue) == [2, 4]
    assert offers(3, queue) == [1]
    assert offers(0, queue) == []
    assert offers(5, []) == []


def test_offers_stop_when_no_seat_is_left():
    queue = [Waiting(pk, 1) for pk in range(10)]
    assert offers(3, queue) == [0, 1, 2]


@pytest.mark.parametrize(("small", "big"), list(combinations(range(1, 6), 2)))
def test_order_decides_between_two_entries_that_both_fit(small, big):
    assert offers(big, [Waiting(1, big), Waiting(2, small)]) == [1]
    assert offers(big, [Waiting(1, small), Waiting(2, big)]) == [1]


NOW = paris(2026, 12, 1, 10, 0)


def test_the_hold_lasts_the_organiser_s_hours():
    assert hold_until(NOW, 24, NOW + timedelta(days=5)) == NOW + timedelta(hours=24)


def test_the_hold_never_passes_the_registration_deadline():
    deadline = NOW + timedelta(hours=3)
    assert hold_until(NOW, 24, deadline) == deadline


@pytest.mark.parametrize("late", [timedelta(0), timedelta(minutes=1), timedelta(days=3)])
def test_no_hold_once_the_deadline_is_reached(late):
    assert hold_until(NOW, 24, NOW - late) is None


@pytest.mark.parametrize("left", [timedelta(minutes=1), timedelta(minutes=59, seconds=59)])
def test_no_hold_too_short_to_be_used(left):
    assert left < MIN_OFFER_HOLD
    assert hold_until(NOW, 24, NOW + left) is None


def test_a_hold_of_the_shortest_useful_length_is_offered():
    assert hold_until(NOW, 24, NOW + MIN_OFFER_HOLD) == NOW + MIN_OFFER_HOLD
    assert hold_until(NOW, 1, NOW + timedelta(days=1)) == NOW + timedelta(hours=1)


@properties
@given(
    st.integers(min_value=1, max_value=168),
    st.integers(min_value=-200 * 60, max_value=400 * 60),
)
def test_the_hold_ends_after_now_by_the_deadline_and_within_the_hours(hours, minutes):
    deadline = NOW + timedelta(minutes=minutes)
    until = hold_until(NOW, hours, deadline)
    if deadline - NOW < MIN_OFFER_HOLD:
        assert until is None
    else:
        assert until is not None
        assert NOW + MIN_OFFER_HOLD <= until <= deadline
        assert until <= NOW + timedelta(hours=hours)
        assert until in (deadline, NOW + timedelta(hours=hours))


@properties
@given(free_seats, queues, st.integers(min_value=1, max_value=12))
def test_a_newcomer_comes_behind_the_waiting_list(free, queue, seats):
    """A newcomer gets seats exactly when the same rule, with them last in the list, would
    offer them some: the waiting entries the free seats fit are served first."""
    newcomer = Waiting(0, seats)
    served = newcomer.id in offers(free, [*queue, newcomer])
    assert (seats <= left_for_newcomer(free, queue)) == served


def test_free_seats_a_waiting_entry_fits_are_not_a_newcomer_s():
    queue = [Waiting(1, 3), Waiting(2, 1)]
    assert left_for_newcomer(2, queue) == 1  # the 1-seat entry first; the 3-seat one passed
    assert left_for_newcomer(4, queue) == 0
    assert left_for_newcomer(5, queue) == 1
    assert left_for_newcomer(2, []) == 2


@pytest.mark.parametrize(
    ("rank", "text"),
    [
        (1, "1re position sur la liste d'attente"),
        (2, "2e position sur la liste d'attente"),
        (3, "3e position sur la liste d'attente"),
        (21, "21e position sur la liste d'attente"),
    ],
)
def test_ranks_in_french(rank, text):
    assert rank_text(rank) == text


def test_one_after_another_registers_what_fits_and_queues_the_rest():
    # 3 seats: 2 taken, then 2 asked (1 left: waits), 1 asked (fits), 1 asked (none left).
    assert one_after_another(3, [(1, 2), (2, 2), (3, 1), (4, 1)]) == {
        1: True,
        2: False,
        3: True,
        4: False,
    }
    assert one_after_another(0, [(1, 1)]) == {1: False}
    assert one_after_another(5, []) == {}
