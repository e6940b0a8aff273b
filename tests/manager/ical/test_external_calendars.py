"""Importing a space's external calendar (booking.external_calendars) from a real HTTP
server, and its busy times closing the space everywhere availability is read: the booking
check, the slots, the week view and the département-wide search."""

import logging
from datetime import UTC, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks_db.models import DBTaskResult

from maillage.booking import external_calendars, ical_fetch, queries, services, tasks
from maillage.booking.availability import ViolationCode, local_days
from maillage.booking.models import Channel, ExternalBusy, ExternalCalendar
from maillage.core import safe_http, schedule
from maillage.core.safe_http import FetchError
from tests.factories import BookingFactory, ManagerFactory, PlaceFactory
from tests.manager.ical.calendars import ics
from tests.moments import DAY, paris

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0):
    return paris(DAY.year, DAY.month, DAY.day, hour, minute)


def stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event(uid: str, start, end, *extra: str) -> str:
    return "\n".join([f"UID:{uid}", f"DTSTART:{stamp(start)}", f"DTEND:{stamp(end)}", *extra])


MORNING = ics(event("morning", at(10), at(12)))


def imported(space, url, manager):
    external_calendars.set_calendar(manager, space, url)
    return external_calendars.refresh(space.pk)


def test_an_imported_busy_time_closes_a_room_everywhere(
    calendar_server, room, desks, place_manager, booker
):
    calendar = imported(room, calendar_server.serve("/salle.ics", MORNING), place_manager)
    assert calendar.last_error == ""
    assert calendar.last_success_at is not None and calendar.events_read == 1
    assert list(ExternalBusy.objects.values_list("start", "end")) == [(at(10), at(12))]
    # Refused at booking, whoever asks; a booking beside it is taken.
    with pytest.raises(services.BookingRefused) as refused:
        services.book(booker, room.pk, at(11), at(13), channel=Channel.PAGE)
    assert refused.value.codes == [ViolationCode.SLOT_TAKEN]
    services.book(booker, room.pk, at(13), at(14), channel=Channel.PAGE)
    # Neither offered as a slot, nor free in the week, nor found by the search.
    starts = {s.start for s in services.free_slots(room.pk, DAY, timedelta(hours=1))}
    assert at(9) in starts and not starts & {at(10), at(10, 30), at(11), at(11, 30)}
    week = queries.space_week(room, queries.week_start(DAY))
    assert any(b.start <= at(10) and at(12) <= b.end for b in week.booked)
    found = {r.space_id for r in queries.search_spaces(at(10), at(11), 1)}
    assert room.pk not in found and desks.pk in found
    assert room.pk in {r.space_id for r in queries.search_spaces(at(15), at(16), 1)}


def test_a_busy_time_takes_every_seat_of_a_desk_space(
    calendar_server, desks, place_manager, booker
):
    imported(desks, calendar_server.serve("/desks.ics", MORNING), place_manager)
    with pytest.raises(services.BookingRefused) as refused:
        services.book(booker, desks.pk, at(10), at(11), channel=Channel.PAGE)
    assert refused.value.codes == [ViolationCode.NOT_ENOUGH_SEATS]
    assert desks.pk not in {r.space_id for r in queries.search_spaces(at(10), at(11), 1)}


def test_a_new_import_replaces_the_busy_times_and_a_failed_one_keeps_them(
    calendar_server, room, place_manager
):
    url = calendar_server.serve("/salle.ics", MORNING)
    imported(room, url, place_manager)
    calendar_server.serve("/salle.ics", ics(event("afternoon", at(14), at(15))))
    external_calendars.refresh(room.pk)
    assert list(ExternalBusy.objects.values_list("start", flat=True)) == [at(14)]
    calendar_server.serve("/salle.ics", "oups", status=500)
    calendar = external_calendars.refresh(room.pk)
    assert calendar.last_error == "Le serveur a répondu par une erreur HTTP 500."
    assert calendar.last_attempt_at > calendar.last_success_at
    assert list(ExternalBusy.objects.values_list("start", flat=True)) == [at(14)]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"body": "introuvable", "status": 404}, "erreur HTTP 404"),
        ({"body": "<html><body>Bienvenue</body></html>"}, "pas un agenda iCalendar"),
        ({"body": "x" * 5000}, "taille maximale acceptée (0,001 Mo)"),
        ({"body": MORNING, "pause": 2.5}, "dans les 1 secondes"),
    ],
)
def test_import_errors_are_recorded_in_french(
    calendar_server, settings, room, place_manager, answer, message
):
    settings.MAILLAGE_ICAL_MAX_BYTES = 1000
    settings.MAILLAGE_ICAL_TIMEOUT_SECONDS = 1
    calendar = imported(room, calendar_server.serve("/f.ics", **answer), place_manager)
    assert message in calendar.last_error
    assert calendar.last_success_at is None and not ExternalBusy.objects.exists()


