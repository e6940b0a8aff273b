"""The booking write path's hand-written statements read what the ORM reads, on both
databases (SQLite hands instants, dates and times back differently from PostgreSQL)."""

from datetime import UTC, date, time

import pytest

from maillage.booking import services, sql
from maillage.booking.models import BookingStatus
from maillage.booking.space_rules import closures_of, hours_of, rules_of
from maillage.places.models import Closure, OpeningHours, PlaceStatus
from tests.booking.conftest import NOW, paris

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
    for space in (room, desks):
        terms = sql.space_terms(space.pk)
        assert terms.rules == rules_of(space)
        assert terms.hours == hours_of(bookable_place)
        assert terms.closures == closures_of(bookable_place)
        assert terms.closures[0].first_day == date(2026, 12, 24)
        assert terms.exclusive is space.is_exclusive
        assert terms.bookable and not terms.requires_approval
        assert (terms.price_hour_cents, terms.price_day_cents) == (
            space.price_hour_cents,
            space.price_day_cents,
        )
    assert sql.space_terms(room.pk + desks.pk + 1000) is None


def test_a_space_is_unbookable_when_it_or_its_place_says_so(bookable_place, room):
    room.is_bookable = False
    room.save()
    assert not sql.space_terms(room.pk).bookable
    room.is_bookable = True
    room.save()
    bookable_place.status = PlaceStatus.CLOSED
    bookable_place.save()
    assert not sql.space_terms(room.pk).bookable


def test_holding_bookings_are_read_with_aware_instants(booker, other_booker, room):
    kept = services.book(booker, room.pk, paris(2026, 12, 3, 9), paris(2026, 12, 3, 10), now=NOW)
    gone = services.book(
        other_booker, room.pk, paris(2026, 12, 3, 14), paris(2026, 12, 3, 15), now=NOW
    )
    services.cancel(other_booker, gone, now=NOW)
    held = sql.holding_meeting(room.pk, paris(2026, 12, 3, 0), paris(2026, 12, 4, 0))
    assert [(b.pk, b.start, b.end, b.status) for b in held] == [
        (kept.pk, kept.start, kept.end, BookingStatus.CONFIRMED)
    ]
    assert held[0].start.utcoffset() is not None
    assert held[0].start.astimezone(UTC).hour == 8  # 9:00 in Paris, winter time
    assert not held[0].is_stale(NOW)
