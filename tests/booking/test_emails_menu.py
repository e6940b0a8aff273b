"""The managers' menu shows how many requests await their decision, in one query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.booking.models import Booking
from maillage.web.context_processors import pending_requests
from tests.booking import on_page
from tests.factories import ManagerFactory, PlaceFactory
from tests.moments import paris

pytestmark = pytest.mark.django_db

BADGE = '<span class="visually-hidden"> demande{} à valider</span>'


def _ask(booker, space, days: int):
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    start += timedelta(days=days)
    return on_page.book(booker, space.pk, start, start + timedelta(hours=1), notify=False)


@pytest.fixture
def asked(booker, room, bookable_place):
    bookable_place.requires_approval = True
    bookable_place.save()
    return [_ask(booker, room, 2), _ask(booker, room, 3), _ask(booker, room, 4)]


def test_the_menu_counts_pending_requests(client, place_manager, asked):
    client.force_login(place_manager)
    html = client.get(reverse("booking:search")).content.decode()
    assert ">3" + BADGE.format("s") in html
    on_page.refuse(place_manager, asked[0], "Complet")
    on_page.confirm(place_manager, asked[1])
    html = client.get(reverse("booking:search")).content.decode()
    assert ">1" + BADGE.format("") in html


def test_an_overdue_request_is_not_counted(place_manager, asked):
    Booking.objects.filter(pk=asked[0].pk).update(pending_until=paris(2020, 1, 1))
    assert pending_requests(place_manager) == 2


def test_no_badge_without_requests_nor_for_others(client, place_manager, booker, asked):
    client.force_login(booker)
    html = client.get(reverse("booking:search")).content.decode()
    assert "à valider" not in html and "Réservations des lieux" not in html
    Booking.objects.update(status="cancelled")
    client.force_login(place_manager)
    html = client.get(reverse("booking:search")).content.decode()
    assert "Réservations des lieux</a>" in html and "à valider" not in html


def test_other_places_requests_are_not_counted(place_manager, asked, commune):
    other = ManagerFactory(
        email_verified=False, places=[PlaceFactory(commune=commune, slug="ailleurs")]
    )
    assert pending_requests(other) == 0
    assert pending_requests(place_manager) == 3


def test_the_count_is_one_query(place_manager, asked):
    with CaptureQueriesContext(connection) as queries:
        assert pending_requests(place_manager) == 3
    assert len(queries) == 1


def test_the_count_is_not_computed_for_visitors_and_bookers(client, booker, asked):
    client.force_login(booker)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("booking:search"))
    assert not any("booking_booking" in q["sql"] and "COUNT" in q["sql"] for q in queries)


@pytest.mark.parametrize(
    ("view", "entries"),
    [
        ("booking:search", ["Réserver"]),
        ("booking:my_bookings", ["Mes réservations"]),
        # The site's menu, and the managers' own menu of the workspace.
        ("manager:bookings", ["Réservations des lieux", "Réservations"]),
    ],
)
def test_the_menu_marks_the_section_of_the_page(client, place_manager, view, entries):
    client.force_login(place_manager)
    html = client.get(reverse(view)).content.decode()
    assert html.count('aria-current="page"') == len(entries)
    for entry in entries:
        assert f'aria-current="page">{entry}' in html
