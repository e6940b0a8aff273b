"""The next free slots of places (booking.next_slots, the embeddable widget's list): slots the
booking form accepts, earliest first and never overlapping, after bookings, buffers, closures
and the places' hours; which places are listed; the days after today read only for the
places that still lack slots, one day after the other."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.booking import availability as core
from maillage.booking.next_slots import next_free_slots, slot_length
from maillage.places.kinds import SpaceKind
from maillage.places.models import Closure, OpeningHours
from tests.booking import on_page
from tests.factories import BookablePlaceFactory, DeskFactory, PlaceFactory, SpaceFactory
from tests.moments import paris, tuesday_ahead

pytestmark = pytest.mark.django_db

DAY = tuesday_ahead()


def at(day: date, hour: int, minute: int = 0):
    return paris(day.year, day.month, day.day, hour, minute)


def shown(rows) -> dict[str, list[tuple[str, str, str]]]:
    """Each place's slots as (space, start, end) in Paris wall-clock time, by place name."""
    return {
        row.place.name: [
            (
                slot.space_name,
                slot.start.astimezone(core.PARIS).strftime("%a %H:%M"),
                slot.end.astimezone(core.PARIS).strftime("%H:%M"),
            )
            for slot in row.slots
        ]
        for row in rows
    }


def bookings_read(captured) -> int:
    """How many statements of `captured` read bookings (the ORM's, quoted)."""
    return sum('FROM "booking_booking"' in query["sql"] for query in captured.captured_queries)


@pytest.fixture
def ruche(bookable_place):
    """«la-ruche», open 8:00–20:00 every day (its «Salle Seine»: the `room` fixture)."""
    return bookable_place


def test_the_next_three_hours_follow_each_other_from_now(ruche, room):
    rows = next_free_slots(now=at(DAY, 8, 10))
    assert shown(rows) == {
        ruche.name: [
            ("Salle Seine", "Tue 08:30", "09:30"),
            ("Salle Seine", "Tue 09:30", "10:30"),
            ("Salle Seine", "Tue 10:30", "11:30"),
        ]
    }
    assert [row.place.slug for row in rows] == ["la-ruche"]


def test_a_booking_and_its_buffer_keep_slots_out(ruche, room, booker):
    room.buffer_after_minutes = 30
    room.save()
    on_page.book(booker, room.pk, at(DAY, 9), at(DAY, 10), now=at(DAY, 7))
    # 8:00–9:00 would leave no clean-up before 9:00; 8:00–8:30 is too short for an hour.
    assert shown(next_free_slots(now=at(DAY, 8)))[ruche.name] == [
        ("Salle Seine", "Tue 10:30", "11:30"),
        ("Salle Seine", "Tue 11:30", "12:30"),
        ("Salle Seine", "Tue 12:30", "13:30"),
    ]


def test_at_the_same_start_the_space_of_lowest_id_is_offered(ruche, room, desks):
    first = min(room, desks, key=lambda space: space.pk)
    assert shown(next_free_slots(now=at(DAY, 8)))[ruche.name] == [
        (first.name, "Tue 08:00", "09:00"),
        (first.name, "Tue 09:00", "10:00"),
        (first.name, "Tue 10:00", "11:00"),
    ]


def test_a_desk_space_is_free_while_one_seat_is(ruche, booker, other_booker):
    desks = DeskFactory(place=ruche, name="Open space", capacity=2)
    on_page.book(booker, desks.pk, at(DAY, 8), at(DAY, 10), now=at(DAY, 7))
    assert shown(next_free_slots(now=at(DAY, 8)))[ruche.name][0] == (
        "Open space",
        "Tue 08:00",
        "09:00",
    )
    on_page.book(other_booker, desks.pk, at(DAY, 8), at(DAY, 9), now=at(DAY, 7))
    assert shown(next_free_slots(now=at(DAY, 8)))[ruche.name][0] == (
        "Open space",
        "Tue 09:00",
        "10:00",
    )


def test_a_fully_booked_place_is_listed_without_slots(ruche, room, booker):
    for offset in range(7):
        day = DAY + timedelta(days=offset)
        on_page.book(booker, room.pk, at(day, 8), at(day, 16), now=at(DAY, 7))
        on_page.book(booker, room.pk, at(day, 16), at(day, 20), now=at(DAY, 7))
    rows = next_free_slots(now=at(DAY, 7))
    assert [(row.place.name, row.slots) for row in rows] == [(ruche.name, ())]
    # The eighth day is beyond the week read.
    eight = next_free_slots(now=at(DAY, 7), days=8)
    assert shown(eight)[ruche.name][0] == ("Salle Seine", "Tue 08:00", "09:00")


