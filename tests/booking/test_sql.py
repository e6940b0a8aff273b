"""The booking write path's hand-written statements read what the ORM reads, on both
databases (SQLite hands instants, dates and times back differently from PostgreSQL)."""

from datetime import UTC, date, time, timedelta

import pytest

from maillage.booking import sql
from maillage.booking.models import BookingStatus
from maillage.booking.space_rules import RuleFields, rules_from, weekly_hours
from maillage.places.models import Closure, OpeningHours, Place, PlaceStatus, Space
from maillage.places.schedule import DateRange
from tests.booking import on_page
from tests.moments import NOW, paris

pytestmark = pytest.mark.django_db


def test_space_terms_are_the_models_rules_hours_and_closures(bookable_place, room, desks):
    OpeningHours.objects.filter(place=bookable_place, weekday=2).delete()
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(place=bookable_place, weekday=2, opens=time(8, 30), closes=time(12)),
            OpeningHours(place=bookable_place, weekday=2, opens=time(14), closes=time(19, 45)),
        ]
    )
    Closure.objects.create(
        place=bookable_place,
        start_date=date(2026, 12, 24),
        end_date=date(2027, 1, 2),
        reason="Fêtes",
    )
    room.buffer_after_minutes, room.min_notice_minutes = 15, 60
    room.save()
    stored_hours = weekly_hours(
        tuple(
            sorted(
                OpeningHours.objects.filter(place=bookable_place).values_list(
                    "weekday", "opens", "closes"
                )
            )
        )
    )
    for space in (room, desks):
        terms = sql.space_terms(space.pk)
        assert terms.rules == rules_from(RuleFields.of(Space.objects.get(pk=space.pk)))
        assert terms.hours == stored_hours
        assert terms.hours.by_weekday[2] == (
            (timedelta(hours=8, minutes=30), timedelta(hours=12)),
            (timedelta(hours=14), timedelta(hours=19, minutes=45)),
        )
        assert terms.closures == (DateRange(date(2026, 12, 24), date(2027, 1, 2)),)
        assert terms.exclusive is space.is_exclusive
        assert terms.bookable_on(NOW.date()) and not terms.requires_approval
        assert terms.opening_date == bookable_place.opening_date
        assert (terms.price_hour_cents, terms.price_day_cents) == (
            space.price_hour_cents,
            space.price_day_cents,
        )
    assert sql.space_terms(room.pk + desks.pk + 1000) is None


def test_a_space_is_unbookable_when_it_or_its_place_says_so(bookable_place, room):
    today = NOW.date()
    room.is_bookable = False
    room.save()
    assert not sql.space_terms(room.pk).bookable_on(today)
    room.is_bookable = True
    room.save()
    bookable_place.status = PlaceStatus.CLOSED
    bookable_place.save()
    assert not sql.space_terms(room.pk).bookable_on(today)


def test_an_open_place_takes_bookings_from_its_opening_date(bookable_place, room):
    today = NOW.date()
    bookable_place.opening_date = today + timedelta(days=1)
    bookable_place.save()
    terms = sql.space_terms(room.pk)
    assert terms.opening_date == today + timedelta(days=1)
    assert not terms.bookable_on(today)
    assert terms.bookable_on(today + timedelta(days=1))


# Every status with every opening date it may have (open and closed places have one).
PLACE_STATES = [
    (status, opens_in_days)
    for status in PlaceStatus.values
    for opens_in_days in (None, -1, 0, 1)
    if opens_in_days is not None or status in (PlaceStatus.PROJECT, PlaceStatus.PREPARING)
]


@pytest.mark.parametrize(("status", "opens_in_days"), PLACE_STATES)
@pytest.mark.parametrize("space_bookable", [True, False])
def test_every_reader_of_bookability_agrees(
    bookable_place, room, status, opens_in_days, space_bookable
):
    """The write path (SQL), the querysets and the model say the same, for every status and
    opening date."""
    today = NOW.date()
    opening = None if opens_in_days is None else today + timedelta(days=opens_in_days)
    Place.objects.filter(pk=bookable_place.pk).update(status=status, opening_date=opening)
    Space.objects.filter(pk=room.pk).update(is_bookable=space_bookable)
    bookable_place.refresh_from_db()
    expected = space_bookable and status == PlaceStatus.OPEN and opens_in_days in (-1, 0)
    assert sql.space_terms(room.pk).bookable_on(today) is expected
    assert Space.objects.bookable(today).filter(pk=room.pk).exists() is expected
    assert (bookable_place.takes_bookings_on(today) and space_bookable) is expected
    assert Place.objects.open(today).filter(pk=bookable_place.pk).exists() is (
        bookable_place.takes_bookings_on(today)
    )


def test_holding_bookings_are_read_with_aware_instants(booker, other_booker, room):
    kept = on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 3, 9),
        paris(2026, 12, 3, 10),
        now=NOW,
    )
    gone = on_page.book(
        other_booker,
        room.pk,
        paris(2026, 12, 3, 14),
        paris(2026, 12, 3, 15),
        now=NOW,
    )
    on_page.cancel(other_booker, gone, now=NOW)
    held = sql.holding_meeting(room.pk, paris(2026, 12, 3, 0), paris(2026, 12, 4, 0))
    assert [(b.pk, b.start, b.end, b.status) for b in held] == [
        (kept.pk, kept.start, kept.end, BookingStatus.CONFIRMED)
    ]
    assert held[0].start.utcoffset() is not None
    assert held[0].start.astimezone(UTC).hour == 8  # 9:00 in Paris, winter time
    assert not held[0].is_stale(NOW)
