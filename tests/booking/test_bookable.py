"""«Is this space bookable» has one answer, whoever asks: the booking write path (SQL), the
querysets, the search, the space's page and the API's week, slots and booking endpoints, for
each reason a space may take no booking today."""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.api.models import ApiToken
from maillage.booking import queries, services, sql
from maillage.booking.availability import ViolationCode
from maillage.booking.models import Booking
from maillage.places.models import Place, PlaceStatus, Space
from tests.booking import on_page
from tests.moments import paris
from tests.pages import book_on_page

pytestmark = pytest.mark.django_db

# (space marked bookable, place status, opening date in days from today or None)
REASONS = {
    "bookable": (True, PlaceStatus.OPEN, -10),
    "opened today": (True, PlaceStatus.OPEN, 0),
    "space marked not bookable": (False, PlaceStatus.OPEN, -10),
    "place in project": (True, PlaceStatus.PROJECT, None),
    "place in preparation": (True, PlaceStatus.PREPARING, None),
    "place opening later": (True, PlaceStatus.OPEN, 30),
    "place closed": (True, PlaceStatus.CLOSED, -400),
}
BOOKABLE = {"bookable", "opened today"}


def _day_ahead() -> date:
    """A Tuesday two weeks or more ahead: bookable by every rule of the fixtures' room."""
    day = timezone.localdate() + timedelta(weeks=2)
    return day + timedelta(days=(1 - day.weekday()) % 7)


@pytest.mark.parametrize("reason", list(REASONS))
def test_every_path_agrees_on_whether_a_space_is_bookable(
    client, bookable_place, room, booker, reason
):
    space_bookable, status, opens_in_days = REASONS[reason]
    today = timezone.localdate()
    opening = None if opens_in_days is None else today + timedelta(days=opens_in_days)
    Place.objects.filter(pk=bookable_place.pk).update(status=status, opening_date=opening)
    Space.objects.filter(pk=room.pk).update(is_bookable=space_bookable)
    expected = reason in BOOKABLE
    found = 200 if expected else 404
    day = _day_ahead()
    start, end = paris(day.year, day.month, day.day, 9), paris(day.year, day.month, day.day, 10)

    # The rule, in SQL and in the write path's terms.
    assert Space.objects.bookable(today).filter(pk=room.pk).exists() is expected
    assert sql.space_terms(room.pk).bookable_on(today) is expected
    # The search.
    found_by_search = [r.space_id for r in queries.search_spaces(start, end, 1)]
    assert (room.pk in found_by_search) is expected
    # The API's public reads: an unbookable space is as unknown as a missing one.
    week = client.get(reverse("api:space_week", args=[room.pk]))
    slots = client.get(
        reverse("api:space_slots", args=[room.pk]), {"date": day.isoformat(), "minutes": "60"}
    )
    assert (week.status_code, slots.status_code) == (found, found)
    # The place's page links to the space's calendar (when it shows at all).
    place_page = client.get(bookable_place.get_absolute_url())
    if place_page.status_code == 200:
        calendar = reverse("booking:space", args=[room.pk])
        assert (f'href="{calendar}"' in place_page.content.decode()) is expected
    # The space's page, and booking from it.
    assert client.get(reverse("booking:space", args=[room.pk])).status_code == found
    client.force_login(booker)
    posted = book_on_page(
        client,
        room.pk,
        {"date": day.isoformat(), "debut": "09:00", "fin": "10:00", "postes": "1", "semaines": "1"},
    )
    assert (posted.status_code != 404) is expected
    assert Booking.objects.filter(space=room).exists() is expected
    for made in Booking.objects.filter(space=room):  # frees the slot for the API's attempt
        on_page.cancel(booker, made)
    # The API's booking, refused with the reason's code (or made).
    _, key = ApiToken.issue(booker, "Appli test")
    answer = client.post(
        reverse("api:reservations"),
        json.dumps({"space": room.pk, "start": start.isoformat(), "end": end.isoformat()}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    if expected:
        assert answer.status_code == 201
    else:
        assert answer.status_code == 400
        later = reason == "place opening later"
        code = ViolationCode.NOT_OPEN_YET if later else ViolationCode.NOT_BOOKABLE
        assert answer.json()["codes"] == [code]
        with pytest.raises(services.BookingRefused) as refused:
            services.free_slots(room.pk, day, timedelta(hours=1))
        assert refused.value.codes == [code]
