import itertools

import pytest

from maillage.places.lifecycle import Status, can_transition, transition_error

S = Status
# The whole table, written out: every pair of statuses and whether the move is allowed.
EXPECTED = {
    (S.PROJECT, S.PROJECT): True,
    (S.PROJECT, S.PREPARING): True,
    (S.PROJECT, S.OPEN): True,
    (S.PROJECT, S.CLOSED): True,
    (S.PREPARING, S.PROJECT): False,
    (S.PREPARING, S.PREPARING): True,
    (S.PREPARING, S.OPEN): True,
    (S.PREPARING, S.CLOSED): True,
    (S.OPEN, S.PROJECT): False,
    (S.OPEN, S.PREPARING): False,
    (S.OPEN, S.OPEN): True,
    (S.OPEN, S.CLOSED): True,
    (S.CLOSED, S.PROJECT): False,
    (S.CLOSED, S.PREPARING): False,
    (S.CLOSED, S.OPEN): True,
    (S.CLOSED, S.CLOSED): True,
}


def test_the_table_covers_every_pair():
    assert set(EXPECTED) == set(itertools.product(Status, Status))


@pytest.mark.parametrize(("current", "target"), list(EXPECTED))
def test_transition(current, target):
    assert can_transition(current, target) is EXPECTED[(current, target)]
    message = transition_error(current, target)
    assert (message is None) is EXPECTED[(current, target)]


def test_refusal_names_both_statuses_and_the_allowed_ones():
    message = transition_error(S.OPEN, S.PROJECT)
    assert message == (
        "Un lieu « Ouvert » ne peut pas passer à « En projet » (statuts possibles : « Fermé »)."
    )
