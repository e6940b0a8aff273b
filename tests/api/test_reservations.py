from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from maillage.api.models import ApiToken
from maillage.booking.models import Booking, Channel
from maillage.booking.services import book
from tests.moments import DAY, at, paris

pytestmark = pytest.mark.django_db

SLOT = {"start": at(DAY, 9), "end": at(DAY, 11)}
NEXT_DAY = DAY + timedelta(days=1)
MONDAY = DAY - timedelta(days=1)


def hour(day, h):
    return paris(day.year, day.month, day.day, h)


def test_book_then_replay_with_the_same_key(api, room):
    url = reverse("api:reservations")
    first = api.post_json(url, {"space": room.pk, **SLOT}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["status"] == "confirmed" and data["price_cents"] == 5000
    replay = api.post_json(url, {"space": room.pk, **SLOT}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code == 200 and replay.json() == data  # the same answer, Paris time
    assert data["start"] == SLOT["start"]
    other_day = {"start": at(NEXT_DAY, 9), "end": at(NEXT_DAY, 11)}
    reused = api.post_json(url, {"space": room.pk, **other_day}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 422 and "autre demande" in reused.json()["detail"]
    assert Booking.objects.count() == 1
    listing = api.get(url).json()["results"]
    assert [b["id"] for b in listing] == [data["id"]]


def test_a_taken_slot_is_a_conflict_in_problem_details(api, room, other_booker):
    book(other_booker, room.pk, hour(DAY, 10), hour(DAY, 12), channel=Channel.PAGE)
    response = api.post_json(reverse("api:reservations"), {"space": room.pk, **SLOT})
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 409 and problem["codes"] == ["slot_taken"]
    assert problem["errors"][0]["field"] == "start"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"space": "salle", **SLOT}, "space"),
        ({"space": 1, "start": "demain", "end": SLOT["end"]}, "start"),
        ({"space": 1, "start": SLOT["start"][:19], "end": SLOT["end"]}, "start"),
        ({"space": 1, **SLOT, "seats": 0}, "seats"),
    ],
)
def test_bad_fields_are_named(api, room, body, field):
    response = api.post_json(reverse("api:reservations"), body)
    assert response.status_code == 400
    assert field in {error["field"] for error in response.json()["errors"]}
    assert not Booking.objects.exists()


def test_rules_are_explained(api, room):
    body = {
        "space": room.pk,
        "start": at(DAY, 21),
        "end": at(DAY, 22),
    }
    response = api.post_json(reverse("api:reservations"), body)
    assert response.status_code == 400
    assert "outside_opening_hours" in response.json()["codes"]


def test_not_json_and_no_token(api, room):
    response = api.post(reverse("api:reservations"), "pas du json", content_type="application/json")
    assert response.status_code == 400
    anonymous = Client().post(reverse("api:reservations"), "{}", content_type="application/json")
    assert anonymous.status_code == 401
    forged = Client(HTTP_AUTHORIZATION="Bearer mlg_faux").get(reverse("api:reservations"))
    assert forged.status_code == 401


def test_a_key_acts_for_its_person_until_the_account_is_closed(booker):
    booker.first_name = "Camille"
    booker.save()
    _, key = ApiToken.issue(booker, "Appli test")
    person = ApiToken.user_for_key(key)
    assert person.pk == booker.pk and person.email == booker.email
    assert person.can_book and person.email_verified_at == booker.email_verified_at
    assert person.first_name == "Camille"  # fields the lookup leaves out load on use
    assert ApiToken.user_for_key(key + "x") is None
    token = ApiToken.objects.get(user=booker)
    first_use = token.last_used_at
    assert first_use is not None  # noted, to the hour
    ApiToken.user_for_key(key)
    token.refresh_from_db()
    assert token.last_used_at == first_use
    booker.is_active = False
    booker.save()
    closed = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(reverse("api:reservations"))
    assert closed.status_code == 401


def test_cancel_through_the_api(api, room, other_booker):
    created = api.post_json(reverse("api:reservations"), {"space": room.pk, **SLOT}).json()
    response = api.post_json(reverse("api:cancellation", args=[created["id"]]), {})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    theirs = book(
        other_booker, room.pk, hour(NEXT_DAY, 9), hour(NEXT_DAY, 10), channel=Channel.PAGE
    )
    assert api.post_json(reverse("api:cancellation", args=[theirs.pk]), {}).status_code == 404


def test_a_space_week(client, room, booker):
    book(booker, room.pk, hour(DAY, 9), hour(DAY, 11), channel=Channel.PAGE)
    url = reverse("api:space_week", args=[room.pk])
    data = client.get(url, {"semaine": NEXT_DAY.isoformat()}).json()
    assert data["start"] == at(MONDAY, 0)  # Monday, Paris midnight
    assert SLOT in data["booked"]
    assert len(data["free"]) == 8  # seven open days, the 8th split by the booking


