"""The managers' home: what needs them across their places."""

import pytest
from django.urls import reverse

from tests.booking import on_page
from tests.factories import ManagerFactory
from tests.moments import NOW, paris
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

HOME = reverse("manager:home")


def book(person, space, day: int, hour: int):
    """`person` books `space` on `day` December 2026 from `hour` for an hour (Paris), at NOW."""
    return on_page.book(
        person, space.pk, paris(2026, 12, day, hour), paris(2026, 12, day, hour + 1), now=NOW
    )


def section(page: str, heading_id: str) -> str:
    """The HTML of the home's section headed by `heading_id`."""
    return page.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_the_home_gathers_what_needs_the_manager(
    client, booker, other_booker, place_manager, room, desks, bookable_place
):
    today = book(booker, desks, 1, 14)  # confirmed: the place decides nothing yet
    coming = book(booker, desks, 4, 9)
    gone = book(other_booker, desks, 3, 9)
    on_page.cancel(other_booker, gone, now=NOW)
    bookable_place.requires_approval = True
    bookable_place.save()
    soon = book(booker, room, 1, 10)  # its deadline: its start, within 24 hours
    later = book(other_booker, room, 6, 10)  # 48 hours to decide
    client.force_login(place_manager)
    page = text(client.get(HOME))

    def listed(heading_id: str) -> list[int]:
        part = section(page, heading_id)
        shown = [b for b in (today, coming, gone, soon, later) if f"#reservation-{b.pk}" in part]
        return [b.pk for b in sorted(shown, key=lambda b: part.index(f"#reservation-{b.pk}"))]

    demands = section(page, "demandes")
    assert demands.index(f"#reservation-{soon.pk}") < demands.index("Autres demandes")
    assert demands.index("Autres demandes") < demands.index(f"#reservation-{later.pk}")
    assert "à valider avant le 1er décembre 2026 à 10h00" in demands
    assert "à valider avant le 3 décembre 2026 à 08h00" in demands
    assert listed("aujourdhui") == [soon.pk, today.pk]
    assert listed("semaine") == [coming.pk, later.pk]
    assert listed("annulations") == [gone.pk]
    assert "par la personne" in section(page, "annulations")
    # Each booking named by its place and space: a manager may run several places.
    assert f"— {bookable_place.name} — {room.name}, " in demands
    profile = section(page, "fiches")
    assert (
        f"<strong>{bookable_place.name}</strong> : à compléter — photos, SIRET, accessibilité."
        in profile
    )


def test_another_managers_home_shows_none_of_it(client, booker, room, other_place):
    booking = book(booker, room, 2, 9)
    stranger = ManagerFactory(email="ailleurs@lieu.test", places=[other_place])
    client.force_login(stranger)
    page = text(client.get(HOME))
    assert f"#reservation-{booking.pk}" not in page and booker.email not in page
    assert "Aucune réservation aujourd'hui." in page


def test_the_menu_marks_the_home(client, place_manager):
    client.force_login(place_manager)
    page = text(client.get(HOME))
    assert '<a href="/gestion/" aria-current="page">Accueil</a>' in page


def test_the_home_is_named_as_the_menu_names_it(client, place_manager):
    client.force_login(place_manager)
    page = text(client.get(HOME))
    assert ">Espace gestion</a>" in page  # the site's menu
    assert "<h1>Espace gestion</h1>" in page and "<title>Espace gestion" in page
    assert "Espace gestionnaire" not in page


def test_the_home_and_the_events_list_count_what_awaits_approval(
    client, place_manager, bookable_place, people, django_assert_max_num_queries
):
    from maillage.events import services as events
    from tests.events import make_event

    asking = make_event(bookable_place, title="Atelier validé", needs_approval=True, capacity=5)
    make_event(bookable_place, title="Atelier sans demande", needs_approval=True)
    for person in people[:2]:
        events.register(person, asking, 1)
    client.force_login(place_manager)
    part = section(text(client.get(HOME)), "ateliers-a-valider")
    assert "Atelier validé</a>" in part and "<strong>2 à valider</strong>" in part
    assert "Atelier sans demande" not in part
    listing = text(client.get(reverse("manager:events")))
    assert listing.count("à valider</strong>") == 1
    assert "<strong>2 à valider</strong>" in listing
    # One query counts them, whatever the number of events.
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("manager:events"))
    for n in range(3):
        events.register(people[2 + n], make_event(bookable_place, needs_approval=True), 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("manager:events"))
