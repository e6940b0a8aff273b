"""A booking's append-only history (BookingEvent): one row per status change, written by
each service in the transaction of the change; never updated nor deleted (database
triggers); shown to the place's managers, Département staff and the person who booked."""

import html
from datetime import UTC, timedelta
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.booking import services
from maillage.booking.models import Booking, BookingEvent, BookingStatus, Channel
from tests.booking import on_page
from tests.moments import NOW, paris

pytestmark = pytest.mark.django_db

S = BookingStatus
START = paris(2026, 12, 2, 9)


def _book(user, space, start=START, now=NOW, channel=Channel.PAGE):
    return services.book(
        user, space.pk, start, start + timedelta(hours=1), now=now, channel=channel
    )


@pytest.fixture
def approval(bookable_place):
    bookable_place.requires_approval = True
    bookable_place.save()
    return bookable_place


@pytest.fixture
def people(booker, place_manager, staff_user):
    return {"booker": booker, "manager": place_manager, "staff": staff_user, "system": None}


# Each service that changes a booking: the booking before (None: none; "made"; "asked", at a
# place asking approval; "approval": none yet, at such a place), the change, and the history
# row the change must add (from, to, actor, channel, reason).
CHANGES = {
    "book": (
        None,
        lambda p, room, _: _book(p["booker"], room, channel=Channel.API),
        (None, S.CONFIRMED, "booker", Channel.API, ""),
    ),
    "book asking approval": (
        "approval",
        lambda p, room, _: _book(p["booker"], room),
        (None, S.PENDING, "booker", Channel.PAGE, ""),
    ),
    "confirm": (
        "asked",
        lambda p, room, b: on_page.confirm(p["manager"], b, now=NOW),
        (S.PENDING, S.CONFIRMED, "manager", Channel.PAGE, ""),
    ),
    "refuse": (
        "asked",
        lambda p, room, b: on_page.refuse(p["manager"], b, "Salle en travaux", now=NOW),
        (S.PENDING, S.REFUSED, "manager", Channel.PAGE, "Salle en travaux"),
    ),
    "cancel by the person": (
        "made",
        lambda p, room, b: services.cancel(p["booker"], b, now=NOW, channel=Channel.API),
        (S.CONFIRMED, S.CANCELLED, "booker", Channel.API, ""),
    ),
    "cancel by the place": (
        "made",
        lambda p, room, b: on_page.cancel(p["manager"], b, "Fermeture", now=NOW),
        (S.CONFIRMED, S.CANCELLED, "manager", Channel.PAGE, "Fermeture"),
    ),
    "cancel by the Département": (
        "made",
        lambda p, room, b: services.cancel(
            p["staff"], b, "Fermeture", now=NOW, channel=Channel.BACK_OFFICE
        ),
        (S.CONFIRMED, S.CANCELLED, "staff", Channel.BACK_OFFICE, "Fermeture"),
    ),
    "check in": (
        "made",
        lambda p, room, b: on_page.check_in(p["manager"], b, now=START),
        (S.CONFIRMED, S.CHECKED_IN, "manager", Channel.PAGE, ""),
    ),
    "no-show": (
        "made",
        lambda p, room, b: services.mark_no_show(p["manager"], b, now=START, channel=Channel.API),
        (S.CONFIRMED, S.NO_SHOW, "manager", Channel.API, ""),
    ),
    "expiry by the scheduler": (
        "asked",
        lambda p, room, b: services.expire_pending(now=START, channel=Channel.COMMAND),
        (S.PENDING, S.EXPIRED, "system", Channel.COMMAND, ""),
    ),
    "expiry found by a decision": (
        "asked",
        lambda p, room, b: _refused(lambda: on_page.confirm(p["manager"], b, now=START)),
        (S.PENDING, S.EXPIRED, "system", Channel.PAGE, ""),
    ),
    "expiry found by a booking": (
        "asked",
        lambda p, room, b: _book(
            p["manager"], room, start=START + timedelta(minutes=30), now=START
        ),
        (S.PENDING, S.EXPIRED, "system", Channel.PAGE, ""),
    ),
}


