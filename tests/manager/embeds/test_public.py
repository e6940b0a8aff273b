"""The embeddable widget's public page (/integration/<public id>/): framed only by the origins
configured (CSP frame-ancestors exactly those, no X-Frame-Options) while every other page
stays unframeable; the places listed with their next free slots and a link to book each in a
new tab; a fully booked place said so; closed places and places elsewhere left out; unknown
and inactive embeds answer the French 404."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from maillage.manager.embeds import services
from maillage.manager.models import EmbedScope
from tests.booking import on_page
from tests.factories import BookablePlaceFactory, SpaceFactory
from tests.fixtures.embeds import PARTNER_ORIGIN, make_embed
from tests.moments import NOW, paris
from tests.pages import text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

TODAY = NOW.date()  # Tuesday 1 December 2026, 8:00 in Paris


def at(days: int, hour: int):
    day = TODAY + timedelta(days=days)
    return paris(day.year, day.month, day.day, hour)


def public(embed) -> str:
    return reverse("manager:embed_public", args=[embed.public_id])


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(d for d in policy.split("; ") if d.startswith("frame-ancestors"))


def test_only_the_configured_origins_may_frame_it(client, territory):
    embed = make_embed(allowed_origins=f"{PARTNER_ORIGIN}\nhttp://localhost:8080")
    response = client.get(public(embed))
    assert response.status_code == 200
    assert frame_ancestors(response) == f"frame-ancestors {PARTNER_ORIGIN} http://localhost:8080"
    assert "X-Frame-Options" not in response
    # The rest of the platform's policy is kept.
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # Every other page stays unframeable.
    home = client.get(reverse("web:home"))
    assert frame_ancestors(home) == "frame-ancestors 'none'"
    assert home["X-Frame-Options"] == "DENY"


def test_the_preview_is_framed_by_the_platform_only(client, staff_user, territory):
    embed = make_embed(staff_user)
    client.force_login(staff_user)
    response = client.get(reverse("manager:embed_preview", args=[embed.pk]))
    assert response.status_code == 200
    assert frame_ancestors(response) == "frame-ancestors 'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_an_unknown_or_inactive_embed_is_not_found(client, territory, staff_user):
    embed = make_embed(staff_user)
    embed.is_active = False
    services.save_embed(staff_user, embed)
    for path in (public(embed), "/integration/inconnu/"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Page introuvable" in text(response)
        assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert client.get("/integration/a%00b/").status_code == 404


def test_the_list_gives_each_place_its_next_slots_and_a_link_to_book(client, bookable_place, room):
    response = client.get(public(make_embed()))
    page = text(response)
    assert '<html lang="fr">' in page
    assert "<h1>Tiers-lieux de Boulogne</h1>" in page
    assert f"<h2>{bookable_place.name}</h2>" in page
    place_page = reverse("web:place_detail", args=[bookable_place.slug])
    assert (
        f'<a href="{place_page}" target="_blank" rel="noopener">Voir le lieu'
        f'<span class="visually-hidden"> {bookable_place.name} (nouvel onglet)</span></a>'
    ) in page
    slots = re.findall(r'<li class="embed-slot">(.*?)</li>', page, re.S)
    assert len(slots) == 3
    first = slots[0]
    assert "Mardi 1er décembre, 08h00–09h00" in first and "Salle Seine" in first
    book = reverse("booking:space", args=[room.pk]) + "?date=2026-12-01&debut=08:00&fin=09:00"
    assert f'<a class="embed-book" href="{book}" target="_blank" rel="noopener">Réserver' in (
        first.replace("&amp;", "&")
    )
    # The link's name says which place, space and time, and that a tab opens.
    assert (
        f'Réserver<span class="visually-hidden"> Salle Seine à {bookable_place.name}, '
        "mardi 1er décembre de 08h00 à 09h00 (nouvel onglet)</span>"
    ) in first
    assert "10h00–11h00" in slots[2]


def test_a_fully_booked_place_says_so(client, bookable_place, room, booker):
    for days in range(7):
        on_page.book(booker, room.pk, at(days, 8), at(days, 16))
        on_page.book(booker, room.pk, at(days, 16), at(days, 20))
    page = text(client.get(public(make_embed())))
    assert bookable_place.name in page
    assert "Aucun créneau libre dans les 7 prochains jours." in page
    assert "embed-slot" not in page


def test_closed_places_and_places_elsewhere_are_not_listed(client, territory, bookable_place, room):
    boulogne = territory.get(insee_code="92012")
    closed = BookablePlaceFactory(commune=boulogne, name="Fermé", slug="ferme", status="closed")
    SpaceFactory(place=closed)
    later = BookablePlaceFactory(
        commune=boulogne, name="Bientôt", slug="bientot", opening_date=TODAY + timedelta(days=2)
    )
    SpaceFactory(place=later)
    nanterre = BookablePlaceFactory(
        commune=territory.get(insee_code="92050"), name="Le Hangar", slug="hangar"
    )
    SpaceFactory(place=nanterre)
    page = text(client.get(public(make_embed())))
    assert bookable_place.name in page
    assert all(name not in page for name in ("Fermé", "Bientôt", "Le Hangar"))
    # Boulogne-Billancourt is in Grand Paris Seine Ouest, Nanterre in Paris Ouest La Défense.
    by_ept = make_embed(title="GPSO", scope=EmbedScope.EPT, ept="Grand Paris Seine Ouest")
    page = text(client.get(public(by_ept)))
    assert bookable_place.name in page and "Le Hangar" not in page
    one = make_embed(title="Un lieu", scope=EmbedScope.PLACE, place=nanterre)
    page = text(client.get(public(one)))
    assert "Le Hangar" in page and bookable_place.name not in page
    gone = make_embed(title="Fermé", scope=EmbedScope.PLACE, place=closed)
    assert "Aucun tiers-lieu ne propose de réservation en ligne ici" in text(
        client.get(public(gone))
    )


def test_the_page_is_kept_a_minute_and_an_edit_shows_at_once(
    client, staff_user, bookable_place, room, booker, django_capture_on_commit_callbacks
):
    embed = make_embed(staff_user)
    assert "08h00–09h00" in text(client.get(public(embed)))
    on_page.book(booker, room.pk, at(0, 8), at(0, 9))
    # Kept: the booking shows within a minute.
    assert "08h00–09h00" in text(client.get(public(embed)))
    embed.title = "Réserver à Boulogne"
    with django_capture_on_commit_callbacks(execute=True):
        services.save_embed(staff_user, embed)
    page = text(client.get(public(embed)))
    assert "<h1>Réserver à Boulogne</h1>" in page and "08h00–09h00" not in page
