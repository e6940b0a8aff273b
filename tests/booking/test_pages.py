import re
from datetime import UTC, date
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.booking.models import Booking, BookingStatus, CalendarFeed
from maillage.booking.presentation import distance_label
from tests.booking import on_page
from tests.factories import PlaceFactory, UserFactory
from tests.moments import NOW, paris
from tests.pages import book_on_page, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]


IN_SEARCH_RANGE = "Date : choisissez une date entre le 1er décembre 2026 et le 1er décembre 2028."
SEARCH = {"date": "2027-01-12", "debut": "09:00", "fin": "12:00", "personnes": "2"}


def book_on_search_day(person, space, start_hour: int, end_hour: int):
    """`person` books `space` on the searched Tuesday, 12 January 2027, from `start_hour` to
    `end_hour` (Paris), as the pages do at NOW."""
    return on_page.book(
        person, space.pk, paris(2027, 1, 12, start_hour), paris(2027, 1, 12, end_hour), now=NOW
    )


def test_search_finds_free_spaces(client, room, desks, other_booker):
    book_on_search_day(other_booker, room, 10, 11)
    response = client.get(reverse("booking:search"), SEARCH)
    assert response.status_code == 200
    assert [r.space_id for r in response.context["results"]] == [desks.pk]
    assert response.context["results"][0].price_cents == 2 * 3 * 400
    features = response.context["places_geojson"]["features"]
    assert [f["properties"]["url"].split("?")[0] for f in features] == [
        reverse("booking:space", args=[desks.pk])
    ]
    assert 'id="map-places" type="application/json"' in response.content.decode()


def test_search_near_a_point_sorts_by_distance(client, room, desks, territory):
    from maillage.places.models import OpeningHours, Space

    far = PlaceFactory(commune=territory.get(insee_code="92050"), slug="loin")
    OpeningHours.objects.create(place=far, weekday=1, opens="08:00", closes="20:00")
    far_room = Space.objects.create(
        place=far, name="Loin", kind="meeting_room", capacity=4, max_advance_days=None
    )
    boulogne = room.place
    query = {**SEARCH, "type": "meeting_room", "lat": boulogne.latitude, "lon": boulogne.longitude}
    results = client.get(reverse("booking:search"), query).context["results"]
    assert [r.space_id for r in results] == [room.pk, far_room.pk]
    assert results[0].distance_m < results[1].distance_m


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({**SEARCH, "fin": "08:00"}, "L'heure de fin doit être après l'heure de début."),
        ({**SEARCH, "personnes": "0"}, "supérieure ou égale à 1"),
        ({**SEARCH, "date": "demain"}, "Date : date AAAA-MM-JJ attendue (par exemple 2026-12-02)."),
        ({**SEARCH, "lat": "48.8"}, "Position incomplète"),
        ({**SEARCH, "date": "2026-11-30"}, IN_SEARCH_RANGE),
        ({**SEARCH, "date": "2028-12-02"}, IN_SEARCH_RANGE),
        ({**SEARCH, "date": "9999-12-31"}, IN_SEARCH_RANGE),
        ({**SEARCH, "date": "0001-01-01"}, IN_SEARCH_RANGE),
    ],
)
def test_bad_search_is_explained(client, room, query, message):
    response = client.get(reverse("booking:search"), query)
    assert response.context["results"] is None
    assert message in text(response)


def test_space_page_shows_the_week(client, room, other_booker):
    book_on_search_day(other_booker, room, 10, 11)
    html = client.get(
        reverse("booking:space", args=[room.pk]), {"semaine": "2027-01-12"}
    ).content.decode()
    assert "Mardi 12 janvier" in html
    assert "08h00–10h00, 11h00–20h00" in html


def test_booking_needs_login(client, room):
    url = reverse("booking:book", args=[room.pk])
    response = client.post(
        url, {"date": "2027-01-12", "debut": "09:00", "fin": "10:00", "semaines": "1"}
    )
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not Booking.objects.exists()


def test_book_from_the_page(client, booker, room):
    from maillage.core.outbox import deliver_due

    client.force_login(booker)
    data = {"date": "2027-01-12", "debut": "09:00", "fin": "10:00", "semaines": "1"}
    recap = client.post(reverse("booking:book", args=[room.pk]), data)
    assert recap.status_code == 200 and not Booking.objects.exists()
    assert "Vérifiez le récapitulatif" in text(recap)
    response = book_on_page(client, room.pk, data)
    deliver_due()
    assert response.status_code == 302 and response["Location"] == reverse("booking:my_bookings")
    assert Booking.objects.get().status == BookingStatus.CONFIRMED
    assert len(mail.outbox) == 1
    page = client.get(reverse("booking:my_bookings")).content.decode()
    assert "Salle Seine" in page and "Confirmée" in page


