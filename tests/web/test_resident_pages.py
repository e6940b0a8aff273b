"""A resident's pages: a place's next free slots, each space's own, linking to its booking
form filled in with the slot; its services as links to the directory; its route and access
text; the directory's «Filtres (n)» button counting the filters asked; the free-space
search's map centred on the person's position («près de moi»)."""

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse
from django.utils.timezone import localtime

from maillage.booking.next_slots import space_free_slots
from maillage.places.models import Service
from tests.booking import on_page
from tests.factories import PlaceFactory, RoomFactory
from tests.moments import paris, tuesday_ahead

pytestmark = pytest.mark.django_db

DAY = tuesday_ahead()


def at(day: date, hour: int, minute: int = 0):
    return paris(day.year, day.month, day.day, hour, minute)


def slot_links(html: str) -> list[tuple[str, dict[str, str]]]:
    """The free slots' links of a place's page: (space booked, query of the link)."""
    return [
        (
            space,
            {key: values[0] for key, values in parse_qs(urlsplit(unescape(href)).query).items()},
        )
        for href, space in re.findall(
            r'<li><a href="([^"]+)"><time[^>]*>[^<]*</time>'
            r'<span class="visually-hidden"> : réserver ([^<]+)</span>',
            html,
        )
    ]


def test_each_space_has_its_own_next_slots(bookable_place, room, desks, booker):
    on_page.book(booker, room.pk, at(DAY, 8), at(DAY, 10), now=at(DAY, 7))
    slots = space_free_slots(bookable_place.pk, count=2, now=at(DAY, 8))
    hours = {
        space: [(localtime(slot.start).hour, localtime(slot.end).hour) for slot in found]
        for space, found in slots.items()
    }
    # Unlike the widget's list of the place, a space's slots are not kept out by another's.
    assert hours == {room.pk: [(10, 11), (11, 12)], desks.pk: [(8, 9), (9, 10)]}
    assert space_free_slots(bookable_place.pk + 1000, now=at(DAY, 8)) == {}


def test_a_place_page_links_each_slot_to_its_booking_form(client, bookable_place, room, desks):
    with time_machine.travel(at(DAY, 8, 10), tick=False):
        html = client.get(reverse("web:place_detail", args=["la-ruche"])).content.decode()
    assert "Prochains créneaux libres" in html
    links = slot_links(html)
    assert links[:3] == [
        ("Open space", {"date": DAY.isoformat(), "debut": "08:30", "fin": "09:30"}),
        ("Open space", {"date": DAY.isoformat(), "debut": "09:30", "fin": "10:30"}),
        ("Open space", {"date": DAY.isoformat(), "debut": "10:30", "fin": "11:30"}),
    ]
    assert [space for space, _ in links[3:]] == ["Salle Seine"] * 3
    assert f'href="{reverse("booking:space", args=[room.pk])}?date=' in html


def test_a_place_without_online_booking_shows_no_slots(client, place):
    RoomFactory(place=place, name="Salle", is_bookable=False)
    html = client.get(reverse("web:place_detail", args=[place.slug])).content.decode()
    assert "Prochains créneaux libres" not in html


def test_a_place_page_links_its_services_and_shows_the_way(client, commune):
    place = PlaceFactory(commune=commune, access_text="Bus 123, arrêt Mairie.")
    place.services.add(Service.objects.get(slug="fablab"))
    html = client.get(reverse("web:place_detail", args=[place.slug])).content.decode()
    assert '<a href="/lieux/?service=fablab">Fablab</a>' in html
    assert "Accès et transports" in html and "Bus 123, arrêt Mairie." in html
    assert f'href="{place.directions_url}"' in html
    bare = PlaceFactory(commune=commune, slug="sans-acces")
    html = client.get(reverse("web:place_detail", args=[bare.slug])).content.decode()
    assert "Itinéraire vers le lieu" in html and "Accès et transports" not in html


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ({}, "Filtres</button>"),
        ({"service": "fablab"}, "Filtres (1 actif)</button>"),
        ({"service": "fablab", "thd": "on", "q": " ", "page": "1"}, "Filtres (2 actifs)</button>"),
        ({"accessibility": ["step_free_access", "accessible_toilets"]}, "Filtres (1 actif)"),
    ],
)
def test_the_directory_button_counts_the_filters_asked(client, territory, query, label):
    html = client.get(reverse("web:place_list"), query).content.decode()
    assert label in html
    assert "data-foldable" in html


def test_filters_to_correct_stay_unfolded(client, territory):
    html = client.get(reverse("web:place_list"), {"localite": "75001"}).content.decode()
    assert "data-foldable" not in html


def test_the_free_space_search_near_the_person_centres_its_map_there(client, bookable_place, room):
    query = {"date": DAY.isoformat(), "debut": "09:00", "fin": "12:00", "personnes": 1}
    with time_machine.travel(at(DAY, 7), tick=False):
        near = client.get(reverse("booking:search"), {**query, "lat": "48.8352", "lon": "2.241"})
        anywhere = client.get(reverse("booking:search"), query)
    assert 'data-centre-lat="48.83520" data-centre-lon="2.24100"' in near.content.decode()
    assert "data-centre-lat" not in anywhere.content.decode()
