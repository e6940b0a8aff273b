"""A child's pass (the Pass+ kind: a yearly credit, higher for bursary holders) booked by the
parent for the child profile, and what a person has left of their credits and quotas."""

from datetime import date

import pytest

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.eligibility.models import ChildProfile
from maillage.programmes import selectors
from maillage.programmes.models import BookingShare, Wallet
from tests.factories import VerifiedUserFactory
from tests.moments import NOW, paris
from tests.programmes.builders import a_pass, employer_quota, verified

pytestmark = pytest.mark.django_db

SLOT = (paris(2026, 12, 2, 14), paris(2026, 12, 2, 16))
DAY = date(2026, 12, 2)


@pytest.fixture
def pass_plus(desks):
    return a_pass(desks.place, 8000, bursary_cents=10000, public_label="Pass tiers-lieux")


@pytest.fixture
def child(booker):
    return ChildProfile.objects.create(
        parent=booker, first_name="Léa", birth_year=2013, school="Collège Jean-Moulin"
    )


def test_a_parent_books_for_their_child_with_the_childs_pass(desks, booker, child, pass_plus):
    verified(booker, "collegien", child=child, bursary=True)
    done = booking.book(
        booker,
        desks.pk,
        *SLOT,
        now=NOW,
        channel=Channel.PAGE,
        funded=booking.Funded(child_id=child.pk),
    )
    assert done.person_price_cents == 0
    share = BookingShare.objects.get(booking=done)
    assert (share.user, share.child_key, share.cents) == (booker, child.pk, 800)
    wallet = Wallet.objects.get(programme=pass_plus)
    assert (wallet.child_key, wallet.granted_cents, wallet.left_cents) == (child.pk, 10000, 9200)
    # The parent's own booking does not use the child's pass.
    later = (paris(2026, 12, 3, 14), paris(2026, 12, 3, 16))
    own = booking.book(booker, desks.pk, *later, now=NOW, channel=Channel.PAGE)
    assert own.person_price_cents == 800


def test_someone_elses_child_profile_opens_nothing(desks, booker, child, pass_plus):
    verified(booker, "collegien", child=child)
    stranger = VerifiedUserFactory(email="autre@exemple.test")
    done = booking.book(
        stranger,
        desks.pk,
        *SLOT,
        now=NOW,
        channel=Channel.PAGE,
        funded=booking.Funded(child_id=child.pk),
    )
    assert done.person_price_cents == 800
    assert not Wallet.objects.exists()


def test_what_is_left_of_credits_and_quotas(desks, booker, child, pass_plus):
    verified(booker, "collegien", child=child)
    quota = employer_quota(desks.place, [booker])
    assert selectors.left_of(booker, DAY, [child.pk]) == [
        selectors.Left("Tarif solidaire", "days", 2, 2, date(2026, 11, 30), 0, quota.pk),
        selectors.Left(
            "Pass tiers-lieux", "cents", 8000, 8000, date(2026, 9, 1), child.pk, pass_plus.pk
        ),
    ]
    booking.book(
        booker, desks.pk, *SLOT, now=NOW, channel=Channel.PAGE, funded=booking.Funded(child.pk)
    )
    lines = selectors.left_of(booker, DAY, [child.pk])
    assert [(line.unit, line.left) for line in lines] == [("days", 2), ("cents", 7200)]
