"""Random sequences of bookings, cancellations, refusals, no-shows and corrections against a
rate, a credit, a quota and caps, staff changing the programmes' caps, periods and late rules
between them: every balance stays within its bounds and the ledger gives each of them back
exactly."""

import random
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import F

from maillage.booking import services as booking
from maillage.booking.models import Booking, BookingStatus, Channel
from maillage.programmes import ledger
from maillage.programmes.models import BookingShare, CapCounter, Envelope, Programme, Wallet
from tests.factories import DeskFactory, ManagerFactory
from tests.moments import NOW, paris
from tests.programmes.builders import employer_quota, programme, verified

pytestmark = pytest.mark.django_db


def edit(rng: random.Random, rate: Programme, quota: Programme) -> None:
    """Staff change one setting of the rate or the quota (the version raised, as the
    back-office does): its days cap, its late rule, the quota's days or period."""
    if rng.random() < 0.5:
        fields = rng.choice(
            [
                {"cap_days_per_month": rng.choice([None, 1, 2, 4])},
                {"late_rule": rng.choice(["place_paid", "given_back"])},
            ]
        )
        target = rate
    else:
        fields = rng.choice(
            [
                {"quota_period": rng.choice(["week", "month"]), "quota_days": rng.randint(1, 3)},
                {"cap_days_per_month": rng.choice([None, 1, 3])},
                {"late_rule": rng.choice(["place_paid", "given_back"])},
            ]
        )
        target = quota
    Programme.objects.filter(pk=target.pk).update(**fields, version=F("version") + 1)


@pytest.mark.parametrize("seed", range(8))
def test_random_operations_keep_every_balance_matching_the_ledger(bookable_place, booker, seed):
    rng = random.Random(seed)
    desks = DeskFactory(place=bookable_place, capacity=20)
    manager = ManagerFactory(email="gestion@exemple.test")
    bookable_place.managers.add(manager)
    rate = programme(
        bookable_place,
        budget_cents=rng.choice([1500, 5000, 20_000]),
        late_rule=rng.choice(["place_paid", "given_back"]),
        cap_days_per_month=rng.choice([None, 2, 4]),
    )
    programme(
        bookable_place,
        name="Pass",
        kind="credit",
        person_basis_points=None,
        credit_cents=rng.choice([500, 1500]),
        credit_period="month",
        cumulative=True,
        cap_cents=rng.choice([None, 1000]),
        cap_period="month",
    )
    quota = employer_quota(bookable_place, [booker], name="Agents", priority=rng.choice([0, 20]))
    verified(booker, "rsa")
    made: list[Booking] = []
    for _ in range(30):
        action = rng.choice(["book", "book", "book", "cancel", "no_show", "check_in", "edit"])
        day = rng.randrange(2, 20)
        hour = rng.choice([9, 11, 14])
        start = paris(2026, 12, day, hour)
        if action == "edit":
            edit(rng, rate, quota)
            continue
        try:
            if action == "book":
                made.append(
                    booking.book(
                        booker,
                        desks.pk,
                        start,
                        start + timedelta(hours=2),
                        now=NOW,
                        channel=Channel.PAGE,
                    )
                )
            elif made:
                target = Booking.objects.get(pk=rng.choice(made).pk)
                after = target.start + timedelta(minutes=5)
                if action == "cancel":
                    booking.cancel(manager, target, "Fermeture", now=NOW, channel=Channel.PAGE)
                elif action == "no_show":
                    booking.mark_no_show(manager, target, now=after, channel=Channel.PAGE)
                else:
                    booking.check_in(manager, target, now=after, channel=Channel.PAGE)
        except (booking.BookingRefused, PermissionDenied):
            continue
    assert BookingShare.objects.exists()
    assert ledger.differences() == []
    for envelope in Envelope.objects.all():
        assert 0 <= envelope.left_cents <= envelope.budget_cents
    for wallet in Wallet.objects.all():
        assert 0 <= wallet.left_cents <= wallet.granted_cents
    for counter in CapCounter.objects.all():
        assert 0 <= counter.used <= counter.limit
    holding = Booking.objects.exclude(status=BookingStatus.CANCELLED)
    assert all(b.person_price_cents <= b.price_cents for b in holding)
