"""Staff change a programme's settings (days cap, quota period, late rule) while shares
taken under the former ones are held: giving a share back undoes exactly what it took, and
the ledger check rebuilds the counted days from the shares."""

from datetime import timedelta

import pytest
from django.db.models import F

from maillage.booking import services as booking
from maillage.booking.models import Booking, Channel
from maillage.programmes import ledger
from maillage.programmes.models import CapCounter, CountedDay, Envelope, Programme, ShareDay
from tests.factories import DeskFactory, VerifiedUserFactory
from tests.moments import NOW, paris
from tests.programmes.builders import employer_quota, programme, verified

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
# Tuesday 2 December 2026: 8 € a desk for two hours, the social rate paying 6 €.
MORNING = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))
AFTERNOON = (paris(2026, 12, 2, 14), paris(2026, 12, 2, 16))


def book(person, space, slot) -> Booking:
    return booking.book(person, space.pk, *slot, now=NOW, channel=Channel.PAGE)


def change(made: Programme, **fields) -> None:
    """Staff change the rule (its version raised, as the back-office does)."""
    Programme.objects.filter(pk=made.pk).update(**fields, version=F("version") + 1)


def test_a_days_cap_set_after_a_booking_keeps_the_day_counted_by_the_next(desks, booker):
    made = programme(desks.place)
    verified(booker, "rsa")
    first = book(booker, desks, MORNING)
    change(made, cap_days_per_month=1)
    second = book(booker, desks, AFTERNOON)
    assert second.person_price_cents == 200
    booking.cancel(booker, first, now=NOW, channel=Channel.PAGE)
    # The second booking still holds the day: the cap of one day a month is reached.
    assert CountedDay.objects.get(programme=made).bookings == 1
    assert CapCounter.objects.get(programme=made, kind="days").used == 1
    thursday = (MORNING[0] + 2 * DAY, MORNING[1] + 2 * DAY)
    assert book(booker, desks, thursday).person_price_cents == 800
    assert ledger.differences() == []


def test_a_quota_moved_from_weeks_to_months_frees_the_week_it_counted(bookable_place):
    desks = DeskFactory(place=bookable_place, capacity=10)
    agent = VerifiedUserFactory(email="agent@hauts-de-seine.fr")
    made = employer_quota(bookable_place, [agent], quota_days=1)
    tuesday = book(agent, desks, MORNING)
    week = CapCounter.objects.get(programme=made, kind="quota_days")
    assert (week.period_start.isoformat(), week.used) == ("2026-11-30", 1)
    change(made, quota_period="month", quota_days=2)
    # The month's counter counts the day anew: the week's holds it for the first booking.
    afternoon = book(agent, desks, AFTERNOON)
    assert afternoon.person_price_cents == 0
    month = CapCounter.objects.get(programme=made, kind="quota_days", period_start="2026-12-01")
    assert month.used == 1
    booking.cancel(agent, tuesday, now=NOW, channel=Channel.PAGE)
    assert CapCounter.objects.get(pk=week.pk).used == 0
    assert CapCounter.objects.get(pk=month.pk).used == 1
    booking.cancel(agent, afternoon, now=NOW, channel=Channel.PAGE)
    assert CapCounter.objects.get(pk=month.pk).used == 0
    assert not CountedDay.objects.exists() and not ShareDay.objects.exists()
    assert ledger.differences() == []


def test_the_late_rule_is_the_one_the_share_was_taken_under(desks, booker, manager):
    desks.place.managers.add(manager)
    made = programme(desks.place, late_rule="given_back")
    verified(booker, "rsa")
    done = book(booker, desks, MORNING)
    change(made, late_rule="place_paid")
    booking.mark_no_show(manager, done, now=MORNING[0] + timedelta(minutes=5), channel=Channel.PAGE)
    assert Envelope.objects.get(programme=made).left_cents == 100_000
    assert ledger.differences() == []


def test_the_ledger_check_rebuilds_counted_days_from_the_shares(desks, booker):
    made = programme(desks.place, cap_days_per_month=3)
    verified(booker, "rsa")
    book(booker, desks, MORNING)
    assert ledger.differences() == []
    CountedDay.objects.filter(programme=made).update(bookings=2)
    assert [d.what for d in ledger.differences()] == [
        f"cap {CapCounter.objects.get().pk} day 2026-12-02 bookings"
    ]


def test_a_series_quotes_a_day_counted_on_one_counter_as_new_on_another(bookable_place):
    """A day the quota counted before staff added a days cap is new to the cap: a series
    quoted from that day counts it on the cap, as booking it does (per counter)."""
    desks = DeskFactory(place=bookable_place, capacity=10)
    agent = VerifiedUserFactory(email="agent@hauts-de-seine.fr")
    made = employer_quota(bookable_place, [agent], quota_days=3)
    book(agent, desks, MORNING)
    change(made, cap_days_per_month=1)
    dates = [AFTERNOON, (AFTERNOON[0] + 7 * DAY, AFTERNOON[1] + 7 * DAY)]
    quotes = booking.quote_series(agent, desks.pk, dates, now=NOW)
    # The first date takes December's only day of the cap: the second pays the list price.
    assert [q.person_cents for q in quotes] == [0, 800]
    _, booked, _ = booking.book_series(
        agent, desks.pk, *AFTERNOON, 2, now=NOW, channel=Channel.PAGE
    )
    assert [b.person_price_cents for b in booked] == [q.person_cents for q in quotes]
    assert ledger.differences() == []
