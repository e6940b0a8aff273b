import itertools

import pytest

from maillage.booking.lifecycle import TRANSITIONS, Actor, Status, may_change
from maillage.booking.models import BookingStatus

S, A = Status, Actor
ALLOWED = {
    (S.PENDING, S.CONFIRMED, A.MANAGER),
    (S.PENDING, S.REFUSED, A.MANAGER),
    (S.PENDING, S.CANCELLED, A.BOOKER),
    (S.PENDING, S.CANCELLED, A.MANAGER),
    (S.PENDING, S.EXPIRED, A.SYSTEM),
    (S.CONFIRMED, S.CHECKED_IN, A.MANAGER),
    (S.CONFIRMED, S.NO_SHOW, A.MANAGER),
    (S.CONFIRMED, S.CANCELLED, A.BOOKER),
    (S.CONFIRMED, S.CANCELLED, A.MANAGER),
    (S.NO_SHOW, S.CHECKED_IN, A.MANAGER),
    (S.CHECKED_IN, S.NO_SHOW, A.MANAGER),
}


@pytest.mark.parametrize(("current", "target", "actor"), list(itertools.product(S, S, A)))
def test_every_status_change_for_every_actor(current, target, actor):
    assert may_change(current, target, actor) is ((current, target, actor) in ALLOWED)


def test_final_statuses_have_no_way_out():
    for final in (S.CANCELLED, S.REFUSED, S.EXPIRED):
        assert not [key for key in TRANSITIONS if key[0] == final]


def test_the_database_choices_are_the_cores_statuses():
    assert [str(s) for s in BookingStatus] == [str(s) for s in S]
