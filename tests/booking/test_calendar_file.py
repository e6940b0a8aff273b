"""Bookings to a phone calendar: one booking as an .ics file, the feed's webcal:// link and
its copy button on «Mes réservations»."""

from datetime import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from maillage.booking.calendar import PARIS
from maillage.booking.models import Booking, CalendarFeed
from tests.booking import on_page
from tests.moments import NOW, paris

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]


def _book(person, space) -> Booking:
    return on_page.book(
        person, space.pk, paris(2027, 1, 12, 9), paris(2027, 1, 12, 10, 30), now=NOW
    )


def test_a_booking_downloads_as_one_event_in_paris_time(client, booker, room):
    booking = _book(booker, room)
    client.force_login(booker)
    response = client.get(reverse("booking:booking_ics", args=[booking.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="reservation-{booking.pk}.ics"'
    )
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    # The feed's UID: importing the file again, or subscribing too, is the same event.
    assert str(event["UID"]) == f"booking-{booking.pk}@maillage.fr"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert (start, end) == (paris(2027, 1, 12, 9), paris(2027, 1, 12, 10, 30))
    assert start.tzinfo.key == "Europe/Paris" and event["DTSTART"].params["TZID"] == "Europe/Paris"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    # Only the rules around the booking, not every change since 1970.
    assert b"1970" not in response.content
    place = room.place
    assert str(event["LOCATION"]) == (f"{place.address}, {place.postal_code} {place.commune.name}")
    assert str(event["SUMMARY"]) == f"{room.name} — {place.name}"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_file_is_in_paris_summer_time_in_summer(client, booker, room):
    booking = on_page.book(booker, room.pk, paris(2027, 7, 6, 9), paris(2027, 7, 6, 10), now=NOW)
    client.force_login(booker)
    content = client.get(reverse("booking:booking_ics", args=[booking.pk])).content
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2027, 7, 6, 9, tzinfo=PARIS)
    assert b"DTSTART;TZID=Europe/Paris:20270706T090000" in content


def test_only_the_bookings_person_downloads_it(client, booker, other_booker, room):
    booking = _book(booker, room)
    url = reverse("booking:booking_ics", args=[booking.pk])
    assert client.get(url).status_code == 302  # signed out: to the login page
    client.force_login(other_booker)
    response = client.get(url)
    assert response.status_code == 404 and b"BEGIN:VCALENDAR" not in response.content
    # Nor an id that does not exist: the same answer.
    assert client.get(reverse("booking:booking_ics", args=[booking.pk + 1000])).status_code == 404
    # A walk-in a manager recorded is not the manager's own booking.
    Booking.objects.filter(pk=booking.pk).update(
        walk_in_name="Jeanne Roux", walk_in_contact="06 12 34 56 78"
    )
    client.force_login(booker)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405


def test_my_bookings_offer_each_booking_to_come_as_a_file(client, booker, room):
    booking = _book(booker, room)
    client.force_login(booker)
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert f'href="{reverse("booking:booking_ics", args=[booking.pk])}"' in page
    assert "Ajouter à mon agenda" in page


def test_the_feed_is_offered_as_a_webcal_link_and_an_address_to_copy(client, booker, settings):
    client.force_login(booker)
    mine = reverse("booking:my_bookings")
    page = client.get(mine, secure=True).content.decode()
    assert "webcal://" not in page and "data-copy=" not in page and "web/copy.js" not in page
    feed = CalendarFeed.objects.create(user=booker)
    path = reverse("booking:feed", args=[feed.token])
    page = client.get(mine, secure=True).content.decode()
    assert f'href="webcal://testserver{path}">S\'abonner depuis mon téléphone</a>' in page
    assert f'<code id="feed-url" class="secret-url">https://testserver{path}</code>' in page
    assert 'data-copy="feed-url" data-copy-status="feed-url-copied" hidden>' in page
    assert '<span id="feed-url-copied" role="status"></span>' in page
    assert "web/copy.js" in page
    # Over plain http the secret token goes to no calendar app, unless in development.
    page = client.get(mine).content.decode()
    assert "webcal://" not in page and f"http://testserver{path}" in page
    settings.DEBUG = True
    assert f'href="webcal://testserver{path}"' in client.get(mine).content.decode()
