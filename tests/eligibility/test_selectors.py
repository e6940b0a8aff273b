"""What other apps read: the categories and bursary of a person or child on a day."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from maillage.eligibility.models import State
from maillage.eligibility.selectors import (
    categories_by_day,
    categories_of,
    children_of,
    is_bursary_holder,
)
from tests.factories import VerifiedUserFactory

pytestmark = pytest.mark.django_db

START, END = date(2026, 9, 1), date(2027, 8, 31)


@pytest.fixture
def person(categories):
    return VerifiedUserFactory()


def test_categories_hold_on_the_days_of_their_period_only(person, status_factory):
    status_factory("rsa", person=person, valid_from=START, valid_until=END)
    status_factory("handicap", person=person, valid_from=date(2027, 1, 1), valid_until=END)
    assert categories_of(person, date(2026, 8, 31)) == frozenset()
    assert categories_of(person, START) == frozenset({"rsa"})
    assert categories_of(person, date(2027, 1, 1)) == frozenset({"rsa", "handicap"})
    assert categories_of(person, END) == frozenset({"rsa", "handicap"})
    assert categories_of(person, date(2027, 9, 1)) == frozenset()


@pytest.mark.parametrize("state", [State.REQUESTED, State.REFUSED])
def test_undecided_and_refused_statuses_give_nothing(person, status_factory, state):
    status_factory("rsa", person=person, state=state)
    assert categories_of(person, date.today()) == frozenset()


def test_a_child_s_categories_are_the_child_s(person, status_factory, child_of):
    child = child_of(person)
    status_factory("collegien", child=child, valid_from=START, valid_until=END, bursary_holder=True)
    status_factory("rsa", person=person, valid_from=START, valid_until=END)
    assert categories_of(person, START, child=child) == frozenset({"collegien"})
    assert categories_of(person, START, child=child.pk) == frozenset({"collegien"})
    assert categories_of(person, START) == frozenset({"rsa"})
    assert is_bursary_holder(person, START, child=child)
    assert not is_bursary_holder(person, START)


def test_someone_else_s_child_gives_nothing(person, status_factory, child_of):
    child = child_of(VerifiedUserFactory())
    status_factory("collegien", child=child, valid_from=START, valid_until=END, bursary_holder=True)
    assert categories_of(person, START, child=child) == frozenset()
    assert not is_bursary_holder(person, START, child=child.pk)


def test_anonymous_visitors_have_no_category(categories):
    assert categories_of(AnonymousUser(), START) == frozenset()
    assert not is_bursary_holder(AnonymousUser(), START)
    assert list(children_of(AnonymousUser())) == []


def test_children_of_a_parent(person, child_of):
    lea, adam = child_of(person, "Léa"), child_of(person, "Adam")
    child_of(VerifiedUserFactory(), "Zoé")
    assert list(children_of(person)) == [adam, lea]


def test_categories_by_day_reads_as_categories_of_for_every_holder_and_day(
    person, status_factory, child_of
):
    """The batch reading gives, for each (account, child, day), what categories_of gives."""
    other = VerifiedUserFactory()
    child = child_of(person)
    strangers_child = child_of(other, "Noé")
    status_factory("rsa", person=person, valid_from=START, valid_until=date(2026, 12, 31))
    status_factory("handicap", person=person, valid_from=date(2026, 12, 15), valid_until=END)
    status_factory("collegien", child=child, valid_from=START, valid_until=END)
    status_factory("collegien", child=strangers_child, valid_from=START, valid_until=END)
    status_factory("rsa", person=other, state=State.REFUSED)
    days = [date(2026, 8, 31), START, date(2026, 12, 15), date(2026, 12, 31), END, date(2027, 9, 1)]
    holders = [(person, 0), (person, child.pk), (other, 0), (person, strangers_child.pk)]
    wanted = [(user.pk, child_id, day) for user, child_id in holders for day in days]
    found = categories_by_day(wanted)
    for user, child_id in holders:
        for day in days:
            assert found[(user.pk, child_id, day)] == categories_of(user, day, child_id or None)
    assert found[(person.pk, child.pk, START)] == frozenset({"collegien"})
    assert found[(person.pk, strangers_child.pk, START)] == frozenset()