def test_people_default_to_one(client, room):
    query = {k: v for k, v in SEARCH.items() if k != "personnes"}
    assert client.get(reverse("booking:search"), query).context["results"] is not None


def test_day_rules_are_shown_under_the_date(client, booker, room):
    client.force_login(booker)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("booking:book", args=[room.pk]),
        {"date": today, "debut": "00:00", "fin": "00:01", "semaines": "1"},
    )
    assert "La réservation doit commencer dans le futur." in " ".join(
        response.context["form"].errors["date"]
    )


def test_a_refused_booking_names_the_rule(client, booker, room):
    client.force_login(booker)
    response = client.post(
        reverse("booking:book", args=[room.pk]),
        {"date": "2027-01-12", "debut": "19:00", "fin": "21:00", "semaines": "1"},
    )
    assert response.status_code == 400
    assert "horaires d'ouverture" in text(response)
    assert not Booking.objects.exists()


def test_a_series_is_previewed_then_booked(client, booker, other_booker, room):
    on_page.book(
        other_booker,
        room.pk,
        paris(2027, 1, 19, 9),
        paris(2027, 1, 19, 10),
        now=NOW,
    )
    client.force_login(booker)
    url = reverse("booking:book", args=[room.pk])
    data = {"date": "2027-01-12", "debut": "09:00", "fin": "10:00", "semaines": "3"}
    preview = client.post(url, data)
    assert "2 dates libres sur 3." in preview.content.decode()
    assert not Booking.objects.filter(user=booker).exists()
    token = preview.context["plan_token"]
    changed = client.post(url, {**data, "semaines": "8", "confirmer_serie": "1", "apercu": token})
    assert "La série a changé depuis l'aperçu" in text(changed)  # previewed again, not booked
    assert not Booking.objects.filter(user=booker).exists()
    response = client.post(url, {**data, "confirmer_serie": "1", "apercu": token})
    assert response.status_code == 302
    assert Booking.objects.filter(user=booker).count() == 2


def test_a_series_awaiting_approval_says_so(client, booker, room, bookable_place):
    bookable_place.requires_approval = True
    bookable_place.save()
    client.force_login(booker)
    url = reverse("booking:book", args=[room.pk])
    data = {"date": "2027-01-05", "debut": "09:00", "fin": "10:00", "semaines": "2"}
    preview = client.post(url, data)
    assert "Mardi 5 janvier 2027 : libre" in text(preview)
    token = preview.context["plan_token"]
    done = client.post(url, {**data, "confirmer_serie": "1", "apercu": token}, follow=True)
    assert "2 demandes enregistrées, à valider par le lieu." in text(done)


def test_cancel_from_my_bookings(client, booker, other_booker, room):
    booking = book_on_search_day(booker, room, 9, 10)
    client.force_login(other_booker)
    assert client.post(reverse("booking:cancel", args=[booking.pk])).status_code == 404
    client.force_login(booker)
    confirm = client.get(reverse("booking:cancel", args=[booking.pk]))
    assert "Confirmer l'annulation" in text(confirm)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # asking is not cancelling
    done = client.post(reverse("booking:cancel", args=[booking.pk]), follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert f"Réservation « {room.place.name} — {room.name} » annulée." in text(done)


def test_calendar_feeds(client, booker, place_manager, room, resident):
    booking = book_on_search_day(booker, room, 9, 10)
    client.force_login(booker)
    client.post(reverse("booking:renew_feed"))
    token = CalendarFeed.objects.get(user=booker).token
    client.logout()
    feed = client.get(reverse("booking:feed", args=[token]))
    assert feed["Content-Type"] == "text/calendar"
    assert f"booking-{booking.pk}@" in feed.content.decode()
    assert client.get(reverse("booking:feed", args=["faux"])).status_code == 404
    manager_feed = CalendarFeed.objects.create(user=place_manager)
    place_url = reverse("booking:place_feed", args=[manager_feed.token, room.place.slug])
    assert f"booking-{booking.pk}@" in client.get(place_url).content.decode()
    stranger = CalendarFeed.objects.create(user=resident)
    assert (
        client.get(
            reverse("booking:place_feed", args=[stranger.token, room.place.slug])
        ).status_code
        == 403
    )


def test_an_unverified_person_is_told_to_verify(client, room):
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        reverse("booking:book", args=[room.pk]),
        {"date": "2027-01-12", "debut": "09:00", "fin": "10:00", "semaines": "1"},
    )
    assert response["Location"] == reverse("accounts:account")
    assert not Booking.objects.exists()