def _refused(call):
    with pytest.raises(services.BookingRefused):
        call()


def _before(kind, people, room, request):
    if kind in ("approval", "asked"):
        request.getfixturevalue("approval")
    return _book(people["booker"], room) if kind in ("made", "asked") else None


@pytest.mark.parametrize("name", list(CHANGES))
def test_each_change_writes_exactly_one_history_row(name, people, room, request):
    kind, change, (from_status, to_status, actor, channel, reason) = CHANGES[name]
    booking = _before(kind, people, room, request)
    known = set(BookingEvent.objects.values_list("pk", flat=True))
    result = change(people, room, booking)
    new = list(BookingEvent.objects.exclude(pk__in=known))
    if name == "expiry found by a booking":
        # The new booking's own creation is written too, after the expiry.
        assert [(e.from_status, e.to_status) for e in new][1] == (None, S.PENDING)
        new = new[:1]
    assert len(new) == 1
    (event,) = new
    target = booking if booking is not None else result
    assert event.booking_id == target.pk
    assert (event.from_status, event.to_status) == (from_status, to_status)
    assert event.actor == people[actor]
    assert (event.channel, event.reason) == (channel, reason)
    assert Booking.objects.get(pk=target.pk).status == to_status


def test_a_series_writes_one_row_per_date_booked_and_cancelled(booker, room):
    series, booked, _ = on_page.book_series(
        booker, room.pk, START, START + timedelta(hours=1), 3, now=NOW
    )
    assert sorted(BookingEvent.objects.values_list("booking_id", "to_status")) == [
        (b.pk, S.CONFIRMED) for b in booked
    ]
    on_page.cancel_series(booker, series, now=NOW)
    cancelled = BookingEvent.objects.filter(to_status=S.CANCELLED)
    assert sorted(cancelled.values_list("booking_id", "from_status", "actor", "channel")) == [
        (b.pk, S.CONFIRMED, booker.pk, Channel.PAGE) for b in booked
    ]


def test_a_refused_change_writes_nothing(booker, other_booker, room):
    booking = _book(booker, room)
    with pytest.raises(services.BookingRefused):
        _book(other_booker, room)  # the slot is taken
    with pytest.raises(services.BookingRefused):
        on_page.check_in(booker, booking, now=START)  # not a manager's
    assert list(BookingEvent.objects.values_list("to_status", flat=True)) == [S.CONFIRMED]


def test_the_history_row_rolls_back_with_its_change(booker, room):
    booking = _book(booker, room)
    with pytest.raises(RuntimeError), transaction.atomic():
        on_page.cancel(booker, booking, now=NOW)
        raise RuntimeError("annulé plus loin")
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    assert BookingEvent.objects.filter(to_status=S.CANCELLED).count() == 0


def test_a_change_whose_history_cannot_be_written_is_not_made(booker, room):
    booking = _book(booker, room)
    with (
        mock.patch.object(services.sql, "insert_events", side_effect=DatabaseError("plein")),
        pytest.raises(DatabaseError),
    ):
        on_page.cancel(booker, booking, now=NOW)
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    with (
        mock.patch.object(services.sql, "insert_events", side_effect=DatabaseError("plein")),
        pytest.raises(DatabaseError),
    ):
        _book(booker, room, start=START + timedelta(hours=3))
    assert Booking.objects.count() == 1


