"""The same Idempotency-Key and body, sent together or later: one booking, one 201."""

import json
from datetime import timedelta
from functools import partial

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.booking.models import Booking
from tests.moments import DAY, at
from tests.racing import run_together

SLOT = {"start": at(DAY, 9), "end": at(DAY, 11)}
CLIENTS = 8


def post_together(key: str, bodies: list[dict], idempotency_key: str) -> list:
    """POST each body at once, from its own client (tests.racing)."""

    def send(body: dict):
        return Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(
            reverse("api:reservations"),
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=idempotency_key,
        )

    return run_together([partial(send, body) for body in bodies])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("space", ["room", "desks"])
def test_concurrent_requests_with_one_key_book_once_and_one_says_201(api, space, request):
    space = request.getfixturevalue(space)
    answers = post_together(api.key, [{"space": space.pk, **SLOT}] * CLIENTS, "rafale-1")
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * (CLIENTS - 1) + [201], [a.content for a in answers]
    assert len({json.dumps(answer.json()) for answer in answers}) == 1  # the same booking
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_a_later_replay_is_200_even_after_a_day_and_the_key_never_serves_another_request(api, room):
    url = reverse("api:reservations")
    first = api.post_json(url, {"space": room.pk, **SLOT}, HTTP_IDEMPOTENCY_KEY="k-jour")
    assert first.status_code == 201
    Booking.objects.update(created_at=timezone.now() - timedelta(hours=25))
    replay = api.post_json(url, {"space": room.pk, **SLOT}, HTTP_IDEMPOTENCY_KEY="k-jour")
    assert replay.status_code == 200 and replay.json() == first.json()
    later = {"start": at(DAY, 14), "end": at(DAY, 15)}
    other = api.post_json(url, {"space": room.pk, **later}, HTTP_IDEMPOTENCY_KEY="k-jour")
    assert other.status_code == 422
    assert Booking.objects.count() == 1