@pytest.mark.parametrize("head", [True, False], ids=["headers", "body"])
def test_a_server_trickling_its_answer_is_cut_at_the_time_limit(calendar_server, head):
    # A byte every 50 ms: each read gets one well within any per-read timeout, and the whole
    # answer takes over 3 seconds.
    url = calendar_server.serve("/lent.ics", b"x" * 60, trickle=0.05, trickle_head=head)
    limits = ical_fetch.Limits(max_bytes=10_000, timeout_seconds=1, allow_private=True)
    # Without the limit on the whole transfer, all 60 bytes would arrive and no error be raised.
    with pytest.raises(FetchError, match="dans les 1 secondes"):
        ical_fetch.fetch(url, limits)


def test_a_content_length_in_other_digits_is_ignored(calendar_server, room, place_manager):
    headers = {"Content-Type": "text/calendar", "Content-Length": "²"}  # str.isdigit() says yes
    calendar = imported(
        room, calendar_server.serve("/f.ics", MORNING, headers=headers), place_manager
    )
    assert calendar.last_error == "" and ExternalBusy.objects.count() == 1


def test_an_unforeseen_failure_is_logged_and_recorded(calendar_server, room, place_manager, caplog):
    url = calendar_server.serve("/salle.ics", MORNING)
    imported(room, url, place_manager)
    # A redirect to an address urllib cannot even split: nothing foresees it.
    calendar_server.serve("/salle.ics", "", status=302, headers={"Location": "http://[oups/"})
    with caplog.at_level(logging.ERROR, logger="maillage.booking.external_calendars"):
        calendar = external_calendars.refresh(room.pk)
    assert calendar.last_error == external_calendars.FILE_UNREADABLE
    assert "ValueError" in caplog.text
    assert ExternalBusy.objects.count() == 1  # the last good import's busy times kept


def test_too_many_busy_times_are_refused_and_the_last_ones_kept(
    calendar_server, settings, room, place_manager
):
    settings.MAILLAGE_ICAL_MAX_BUSY = 100
    url = calendar_server.serve("/salle.ics", MORNING)
    imported(room, url, place_manager)
    hourly = f"UID:h\nDTSTART:{stamp(at(8))}\nDURATION:PT30M\nRRULE:FREQ=HOURLY"
    calendar_server.serve("/salle.ics", ics(hourly))
    calendar = external_calendars.refresh(room.pk)
    assert calendar.last_error == (
        "L'agenda compte trop d'occupations sur la période importée (plus de 100) : "
        "il ne peut pas être importé."
    )
    assert list(ExternalBusy.objects.values_list("start", "end")) == [(at(10), at(12))]
    # As many as allowed are imported.
    daily = f"UID:d\nDTSTART:{stamp(at(8))}\nDURATION:PT30M\nRRULE:FREQ=DAILY;COUNT=100"
    calendar_server.serve("/salle.ics", ics(daily))
    assert external_calendars.refresh(room.pk).last_error == ""
    assert ExternalBusy.objects.count() == 100


def test_redirects_are_followed(calendar_server, room, place_manager):
    target = calendar_server.serve("/nouveau.ics", MORNING)
    old = calendar_server.serve("/ancien.ics", "", status=301, headers={"Location": target})
    assert imported(room, old, place_manager).last_error == ""
    assert ExternalBusy.objects.count() == 1


def test_this_machine_is_refused_unless_the_setting_allows_it(
    calendar_server, settings, room, place_manager
):
    settings.MAILLAGE_ICAL_ALLOW_PRIVATE = False
    url = calendar_server.serve("/salle.ics", MORNING)
    assert imported(room, url, place_manager).last_error == safe_http.PRIVATE
    assert calendar_server.hits == []  # not even asked
    # Nor through a name resolving to it.
    with pytest.raises(FetchError):
        ical_fetch.fetch(url.replace("127.0.0.1", "localhost"), external_calendars.limits())


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("::ffff:127.0.0.1", False),
        ("fd00::1", False),
        ("224.0.0.1", False),
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
    ],
)
def test_public_addresses(address, public):
    assert safe_http.is_public(address) is public


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Indiquez l'adresse"),
        ("ftp://agenda.exemple.fr/a.ics", "doit commencer par « https:// »"),
        ("file:///etc/passwd", "doit commencer par « https:// »"),
        ("webcal://agenda.exemple.fr/a.ics", "Remplacez « webcal:// »"),
        ("https://moi:secret@agenda.exemple.fr/a.ics", "ni de mot de passe"),
        ("https:///a.ics", "doit nommer un serveur"),
        ("https://agenda.exemple.fr:99999/a.ics", "port"),
        ("https://[agenda.exemple.fr/a.ics", "n'est pas valide"),
        ("https://" + "a" * 64 + ".fr/a.ics", "nom du serveur n'est pas valide"),
        ("https://agenda.exemple.fr/" + "a" * 1000, "1000 caractères"),
    ],
)
def test_bad_addresses_are_refused_and_nothing_is_written(room, place_manager, url, message):
    with pytest.raises(ValidationError) as refused:
        external_calendars.set_calendar(place_manager, room, url)
    assert message in " ".join(refused.value.message_dict["url"])
    assert not ExternalCalendar.objects.exists()


