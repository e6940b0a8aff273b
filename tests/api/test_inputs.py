"""Every date, number, text and header the API reads is checked before anything runs."""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse

from maillage.booking.models import Booking, BookingStatus
from tests.moments import DAY, at

pytestmark = pytest.mark.django_db

SLOT = {"start": at(DAY, 9), "end": at(DAY, 11)}


def fields_of(response) -> set[str]:
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"] for error in response.json()["errors"]}


def refused(response, field: str) -> str:
    """The message naming `field` in a 400 answer."""
    assert response.status_code == 400, response.content
    messages = [e["detail"] for e in response.json()["errors"] if e["field"] == field]
    assert messages, response.json()
    return messages[0]


ABSURD_INSTANTS = [
    "9999-12-31T09:00:00+01:00",
    "9999-12-31T23:00:00-12:00",  # beyond what Paris time can represent
    "0001-01-01T09:00:00+01:00",
    "0001-01-01T00:00:00+14:00",
    f"{DAY}T09:00:00+24:00",
    f"{DAY}T09:00:00+99:99",
    f"{DAY}T24:00:00+01:00",
    f"{DAY}T09:00:60+01:00",
    f"{DAY}T09:00:00",
    f"{DAY}",
    "demain",
    None,
    12,
    ["2026"],
]


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("value", ABSURD_INSTANTS)
def test_absurd_instants_are_refused_naming_the_field(api, room, field, value):
    body = {"space": room.pk, **SLOT, field: value}
    response = api.post_json(reverse("api:reservations"), body)
    assert f"« {field} »" in refused(response, field)
    assert not Booking.objects.exists()


def test_an_instant_beyond_the_spaces_horizon_names_the_allowed_range(api, room):
    room.max_advance_days = 30
    room.save()
    later = date.today() + timedelta(days=60)
    body = {"space": room.pk, "start": at(later, 9), "end": at(later, 11)}
    message = refused(api.post_json(reverse("api:reservations"), body), "start")
    assert "choisissez une date entre le" in message
    assert not Booking.objects.exists()


def test_without_a_horizon_a_booking_reaches_two_years_ahead_not_more(api, room):
    assert room.max_advance_days is None
    late = date.today() + timedelta(days=3 * 365)
    body = {"space": room.pk, "start": at(late, 9), "end": at(late, 11)}
    assert refused(api.post_json(reverse("api:reservations"), body), "start")


def test_an_end_years_after_the_start_is_refused_at_once(api, desks):
    """No rule is computed over years of time: the answer is an immediate 400."""
    years = DAY + timedelta(days=3 * 365)
    body = {"space": desks.pk, "start": at(DAY, 9), "end": at(years, 9)}
    assert refused(api.post_json(reverse("api:reservations"), body), "end")
    weeks = DAY + timedelta(days=40)  # within the range, longer than any booking
    body = {"space": desks.pk, "start": at(DAY, 9), "end": at(weeks, 9)}
    assert "31 jours" in refused(api.post_json(reverse("api:reservations"), body), "end")
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"space": 2**63}, "space"),
        ({"space": -1}, "space"),
        ({"space": 1.0}, "space"),
        ({"space": True}, "space"),
        ({"space": None}, "space"),
        ({"seats": 10**30}, "seats"),
        ({"seats": -(10**30)}, "seats"),
        ({"seats": 2.5}, "seats"),
        ({"seats": "2"}, "seats"),
    ],
)
def test_numbers_out_of_range_or_of_the_wrong_type(api, room, changes, field):
    response = api.post_json(reverse("api:reservations"), {"space": room.pk, **SLOT, **changes})
    assert refused(response, field)
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "key", ["", "x" * 101, "clé-é", "a\x00b", "a\nb", "a\tb", "\x7f"], ids=repr
)
def test_idempotency_keys_are_short_printable_ascii(api, room, key):
    response = api.post_json(
        reverse("api:reservations"), {"space": room.pk, **SLOT}, HTTP_IDEMPOTENCY_KEY=key
    )
    assert "Idempotency-Key" in refused(response, "Idempotency-Key")
    assert not Booking.objects.exists()


