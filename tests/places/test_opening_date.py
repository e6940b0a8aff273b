"""An open place takes bookings from its opening date, and its page says when it opens."""

from datetime import timedelta

import pytest
from django.urls import reverse

from maillage.core.dates import long_date
from maillage.places.models import Place, PlaceStatus, Space, today_in_paris

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(place):
    return Space.objects.create(place=place, name="Open space", kind="desk", capacity=4)


def test_an_open_place_opening_later_is_not_bookable_until_then(place, space):
    today = today_in_paris()
    opening = today + timedelta(days=30)
    Place.objects.filter(pk=place.pk).update(opening_date=opening)
    place.refresh_from_db()
    assert place.opens_later and not place.takes_bookings_on(today)
    assert place.takes_bookings_on(opening)
    assert not Place.objects.open(today).exists()
    assert list(Place.objects.open(opening)) == [place]
    assert not Space.objects.bookable(today).exists()
    assert list(Space.objects.bookable(opening)) == [space]


def test_the_page_of_a_place_opening_later_says_when_it_opens(client, place, space):
    opening = today_in_paris() + timedelta(days=30)
    Place.objects.filter(pk=place.pk).update(opening_date=opening)
    page = client.get(place.get_absolute_url()).content.decode()
    assert f"Ouvre le {long_date(opening)}" in page
    assert (
        f"Ce lieu ouvre le {long_date(opening)} : réservations possibles à partir de cette date."
        in page
    )
    assert "Ouvert depuis" not in page
    assert reverse("booking:space", args=[space.pk]) not in page


def test_the_page_of_an_opened_place_offers_its_spaces(client, place, space):
    assert place.status == PlaceStatus.OPEN and not place.opens_later
    page = client.get(place.get_absolute_url()).content.decode()
    assert f"Ouvert depuis le {long_date(place.opening_date)}" in page
    assert reverse("booking:space", args=[space.pk]) in page


def test_a_place_opening_later_is_upcoming_in_the_figures_and_the_observatory(place, space):
    from maillage.observatory.analysis import open_places, preparing_places
    from maillage.places.figures import network_figures

    before = network_figures("92")
    Place.objects.filter(pk=place.pk).update(opening_date=today_in_paris() + timedelta(days=30))
    after = network_figures("92")
    assert after.open_places == before.open_places - 1
    assert after.upcoming_places == before.upcoming_places + 1
    assert f"place:{place.pk}" not in {site.key for site in open_places("92")}
    # Counted, like the places in preparation, when the observatory includes them.
    assert f"place:{place.pk}" in {site.key for site in preparing_places("92")}


def test_a_place_opening_later_is_shown_as_opening_soon_not_open(client, place, space):
    opening = today_in_paris() + timedelta(days=30)
    Place.objects.filter(pk=place.pk).update(opening_date=opening)
    page = client.get(place.get_absolute_url()).content.decode()
    listing = client.get(reverse("web:place_list")).content.decode()
    for html in (page, listing):
        assert '<span class="badge status-preparing">Ouverture prochaine</span>' in html
    features = client.get(reverse("web:places_geojson")).json()["features"]
    [mine] = [f["properties"] for f in features if f["properties"]["name"] == place.name]
    assert (mine["status"], mine["status_label"]) == ("preparing", "Ouverture prochaine")
    # The directory's status filter goes by the same status as the badge.
    for status, listed in (("open", False), ("preparing", True)):
        found = client.get(reverse("web:place_list"), {"status": status}).context["page"]
        assert (place in list(found)) is listed, status
