"""The hot read paths run a number of queries that does not grow with the data shown.

Each page is measured with 2 items, then with 6 (places, spaces, bookings or people): an N+1
(a query per row shown) would add at least 4 queries. A first request warms what is cached
per process or per session (the ContentType cache, the session row), as in production.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.api.models import ApiToken
from tests.factories import (
    BookablePlaceFactory,
    BookingFactory,
    DeskFactory,
    RoomFactory,
    VerifiedUserFactory,
)
from tests.moments import NOW, paris

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

DAY = paris(2027, 1, 12)  # a Tuesday, in the pages' range seen from NOW
SEARCH = {"date": "2027-01-12", "debut": "09:00", "fin": "12:00", "personnes": "1"}
# Communes of the network: one place each, beyond Boulogne (the `bookable_place`).
CODES = ["92004", "92025", "92050", "92062", "92078", "92040"]


def hour(h: int, day=DAY):
    return day.replace(hour=h)


def queries_of(client, url: str, query: dict | None = None) -> int:
    """The number of queries of one GET (answered 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def assert_flat(client, django_assert_max_num_queries, url, grow, query=None, ceiling=12):
    """Measure with the data as it is (2 items), call `grow()` (to 6 items), measure again:
    no more queries than before, and never more than `ceiling`."""
    client.get(url, query)  # warm-up
    few = queries_of(client, url, query)
    assert few <= ceiling
    grow()
    with django_assert_max_num_queries(few):
        response = client.get(url, query)
    assert response.status_code == 200
    return response


def add_places(territory, codes, booker):
    """A bookable place per commune, each with a room and desks; the room booked at 8:00."""
    for code in codes:
        place = BookablePlaceFactory(commune=territory.get(insee_code=code))
        room = RoomFactory(place=place)
        DeskFactory(place=place)
        BookingFactory(space=room, user=booker, start=hour(8), end=hour(9), now=NOW)


def test_search_with_results(client, territory, other_booker, django_assert_max_num_queries):
    add_places(territory, CODES[:2], other_booker)
    response = assert_flat(
        client,
        django_assert_max_num_queries,
        reverse("booking:search"),
        lambda: add_places(territory, CODES[2:], other_booker),
        SEARCH,
    )
    assert len(response.context["results"]) == 12


def test_search_near_a_point(client, territory, other_booker, django_assert_max_num_queries):
    add_places(territory, CODES[:2], other_booker)
    boulogne = territory.get(insee_code="92012")
    query = {**SEARCH, "lat": boulogne.centroid_lat, "lon": boulogne.centroid_lon}
    assert_flat(
        client,
        django_assert_max_num_queries,
        reverse("booking:search"),
        lambda: add_places(territory, CODES[2:], other_booker),
        query,
    )


def bookings_by_people(space, hours, day=DAY):
    """One booking of `space` per hour, each by a different person."""
    return [
        BookingFactory(
            space=space,
            user=VerifiedUserFactory(),
            start=hour(h, day),
            end=hour(h + 1, day),
            now=NOW,
        )
        for h in hours
    ]


def test_week_of_a_space(client, room, django_assert_max_num_queries):
    bookings_by_people(room, [9, 10])
    url = reverse("booking:space", args=[room.pk])
    assert_flat(
        client,
        django_assert_max_num_queries,
        url,
        lambda: bookings_by_people(room, [11, 12, 13, 14], DAY + timedelta(days=1)),
        {"semaine": "2027-01-12"},
    )


def test_api_week_of_a_space(client, room, django_assert_max_num_queries):
    bookings_by_people(room, [9, 10])
    url = reverse("api:space_week", args=[room.pk])
    assert_flat(
        client,
        django_assert_max_num_queries,
        url,
        lambda: bookings_by_people(room, [11, 12, 13, 14], DAY + timedelta(days=1)),
        {"semaine": "2027-01-12"},
    )


def book_around(territory, booker, codes):
    """A booking by `booker` of a room in a new place per commune."""
    for code in codes:
        room = RoomFactory(place=BookablePlaceFactory(commune=territory.get(insee_code=code)))
        BookingFactory(space=room, user=booker, start=hour(10), end=hour(11), now=NOW)


def test_my_bookings(client, territory, booker, django_assert_max_num_queries):
    book_around(territory, booker, CODES[:2])
    client.force_login(booker)
    response = assert_flat(
        client,
        django_assert_max_num_queries,
        reverse("booking:my_bookings"),
        lambda: book_around(territory, booker, CODES[2:]),
    )
    assert response.content.decode().count("Lieu de ") >= 6


def test_api_list_of_bookings(client, territory, booker, django_assert_max_num_queries):
    book_around(territory, booker, CODES[:2])
    _, key = ApiToken.issue(booker, "Appli test")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    response = assert_flat(
        client,
        django_assert_max_num_queries,
        reverse("api:reservations"),
        lambda: book_around(territory, booker, CODES[2:]),
    )
    assert len(response.json()["results"]) == 6


@pytest.mark.parametrize("view", ["jour", "semaine"])
def test_manager_calendar(
    client, bookable_place, room, desks, place_manager, view, django_assert_max_num_queries
):
    # Requests awaiting a decision are listed too.
    bookable_place.requires_approval = True
    bookable_place.save()
    bookings_by_people(room, [9])
    bookings_by_people(desks, [9])

    def grow():
        bookings_by_people(room, [11, 13])
        bookings_by_people(desks, [11, 13])

    client.force_login(place_manager)
    response = assert_flat(
        client,
        django_assert_max_num_queries,
        reverse("manager:bookings"),
        grow,
        {"du": "2027-01-12", "vue": view, "lieu": bookable_place.slug},
        ceiling=13,  # the footer of the managers' pages names the Département's referent
    )
    assert response.content.decode().count("@exemple.test") >= 6