def test_the_free_slots_of_a_day(client, room, booker):
    book(booker, room.pk, hour(DAY, 9), hour(DAY, 11), channel=Channel.PAGE)
    url = reverse("api:space_slots", args=[room.pk])
    data = client.get(url, {"date": DAY.isoformat(), "minutes": "60"}).json()
    starts = [slot["start"] for slot in data["slots"]]
    # Open 8:00–20:00, every half hour, around the 9:00–11:00 booking.
    assert starts[:3] == [at(DAY, 8), at(DAY, 11), at(DAY, 11, 30)]
    assert starts[-1] == at(DAY, 19) and len(starts) == 1 + 17
    assert (data["minutes"], data["seats"]) == (60, 1)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"date": DAY.isoformat(), "minutes": "45"}, "minutes"),  # by steps of 30 minutes
        ({"date": DAY.isoformat(), "minutes": "600"}, "minutes"),  # 8 hours at most
        ({"date": DAY.isoformat(), "minutes": "60", "seats": "9"}, "seats"),  # 8 people at most
        ({"date": "2030-02-30", "minutes": "60"}, "date"),
        ({"date": DAY.isoformat(), "minutes": "une heure"}, "minutes"),
        ({"date": DAY.isoformat(), "minutes": "60", "seats": "0"}, "seats"),
    ],
)
def test_slot_requests_that_break_a_rule_name_it(client, room, query, field):
    response = client.get(reverse("api:space_slots", args=[room.pk]), query)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_slots_of_an_unknown_space(client, room):
    url = reverse("api:space_slots", args=[room.pk + 1000])
    assert client.get(url, {"date": DAY.isoformat(), "minutes": "60"}).status_code == 404


def test_every_api_error_is_a_problem(api, room, booker, other_booker):
    def is_problem(response, status):
        assert response.status_code == status
        assert response["Content-Type"] == "application/problem+json"
        return response.json()

    is_problem(api.delete(reverse("api:reservations")), 405)
    assert api.delete(reverse("api:reservations"))["Allow"] == "GET, POST, HEAD"
    is_problem(api.get(reverse("api:cancellation", args=[1])), 405)
    is_problem(api.post_json(reverse("api:cancellation", args=[999999]), {}), 404)
    is_problem(api.get("/api/v1/nulle-part"), 404)
    week = reverse("api:space_week", args=[room.pk])
    bad = is_problem(api.get(week, {"semaine": "2026-13-45"}), 400)
    assert bad["errors"][0]["field"] == "semaine"
    is_problem(api.get(reverse("api:space_week", args=[room.pk + 1000])), 404)


def test_someone_elses_booking_is_unknown_whatever_its_date(api, room, other_booker):
    from django.utils import timezone

    soon = timezone.localtime() + timedelta(hours=3)
    start = soon.replace(minute=0, second=0, microsecond=0)
    theirs = Booking.objects.create(
        space=room,
        user=other_booker,
        start=start,
        end=start + timedelta(hours=1),
        blocked_start=start,
        blocked_end=start + timedelta(hours=1),
        person_price_cents=0,
        exclusive=True,
    )
    answer = api.post_json(reverse("api:cancellation", args=[theirs.pk]), {"reason": "\x00"})
    unknown = api.post_json(reverse("api:cancellation", args=[theirs.pk + 1000]), {})
    assert answer.status_code == unknown.status_code == 404
    assert answer.content == unknown.content  # nothing tells that it exists
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_the_places_managers_may_cancel_with_a_reason(api, room, place_manager):
    created = api.post_json(reverse("api:reservations"), {"space": room.pk, **SLOT}).json()
    _, key = ApiToken.issue(place_manager, "Appli du lieu")
    manager = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    url = reverse("api:cancellation", args=[created["id"]])
    response = manager.post(url, {"reason": "Fuite d'eau"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_cancelling_twice_says_it_is_already_cancelled(api, room):
    created = api.post_json(reverse("api:reservations"), {"space": room.pk, **SLOT}).json()
    url = reverse("api:cancellation", args=[created["id"]])
    assert api.post_json(url, {}).status_code == 200
    again = api.post_json(url, {})
    assert again.status_code == 400
    assert again.json()["errors"][0]["detail"] == "Cette réservation est déjà « annulée »."


def test_a_space_not_bookable_is_unknown_to_the_week_and_slots_alike(client, room):
    room.is_bookable = False
    room.save()
    week = client.get(reverse("api:space_week", args=[room.pk]))
    slots = client.get(
        reverse("api:space_slots", args=[room.pk]), {"date": DAY.isoformat(), "minutes": "60"}
    )
    assert (week.status_code, slots.status_code) == (404, 404)


def test_holding_the_same_desks_twice_is_a_conflict(api, desks, booker):
    book(booker, desks.pk, hour(DAY, 9), hour(DAY, 11), channel=Channel.PAGE)
    response = api.post_json(reverse("api:reservations"), {"space": desks.pk, **SLOT})
    assert response.status_code == 409
    assert response.json()["codes"] == ["already_booked"]
    assert Booking.objects.count() == 1


def test_the_answer_says_what_the_person_pays_and_what_programmes_pay(api, desks, booker):
    """A partner app shows the person's price, never only the list price; the programme by
    its public label, never the category that made the person eligible."""
    from tests.programmes.builders import programme, verified

    programme(desks.place)
    verified(booker, "rsa")
    url = reverse("api:reservations")
    made = api.post_json(url, {"space": desks.pk, **SLOT})
    assert made.status_code == 201, made.content
    data = made.json()
    assert (data["price_cents"], data["person_price_cents"]) == (800, 200)
    assert data["funded_by"] == [{"label": "Tarif solidaire", "cents": 600}]
    assert "rsa" not in made.content.decode().lower()
    [listed] = api.get(url).json()["results"]
    assert listed == data
