"""The département-wide search (queries.search_spaces) finds exactly the spaces free for the
people throughout the window, as a space's week (the availability core) shows them: capacity,
bookings and their buffers, shared seats, opening hours and closures."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from maillage.booking import queries
from maillage.booking.intervals import covers
from maillage.places.models import Closure, OpeningHours, Space
from tests.booking import on_page
from tests.moments import paris

pytestmark = pytest.mark.django_db


def _monday_ahead() -> date:
    """A Monday two weeks or more ahead: within every space's horizon and notice."""
    day = timezone.localdate() + timedelta(weeks=2)
    return day + timedelta(days=-day.weekday() % 7)


@pytest.fixture
def week(bookable_place, room, desks, booker, other_booker):
    """A week of the fixtures' place: the room booked 10:00–11:00 on Monday (with a quarter
    of clean-up), three of the five desks 09:00–12:00 on Monday, a small room, a Tuesday
    closure, and Wednesday open 14:00–19:00 only."""
    monday = _monday_ahead()
    room.buffer_after_minutes = 15
    room.save()
    small = Space.objects.create(
        place=bookable_place, name="Petite salle", kind="meeting_room", capacity=2
    )
    Closure.objects.create(
        place=bookable_place, start_date=monday + timedelta(1), end_date=monday + timedelta(1)
    )
    wednesday = (monday + timedelta(2)).weekday()
    OpeningHours.objects.filter(place=bookable_place, weekday=wednesday).update(opens=time(14))
    OpeningHours.objects.filter(place=bookable_place, weekday=wednesday).update(closes=time(19))

    def at(days, hour, minute=0):
        day = monday + timedelta(days)
        return paris(day.year, day.month, day.day, hour, minute)

    on_page.book(booker, room.pk, at(0, 10), at(0, 11))
    on_page.book(other_booker, desks.pk, at(0, 9), at(0, 12), seats=3)
    return at, [room, desks, small]


WINDOWS = [
    # (day from Monday, start, end, people)
    (0, (8, 0), (9, 30), 1),  # the room free until its booking's buffer
    (0, (9, 0), (10, 0), 1),  # the room's buffer; the desks have two seats
    (0, (11, 0), (12, 0), 1),  # the room's clean-up
    (0, (11, 15), (12, 0), 3),  # the room free again; three desks are too many
    (0, (12, 0), (13, 0), 3),  # desks free again
    (0, (9, 0), (12, 0), 5),  # only the room holds five
    (0, (9, 0), (12, 0), 9),  # nothing holds nine
    (1, (9, 0), (10, 0), 1),  # closed all day
    (2, (9, 0), (10, 0), 1),  # before Wednesday's hours
    (2, (13, 30), (15, 0), 1),  # across Wednesday's opening
    (2, (14, 0), (19, 0), 1),  # all Wednesday's hours
    (2, (18, 0), (20, 0), 1),  # across Wednesday's closing
]


def test_the_search_finds_what_each_space_s_week_shows_free(week):
    at, spaces = week
    for day, (h1, m1), (h2, m2), people in WINDOWS:
        start, end = at(day, h1, m1), at(day, h2, m2)
        found = {r.space_id for r in queries.search_spaces(start, end, people)}
        expected = {
            space.pk
            for space in spaces
            if covers(
                queries.space_week(space, queries.week_start(start.date())).free_for(people),
                start,
                end,
            )
        }
        assert found == expected, (day, h1, m1, h2, m2, people)
    # The table above has each kind of answer: something found, and nothing.
    assert len(queries.search_spaces(at(0, 8), at(0, 9, 30), 1)) == 3
    assert not queries.search_spaces(at(1, 9), at(1, 10), 1)


def test_the_search_lists_by_kind_and_nearest_first(week, room, desks, bookable_place):
    at, (_, _, small) = week
    found = queries.search_spaces(at(0, 12), at(0, 13), 1, kind="meeting_room")
    assert {r.space_id for r in found} == {room.pk, small.pk}
    near = queries.search_spaces(
        at(0, 12), at(0, 13), 1, near=(bookable_place.latitude, bookable_place.longitude)
    )
    assert {r.space_id for r in near} == {room.pk, desks.pk, small.pk}
    assert [r.distance_m for r in near] == sorted(r.distance_m for r in near)
    assert near[0].distance_m == pytest.approx(0, abs=1)