def test_only_the_place_s_managers_and_staff_set_or_remove_it(
    room, staff_user, territory, place_manager
):
    other = ManagerFactory(places=[PlaceFactory(commune=territory.get(insee_code="92050"))])
    url = "https://agenda.exemple.fr/salle.ics"
    with pytest.raises(PermissionDenied, match="Vous ne gérez pas ce lieu."):
        external_calendars.set_calendar(other, room, url)
    calendar = external_calendars.set_calendar(staff_user, room, url)
    assert (calendar.set_by, calendar.url) == (staff_user, url)
    with pytest.raises(PermissionDenied, match="Vous ne gérez pas ce lieu."):
        external_calendars.remove_calendar(other, room)
    assert external_calendars.remove_calendar(place_manager, room)
    assert not ExternalCalendar.objects.exists()


def test_a_new_address_forgets_the_old_busy_times(calendar_server, room, place_manager):
    imported(room, calendar_server.serve("/a.ics", MORNING), place_manager)
    calendar = external_calendars.set_calendar(place_manager, room, calendar_server.base + "/b")
    assert calendar.last_success_at is None and not ExternalBusy.objects.exists()


def test_bookings_meeting_imported_busy_times_are_conflicts(
    calendar_server, room, place_manager, booker
):
    booking = BookingFactory(space=room, user=booker, start=at(11), end=at(12))
    imported(room, calendar_server.serve("/salle.ics", MORNING), place_manager)
    conflicts = external_calendars.conflicts(room)
    assert [(c.booking, c.busy_start, c.busy_end) for c in conflicts] == [(booking, at(10), at(12))]
    assert external_calendars.conflict_count(room) == 1


def test_conflicts_are_found_in_one_query_each_with_its_earliest_busy_time(
    calendar_server, room, place_manager, booker, django_assert_num_queries
):
    across = BookingFactory(space=room, user=booker, start=at(9, 30), end=at(11, 30))
    BookingFactory(space=room, user=booker, start=at(12, 30), end=at(13, 30))  # free
    cancelled = BookingFactory(space=room, user=booker, start=at(14), end=at(15))
    services.cancel(booker, cancelled, channel=Channel.PAGE)
    late = BookingFactory(space=room, user=booker, start=at(17, 30), end=at(18, 30))
    busy = ics(
        event("a", at(9), at(10)),
        event("b", at(11), at(12)),
        event("c", at(14), at(15)),
        event("d", at(17), at(18)),
    )
    imported(room, calendar_server.serve("/salle.ics", busy), place_manager)
    with django_assert_num_queries(1):
        found = [
            (c.booking, c.busy_start, c.busy_end, c.booking.user)
            for c in external_calendars.conflicts(room)
        ]
    assert found == [(across, at(9), at(10), booker), (late, at(17), at(18), booker)]
    assert [c.booking for c in external_calendars.conflicts(room, limit=1)] == [across]
    assert external_calendars.conflict_count(room) == 2
    assert external_calendars.conflicts(room, now=at(19)) == []


def test_the_scheduler_queues_one_import_per_calendar(calendar_server, room, desks, place_manager):
    assert tasks.refresh_external_calendars.module_path in {
        p.name for p in schedule.periodic_tasks()
    }
    for space in (room, desks):
        external_calendars.set_calendar(place_manager, space, calendar_server.serve("/c", MORNING))
    assert tasks.refresh_external_calendars.call() == 2
    queued = DBTaskResult.objects.filter(
        task_path=tasks.refresh_external_calendar.module_path
    ).values_list("args_kwargs", flat=True)
    assert sorted(a["args"][0] for a in queued) == sorted([room.pk, desks.pk])
    # The queued task imports (as the worker runs it).
    assert tasks.refresh_external_calendar.call(room.pk) == "ok"
    assert tasks.refresh_external_calendar.call(room.pk + desks.pk + 1000) == "none"
    start, end = local_days(DAY, DAY)
    assert ExternalBusy.objects.filter(space=room, start__gte=start, end__lte=end).count() == 1