def test_the_database_refuses_to_change_or_delete_history(booker, room):
    booking = _book(booker, room)
    event = booking.events.get()
    for attempt in (
        lambda: BookingEvent.objects.filter(pk=event.pk).update(reason="réécrit"),
        lambda: BookingEvent.objects.filter(pk=event.pk).delete(),
        lambda: connection.cursor().execute(
            "UPDATE booking_bookingevent SET to_status = 'cancelled'"
        ),
        lambda: connection.cursor().execute("DELETE FROM booking_bookingevent"),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert (event.to_status, event.reason) == (S.CONFIRMED, "")
    # A booking with a history is never deleted with it.
    with pytest.raises(ProtectedError):
        booking.delete()
    assert BookingEvent.objects.count() == 1


# --- Who sees it ---------------------------------------------------------------------------


def _page(client, user, url, query=None) -> str:
    with mock.patch("django.utils.timezone.now", return_value=NOW.astimezone(UTC)):
        client.force_login(user)
        response = client.get(url, query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_person_sees_their_history_with_roles_not_names(
    client, booker, room, place_manager, staff_user
):
    kept = _book(booker, room)
    by_place = _book(booker, room, start=START + timedelta(hours=2))
    by_departement = _book(booker, room, start=START + timedelta(hours=4))
    on_page.cancel(place_manager, by_place, "Fuite d'eau", now=NOW)
    services.cancel(staff_user, by_departement, "Grève", now=NOW, channel=Channel.BACK_OFFICE)
    services.cancel(booker, kept, now=NOW, channel=Channel.API)
    page = _page(client, booker, reverse("booking:my_bookings"))
    assert page.count("<summary>Historique") == 3
    # Rows carry the time they were written (the wall clock, whatever `now` the rules saw).
    assert "Créée le " in page and "par vous (site)" in page
    assert page.count("Annulée le ") == 3
    assert "par le lieu (site) — motif : Fuite d'eau" in page
    assert "par le Département (back-office) — motif : Grève" in page
    assert "par vous (API)" in page
    assert place_manager.email not in page and staff_user.email not in page


def test_a_person_never_sees_someone_elses_history(client, booker, other_booker, room):
    theirs = _book(other_booker, room)
    on_page.cancel(other_booker, theirs, "Secret de Yanis", now=NOW)
    page = _page(client, booker, reverse("booking:my_bookings"))
    assert "Historique" not in page and "Secret de Yanis" not in page


def test_managers_see_the_history_of_their_place(client, booker, room, place_manager, approval):
    asked = _book(booker, room)
    on_page.confirm(place_manager, asked, now=NOW)
    url = reverse("manager:bookings")
    page = _page(client, place_manager, url, {"vue": "jour", "du": "2026-12-02"})
    assert "Créée (en attente de validation) le " in page
    assert "par la personne (site)" in page
    assert "Confirmée le " in page and "par vous (site)" in page


def test_staff_see_the_names_of_those_who_acted(client, booker, room, place_manager, staff_user):
    booking = _book(booker, room)
    on_page.cancel(place_manager, booking, "Fermeture", now=NOW)
    url = reverse("manager:bookings")
    page = _page(client, staff_user, url, {"vue": "jour", "du": "2026-12-02"})
    assert f"par {place_manager.email} (site) — motif : Fermeture" in page


def test_a_manager_of_another_place_sees_no_history(client, booker, room, other_place):
    manager = type(booker).objects.create_user(
        "ailleurs@exemple.test", "motdepasse-ailleurs-1", email_verified=True
    )
    other_place.managers.add(manager)
    _book(booker, room)
    client.force_login(manager)
    url = reverse("manager:bookings")
    assert client.get(url, {"lieu": room.place.slug, "du": "2026-12-02"}).status_code == 403
    listed = client.get(url, {"vue": "jour", "du": "2026-12-02"})
    assert listed.status_code == 200 and "Historique" not in listed.content.decode()


def test_history_costs_no_query_per_booking(client, booker, room, place_manager):
    def queries(url, query=None) -> int:
        with mock.patch("django.utils.timezone.now", return_value=NOW.astimezone(UTC)):
            client.force_login(booker if "gestion" not in url else place_manager)
            with CaptureQueriesContext(connection) as counted:
                assert client.get(url, query).status_code == 200
        return len(counted)

    mine = reverse("booking:my_bookings")
    calendar = reverse("manager:bookings")
    first = _book(booker, room)
    on_page.cancel(place_manager, first, "Fermeture", now=NOW)
    one = (queries(mine), queries(calendar, {"vue": "jour", "du": "2026-12-02"}))
    for hours in (2, 4, 6):
        later = _book(booker, room, start=START + timedelta(hours=hours))
        on_page.cancel(booker, later, now=NOW)
    assert (queries(mine), queries(calendar, {"vue": "jour", "du": "2026-12-02"})) == one