@pytest.mark.parametrize("query", ["2026-02-30", "0001-01-01", "n'importe quoi"])
def test_impossible_dates_in_the_url_fall_back_to_this_week(client, room, query):
    assert (
        client.get(reverse("booking:space", args=[room.pk]), {"semaine": query}).status_code == 200
    )


def test_cancelling_a_series_sends_one_email(client, booker, room):
    from django.core import mail

    from maillage.core.outbox import deliver_due

    series, booked, _ = on_page.book_series(
        booker,
        room.pk,
        paris(2027, 1, 12, 9),
        paris(2027, 1, 12, 10),
        3,
        now=NOW,
    )
    deliver_due()
    mail.outbox.clear()
    client.force_login(booker)
    assert "Les 3 réservations à venir" in text(
        client.get(reverse("booking:cancel_series", args=[series.pk]))
    )
    done = client.post(reverse("booking:cancel_series", args=[series.pk]), follow=True)
    assert f"Série « {room.place.name} — {room.name} » annulée : 3 réservations." in text(done)
    deliver_due()
    assert Booking.objects.filter(series=series, status="cancelled").count() == 3
    assert len(mail.outbox) == 1


def test_many_results_are_paginated(client, bookable_place):
    from maillage.places.models import Space

    Space.objects.bulk_create(
        Space(place=bookable_place, name=f"Bureau {n}", kind="private_office", capacity=2)
        for n in range(25)
    )
    first = client.get(reverse("booking:search"), SEARCH)
    assert len(first.context["results"]) == 25 and len(first.context["page"]) == 20
    assert "Page 1 sur 2" in text(first)
    second = client.get(reverse("booking:search"), {**SEARCH, "page": "2"})
    assert len(second.context["page"]) == 5


def at(moment):
    """Pages see `moment` as the present (log in under it: sessions expire by that clock)."""
    return mock.patch("django.utils.timezone.now", return_value=moment.astimezone(UTC))


def page_at(client, user, moment, url, query=None) -> str:
    with at(moment):
        client.force_login(user)
        response = client.get(url, query)
    assert response.status_code == 200
    return text(response)


def week_row(days, day):
    return next(d for d in days if d["date"] == day)


def test_the_week_shows_time_gone_as_past(client, room, desks):
    tuesday = paris(2026, 12, 1, 10, 10)
    with at(tuesday):
        response = client.get(reverse("booking:space", args=[room.pk]))
        desks_page = client.get(reverse("booking:space", args=[desks.pk]))
    days = response.context["days"]
    monday = week_row(days, date(2026, 11, 30))
    assert monday["past"] and not monday["free"]
    today = week_row(days, date(2026, 12, 1))
    assert not today["past"]
    assert [(s.strftime("%H:%M"), e.strftime("%H:%M")) for s, e in today["free"]] == [
        ("10:30", "20:00")  # the next half hour on, as bookings start
    ]
    page = text(response)
    assert "Lundi 30 novembre 2026</th>\n          <td>Passé</td>" in page
    assert "10h30–20h00" in page and "08h00–20h00" in page  # today, then Wednesday on
    assert "10h30–20h00 : 5" in text(desks_page)
    with at(paris(2026, 12, 1, 20, 30)):
        evening = client.get(reverse("booking:space", args=[room.pk])).context["days"]
    assert week_row(evening, date(2026, 12, 1))["past"]


def test_cancel_is_offered_only_while_the_place_accepts_it(client, booker, room, bookable_place):
    first, second = on_page.book_series(
        booker,
        room.pk,
        paris(2026, 12, 2, 9),
        paris(2026, 12, 2, 10),
        2,
        now=NOW,
    )[1]
    mine = reverse("booking:my_bookings")
    page = page_at(client, booker, paris(2026, 12, 1, 12), mine)  # 21 h before, 24 h notice
    assert reverse("booking:cancel", args=[first.pk]) not in page
    assert "accepte les annulations jusqu'à 24 h avant le début : contactez le lieu." in page
    assert reverse("booking:cancel", args=[second.pk]) in page
    # The series would be refused as a whole: its first date is too close.
    assert reverse("booking:cancel_series", args=[first.series_id]) not in page
    page = page_at(client, booker, paris(2026, 11, 30, 12), mine)
    assert reverse("booking:cancel", args=[first.pk]) in page
    assert reverse("booking:cancel_series", args=[first.series_id]) in page