@pytest.fixture
def booked(api, room):
    response = api.post_json(reverse("api:reservations"), {"space": room.pk, **SLOT})
    assert response.status_code == 201
    return Booking.objects.get(pk=response.json()["id"])


@pytest.mark.parametrize(
    "reason",
    [
        "x" * 301,
        "x" * 10_000,
        "nul\x00",
        "ligne\nsuivante",
        "retour\r",
        "\x1b[31m",
        "\u2028",
        "\ud800",
        12,
        ["motif"],
        {"motif": "x"},
        True,
    ],
    ids=lambda r: repr(r)[:20],
)
def test_a_bad_cancellation_reason_is_refused_and_nothing_written(api, booked, reason):
    url = reverse("api:cancellation", args=[booked.pk])
    response = api.post_json(url, {"reason": reason})
    assert "« reason »" in refused(response, "reason")
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CONFIRMED and booked.status_reason == ""


def test_a_reason_at_the_limit_is_kept(api, booked):
    url = reverse("api:cancellation", args=[booked.pk])
    response = api.post_json(url, {"reason": "é" * 300})
    assert response.status_code == 200
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CANCELLED and booked.status_reason == "é" * 300


@pytest.mark.parametrize(
    "semaine", ["9999-12-31", "0001-01-01", "2026-13-45", "2026-1-1", "", "x" * 10_000]
)
def test_absurd_weeks_are_refused(client, room, semaine):
    response = client.get(reverse("api:space_week", args=[room.pk]), {"semaine": semaine})
    assert "« semaine »" in refused(response, "semaine")


def test_public_views_read_up_to_two_years_ahead(client, room):
    url = reverse("api:space_week", args=[room.pk])
    soon = date.today() + timedelta(days=700)
    assert client.get(url, {"semaine": soon.isoformat()}).status_code == 200
    late = date.today() + timedelta(days=800)
    assert "choisissez une date entre" in refused(
        client.get(url, {"semaine": late.isoformat()}), "semaine"
    )
    past = date.today() - timedelta(days=400)
    assert refused(client.get(url, {"semaine": past.isoformat()}), "semaine")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date": "9999-12-31", "minutes": "60"}, "date"),
        ({"date": "0001-01-01", "minutes": "60"}, "date"),
        ({"minutes": "60"}, "date"),
        ({"date": DAY.isoformat(), "minutes": "44641"}, "minutes"),  # beyond 31 days
        ({"date": DAY.isoformat(), "minutes": "9" * 40}, "minutes"),
        ({"date": DAY.isoformat(), "minutes": "-60"}, "minutes"),
        ({"date": DAY.isoformat(), "minutes": "60", "seats": "99999999"}, "seats"),
    ],
)
def test_absurd_slot_queries_are_refused(client, room, query, field):
    response = client.get(reverse("api:space_slots", args=[room.pk]), query)
    assert field in fields_of(response) and response.status_code == 400


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "imbriqué trop profondément"),
        (b'{"space": 1' + b"\xff" + b"}", "UTF-8"),
        (json.dumps({"space": 1}).encode("utf-16"), "UTF-8"),
        (b"[]", "objet JSON"),
        (b'"texte"', "objet JSON"),
        (b"{", "JSON valide"),
        (b'{"seats": ' + b"9" * 5000 + b"}", "JSON valide"),
    ],
    ids=["nested", "latin-1", "utf-16", "array", "string", "truncated", "huge-number"],
)
@pytest.mark.parametrize("endpoint", ["reservations", "cancellation"])
def test_bodies_that_are_not_a_json_object(api, booked, body, message, endpoint):
    args = [booked.pk] if endpoint == "cancellation" else []
    response = api.post(
        reverse(f"api:{endpoint}", args=args), body, content_type="application/json"
    )
    assert message in refused(response, "body")
    assert Booking.objects.count() == 1
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CONFIRMED
