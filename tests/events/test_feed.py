"""The agenda's iCalendar feeds, read back with the icalendar library."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from maillage.booking.models import CalendarFeed
from maillage.eligibility.models import ChildProfile
from maillage.events import services
from tests.events import make_event
from tests.moments import NOW, paris

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]


def events_of(response) -> dict[str, dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_holds_each_published_event(client, place, settings):
    settings.MAILLAGE_SITE_URL = "https://maillage.exemple.fr"
    winter = make_event(place, title="Atelier export", start=paris(2026, 12, 8, 18, 0))
    summer = make_event(place, title="Été", start=paris(2027, 7, 1, 9, 30))
    cancelled = make_event(place, title="Annulé", status="cancelled")
    make_event(place, title="Brouillon", status="draft")
    make_event(
        place,
        title="Fini depuis longtemps",
        start=NOW - timedelta(days=40),
        registration_opens_at=NOW - timedelta(days=50),
    )
    found = events_of(client.get(reverse("events:feed")))
    assert set(found) == {f"event-{e.pk}@maillage.fr" for e in (winter, summer, cancelled)}
    first = found[f"event-{winter.pk}@maillage.fr"]
    assert first.decoded("dtstart") == datetime(2026, 12, 8, 17, 0, tzinfo=UTC)
    assert first.decoded("dtend") == datetime(2026, 12, 8, 19, 0, tzinfo=UTC)
    assert str(first["summary"]) == "Atelier export"
    assert str(first["location"]) == (
        f"{place.name}, 1 place de la Mairie, {place.postal_code} Boulogne-Billancourt"
    )
    assert str(first["url"]) == f"https://maillage.exemple.fr{winter.get_absolute_url()}"
    assert str(first["status"]) == "CONFIRMED"
    assert found[f"event-{summer.pk}@maillage.fr"].decoded("dtstart") == datetime(
        2027, 7, 1, 7, 30, tzinfo=UTC
    )
    assert str(found[f"event-{cancelled.pk}@maillage.fr"]["status"]) == "CANCELLED"


def test_a_places_feed_holds_its_events_only(client, place, other_place):
    mine = make_event(place)
    make_event(other_place)
    found = events_of(client.get(reverse("events:place_feed", args=[place.slug])))
    assert list(found) == [f"event-{mine.pk}@maillage.fr"]
    assert client.get(reverse("events:place_feed", args=["inconnu"])).status_code == 404


def test_a_person_s_own_feed_carries_their_registrations(client, booker, place):
    child = ChildProfile.objects.create(
        parent=booker, first_name="Lucas", birth_year=2013, school="Collège Jean-Moulin"
    )
    mine = services.register(booker, make_event(place, title="Atelier export"), 1)
    asked = services.register(
        booker, make_event(place, title="Atelier validé", needs_approval=True), 1, child_id=child.pk
    )
    gone = services.register(booker, make_event(place, title="Atelier quitté"), 1)
    services.cancel(booker, gone)
    feed = client.get(
        reverse("booking:feed", args=[CalendarFeed.objects.create(user=booker).token])
    )
    body = feed.content.decode().replace("\r\n ", "")
    assert f"UID:registration-{mine.pk}@" in body and "SUMMARY:Atelier export" in body
    assert f"UID:registration-{asked.pk}@" in body
    assert "SUMMARY:Atelier validé — pour Lucas" in body and "STATUS:TENTATIVE" in body
    assert "Atelier quitté" not in body