def test_a_pending_request_can_be_withdrawn_until_it_starts(client, booker, room, bookable_place):
    bookable_place.requires_approval = True
    bookable_place.save()
    pending = on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 1, 18),
        paris(2026, 12, 1, 19),
        now=NOW,
    )
    page = page_at(client, booker, paris(2026, 12, 1, 12), reverse("booking:my_bookings"))
    assert reverse("booking:cancel", args=[pending.pk]) in page


def test_cancelled_bookings_are_no_longer_upcoming(client, booker, room):
    kept = book_on_search_day(booker, room, 9, 10)
    dropped = on_page.book(
        booker,
        room.pk,
        paris(2027, 1, 13, 9),
        paris(2027, 1, 13, 10),
        now=NOW,
    )
    on_page.cancel(booker, dropped, now=NOW)
    client.force_login(booker)
    response = client.get(reverse("booking:my_bookings"))
    assert [b.pk for b in response.context["upcoming"]] == [kept.pk]
    assert [b.pk for b in response.context["past"]] == [dropped.pk]
    assert "Passées ou annulées" in text(response)
    assert reverse("booking:cancel", args=[dropped.pk]) not in text(response)


def test_screen_reader_names_elide_before_a_vowel(client, room, desks, bookable_place):
    desks.name = "Espace partagé"
    desks.save()
    page = text(client.get(bookable_place.get_absolute_url()))
    assert 'Disponibilités<span class="visually-hidden"> d\'Espace partagé</span>' in page
    assert 'Disponibilités<span class="visually-hidden"> de Salle Seine</span>' in page


@pytest.mark.parametrize(
    ("metres", "label"),
    [(849.6, "850\u00a0m"), (999.7, "1\u00a0km"), (1242, "1,2\u00a0km"), (12_030, "12\u00a0km")],
)
def test_distances_read_in_metres_then_kilometres(metres, label):
    assert distance_label(metres) == label


def test_the_search_map_speaks_of_spaces(client, room, desks, territory):
    far = client.get(
        reverse("booking:search"),
        {**SEARCH, "lat": room.place.latitude + 0.02, "lon": room.place.longitude},
    )
    page = text(far)
    assert "à 2,2\u00a0km" in page  # 0.02° of latitude
    assert 'data-cluster-noun="espaces"' in page
    assert "En préparation" not in page  # every free space is in an open place
    directory = text(client.get(reverse("web:place_list")))
    assert "En préparation" in directory and 'data-cluster-noun="lieux"' in directory


def test_the_week_says_when_days_beyond_the_horizon_become_bookable(client, room):
    room.max_advance_days = 30
    room.save()
    with at(paris(2026, 12, 1, 10)):
        response = client.get(reverse("booking:space", args=[room.pk]), {"semaine": "2026-12-28"})
    days = response.context["days"]
    assert week_row(days, date(2026, 12, 31))["bookable_from"] is None  # the 30th day
    assert week_row(days, date(2027, 1, 1))["bookable_from"] == date(2026, 12, 2)
    page = text(response)
    assert "Jeudi 31 décembre 2026</th>\n          <td>08h00–20h00" in page
    assert "Vendredi 1er janvier 2027</th>\n          <td>Réservable à partir du 2 décembre" in page


def test_search_lists_only_spaces_bookable_at_that_date(client, room, desks):
    room.max_advance_days = 30
    room.save()
    with at(paris(2026, 12, 1, 10)):
        beyond = client.get(reverse("booking:search"), {**SEARCH, "personnes": "1"})
        within = client.get(reverse("booking:search"), {**SEARCH, "date": "2026-12-22"})
    # 12 January is 42 days ahead: the room takes bookings 30 days ahead only.
    assert [r.space_id for r in beyond.context["results"]] == [desks.pk]
    assert room.pk in [r.space_id for r in within.context["results"]]


def _booking_routes(patterns=None, prefix=""):
    """Every address naming a booking (or a series) by its id: «reservations» in the path and
    a `pk` in it, pages and API alike."""
    from django.urls import URLResolver, get_resolver

    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _booking_routes(pattern.url_patterns, route)
        elif "reservations" in route and "<int:pk>" in route:
            yield route


BOOKING_ROUTES = sorted(set(_booking_routes()))


def test_the_walk_finds_the_booking_routes():
    assert "gestion/reservations/<int:pk>/<str:action>/" in BOOKING_ROUTES
    assert "api/v1/reservations/<int:pk>/annulation" in BOOKING_ROUTES


