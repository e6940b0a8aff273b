"""The database itself refuses statuses that break the rules (both SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.eligibility.models import Category, ChildProfile, EligibilityStatus, State
from tests.factories import VerifiedUserFactory
from tests.fixtures.eligibility import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(categories):
    return VerifiedUserFactory()


def refused_by_database(**fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EligibilityStatus.objects.create(**fields)


def base(holder, category, **changes) -> dict:
    today = timezone.localdate()
    return {
        "person": holder,
        "category": category,
        "state": State.VERIFIED,
        "valid_from": today,
        "valid_until": today + timedelta(days=30),
        "proof_mode": "upload",
        "decided_at": timezone.now(),
        **changes,
    }


def test_the_seed_holds_the_issue_s_categories(categories):
    assert {code: c.label for code, c in categories.items()} == {
        "rsa": "Bénéficiaire du RSA",
        "handicap": "RQTH, AAH ou CMI",
        "collegien": "Collégien·ne",
        "independant": "Indépendant·e ou créateur·rice d'entreprise",
    }
    assert [code for code, c in categories.items() if c.for_children] == ["collegien"]
    SEED.seed(django_apps, None)  # idempotent
    assert Category.objects.count() == 4


def test_a_well_formed_status_is_stored(person, categories):
    EligibilityStatus.objects.create(**base(person, categories["rsa"]))


@pytest.mark.parametrize(
    "changes",
    [
        {"person": None},  # no holder
        {"state": "expired"},  # not a state
        {"proof_mode": "api"},  # not a mode (yet)
        {"valid_until": timezone.localdate() - timedelta(days=1)},  # end before start
        {"valid_from": None},  # verified without its period
        {"decided_at": None},  # decision without its date
        {"state": State.REFUSED, "refusal_reason": ""},  # refused without a reason
        {"state": State.REFUSED, "refusal_reason": "x" * 501},
        {"proof": "proofs/reste.pdf"},  # a proof kept after the decision
    ],
    ids=lambda changes: ",".join(changes),
)
def test_the_database_refuses_a_broken_status(person, categories, changes):
    refused_by_database(**base(person, categories["rsa"], **changes))
    assert not EligibilityStatus.objects.exists()


def test_a_status_has_one_holder_not_two(person, categories):
    child = ChildProfile.objects.create(
        parent=person, first_name="Léa", birth_year=2014, school="Collège"
    )
    refused_by_database(**base(person, categories["collegien"], child=child))


def test_one_open_request_per_holder_and_category(person, categories):
    fields = base(
        person,
        categories["rsa"],
        state=State.REQUESTED,
        valid_from=None,
        valid_until=None,
        decided_at=None,
    )
    EligibilityStatus.objects.create(**fields)
    refused_by_database(**fields)
    # A decided one beside it is fine.
    EligibilityStatus.objects.create(**base(person, categories["rsa"]))


@pytest.mark.parametrize(
    "changes",
    [{"first_name": "Léa\nX"}, {"first_name": ""}, {"school": "a\rb"}, {"birth_year": 1999}],
)
def test_the_database_refuses_a_broken_child_profile(person, changes):
    fields = {"parent": person, "first_name": "Léa", "birth_year": 2014, "school": "Collège"}
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildProfile.objects.create(**{**fields, **changes})


def test_the_database_refuses_a_category_label_on_two_lines(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Category.objects.create(code="test", label="Deux\nlignes")