def test_in_the_evening_the_slots_are_the_next_days(ruche, room):
    assert shown(next_free_slots(now=at(DAY, 19, 1)))[ruche.name] == [
        ("Salle Seine", "Wed 08:00", "09:00"),
        ("Salle Seine", "Wed 09:00", "10:00"),
        ("Salle Seine", "Wed 10:00", "11:00"),
    ]


def test_a_closure_and_the_weekly_hours_move_the_slots(ruche, room):
    Closure.objects.create(place=ruche, start_date=DAY, end_date=DAY + timedelta(days=1))
    thursday = (DAY + timedelta(days=2)).weekday()
    OpeningHours.objects.filter(place=ruche, weekday=thursday).update(opens=time(14))
    assert shown(next_free_slots(now=at(DAY, 8)))[ruche.name] == [
        ("Salle Seine", "Thu 14:00", "15:00"),
        ("Salle Seine", "Thu 15:00", "16:00"),
        ("Salle Seine", "Thu 16:00", "17:00"),
    ]


def test_a_slot_never_reaches_midnight(territory):
    place = BookablePlaceFactory(
        commune=territory.get(insee_code="92050"), hours=(time(0), time(0))
    )
    SpaceFactory(place=place, name="Salle de nuit")
    # 23:00–24:00 would end at midnight: the form reads an end after the start, that day.
    assert shown(next_free_slots(now=at(DAY, 23)))[place.name] == [
        ("Salle de nuit", "Wed 00:00", "01:00"),
        ("Salle de nuit", "Wed 01:00", "02:00"),
        ("Salle de nuit", "Wed 02:00", "03:00"),
    ]


def test_a_space_booked_by_the_half_day_offers_half_days(ruche):
    SpaceFactory(place=ruche, name="Atelier", min_duration_minutes=240, slot_minutes=60)
    assert shown(next_free_slots(now=at(DAY, 8)))[ruche.name] == [
        ("Atelier", "Tue 08:00", "12:00"),
        ("Atelier", "Tue 12:00", "16:00"),
        ("Atelier", "Tue 16:00", "20:00"),
    ]


@pytest.mark.parametrize(
    ("step", "minimum", "length"),
    [(30, 30, 60), (15, 0, 60), (60, 240, 240), (30, 75, 90), (60, 90, 120)],
)
def test_the_length_offered_is_an_hour_or_the_shortest_booking_on_the_step(step, minimum, length):
    rules = core.SpaceRules(
        SpaceKind.MEETING_ROOM,
        8,
        granularity=timedelta(minutes=step),
        min_duration=timedelta(minutes=minimum),
    )
    assert slot_length(rules) == timedelta(minutes=length)


def test_only_open_places_of_the_scope_are_listed(ruche, room, territory):
    nanterre = territory.get(insee_code="92050")
    elsewhere = BookablePlaceFactory(commune=nanterre, name="Le Hangar", slug="le-hangar")
    SpaceFactory(place=elsewhere, name="Salle Loire")
    closed = BookablePlaceFactory(commune=nanterre, name="Fermé", slug="ferme", status="closed")
    SpaceFactory(place=closed)
    preparing = BookablePlaceFactory(
        commune=nanterre, name="Bientôt", slug="bientot", status="preparing", opening_date=None
    )
    SpaceFactory(place=preparing)
    # Without a bookable space, a place takes no booking online: not listed.
    PlaceFactory(commune=nanterre, name="Sans espace", slug="sans-espace")
    now = at(DAY, 8)
    assert [row.place.name for row in next_free_slots(now=now)] == ["Le Hangar", ruche.name]
    assert [row.place.name for row in next_free_slots(communes={"92050"}, now=now)] == ["Le Hangar"]
    assert [row.place.name for row in next_free_slots(place_id=ruche.pk, now=now)] == [ruche.name]
    assert next_free_slots(place_id=closed.pk, now=now) == []
    assert next_free_slots(communes=set(), now=now) == []


def test_each_following_day_is_read_only_for_places_lacking_slots(ruche, room, territory):
    late = BookablePlaceFactory(
        commune=territory.get(insee_code="92050"), slug="tardif", hours=(time(8), time(12))
    )
    SpaceFactory(place=late, name="Salle du matin")
    with CaptureQueriesContext(connection) as morning:
        next_free_slots(now=at(DAY, 8))
    with CaptureQueriesContext(connection) as later:
        rows = next_free_slots(now=at(DAY, 10))
    # The bookings read once, then again for the place whose morning is over.
    assert bookings_read(morning) == 1 and bookings_read(later) == 2
    assert shown(rows)[late.name][0] == ("Salle du matin", "Tue 10:00", "11:00")
    assert shown(rows)[late.name][2] == ("Salle du matin", "Wed 08:00", "09:00")