@pytest.mark.parametrize("route", BOOKING_ROUTES)
def test_someone_elses_booking_is_as_unknown_as_a_missing_one(
    client, booker, other_booker, room, bookable_place, route
):
    """A 403 for someone else's booking and a 404 for a missing one tell a stranger which
    ids exist (the managers' actions did)."""
    from maillage.api.models import ApiToken

    bookable_place.requires_approval = True
    bookable_place.save()
    booking = book_on_search_day(booker, room, 9, 10)
    _, key = ApiToken.issue(other_booker, "Appli")
    client.force_login(other_booker)

    def answers(pk):
        path = "/" + route.replace("<int:pk>", str(pk)).replace("<str:action>", "annuler")
        return [
            client.get(path, HTTP_AUTHORIZATION=f"Bearer {key}").status_code,
            client.post(path, {}, HTTP_AUTHORIZATION=f"Bearer {key}").status_code,
        ]

    assert answers(booking.pk) == answers(booking.pk + 100_000)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


def test_a_commune_without_free_space_suggests_the_nearest_within_5_km(
    client, room, desks, other_booker, territory
):
    """Issy-les-Moulineaux has no place: the free spaces of Boulogne-Billancourt next door are
    suggested with their distance from Issy's centroid in kilometres; Nanterre's, farther than
    5 km, are not; a booked room is not either."""
    from maillage.places.models import OpeningHours, Space
    from maillage.places.selectors import distance_m

    far = PlaceFactory(commune=territory.get(insee_code="92050"), slug="loin")
    OpeningHours.objects.create(place=far, weekday=1, opens="08:00", closes="20:00")
    Space.objects.create(place=far, name="Loin", kind="meeting_room", capacity=4)
    book_on_search_day(other_booker, room, 10, 11)
    issy = territory.get(insee_code="92040")
    response = client.get(reverse("booking:search"), {**SEARCH, "commune": "92040"})
    assert response.context["results"] == []
    suggestions = response.context["suggestions"]
    assert [s.space_id for s in suggestions] == [desks.pk]
    metres = distance_m(
        issy.centroid_lat, issy.centroid_lon, room.place.latitude, room.place.longitude
    )
    assert 0 < metres <= 5000
    kilometres = f"{metres / 1000:.1f}".replace(".", ",")
    assert suggestions[0].distance_label == f"{kilometres}\u00a0km"
    page = text(response)
    assert "Aucun espace libre à Issy-les-Moulineaux : 1 espace libre à moins de 5\u00a0km" in page
    assert f"à {kilometres}\u00a0km" in page
    assert suggestions[0].price_cents == 2 * 3 * 400


def test_suggestions_keep_five_nearest_for_the_same_people(client, bookable_place, territory):
    """At most five suggestions, nearest first, each holding the people searched for."""
    from maillage.places.models import Space

    for number in range(7):
        Space.objects.create(
            place=bookable_place, name=f"Salle {number}", kind="meeting_room", capacity=4
        )
    Space.objects.create(place=bookable_place, name="Trop petite", kind="meeting_room", capacity=1)
    response = client.get(reverse("booking:search"), {**SEARCH, "commune": "92040"})
    suggestions = response.context["suggestions"]
    assert len(suggestions) == 5
    assert all(s.capacity >= 2 for s in suggestions)


def test_a_search_with_results_or_without_commune_suggests_nothing(client, room, territory):
    assert client.get(reverse("booking:search"), SEARCH).context["suggestions"] == []
    response = client.get(reverse("booking:search"), {**SEARCH, "personnes": "50"})
    assert response.context["suggestions"] == []
    assert "Aucun espace libre sur ce créneau" in text(response)
    response = client.get(reverse("booking:search"), {**SEARCH, "commune": "92012"})
    assert response.context["results"] and response.context["suggestions"] == []


def test_results_and_a_series_actions_name_the_place_and_the_space(client, booker, room, desks):
    """Search results link «La Ruche — Open space», not the space's generic name alone; the
    actions on a series name it the same way on my bookings and on the confirmation."""
    room.place.name = "La Ruche"
    room.place.save()
    html = text(client.get(reverse("booking:search"), SEARCH))
    assert re.search(r"<h3><a [^>]+>La Ruche — Open space</a></h3>", html)
    series, _, _ = on_page.book_series(
        booker, room.pk, paris(2027, 1, 12, 9), paris(2027, 1, 12, 11), 3, now=NOW
    )
    client.force_login(booker)
    mine = text(client.get(reverse("booking:my_bookings")))
    assert (
        'Annuler toute la série<span class="visually-hidden"> La Ruche — Salle Seine à partir'
        in mine
    )
    assert '<span class="visually-hidden"> la réservation La Ruche — Salle Seine du' in mine
    confirm = text(client.get(reverse("booking:cancel_series", args=[series.pk])))
    assert "<h1>Annuler la série La Ruche — Salle Seine</h1>" in confirm
