"""The seat lock of a space is taken inside a transaction only, and waited for a bounded
time: a booking of a space whose bookings another transaction is deciding is refused after
SEAT_LOCK_TIMEOUT_SECONDS with «réessayez» (a 409 with Retry-After in the API, a form error on
the page), never a hang, nothing written. On real connections: one thread holds the lock."""

import json
import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test import Client
from django.urls import reverse

from maillage.api.models import ApiToken
from maillage.booking import services, sql
from maillage.booking.models import Booking, BookingSeries
from tests.booking import on_page
from tests.moments import DAY, paris

pytestmark = pytest.mark.django_db(transaction=True)

BUSY = "Cet espace est très demandé en ce moment : réessayez dans quelques secondes."


SLOT = (paris(DAY.year, DAY.month, DAY.day, 9), paris(DAY.year, DAY.month, DAY.day, 11))


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's seat lock is its write lock: a busy database, tests/core/test_busy")


@contextmanager
def seat_lock_held(space):
    """Another connection holds the seat lock of `space`, as a booking being decided does."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                sql.lock_seats(sql.space_terms(space.pk))
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert locked.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join(30)


@contextmanager
def takes_the_lock_timeout():
    """The block waited at least SEAT_LOCK_TIMEOUT_SECONDS (that it then gave up is the
    refusal the caller expects)."""
    started = time.monotonic()
    yield
    assert time.monotonic() - started >= sql.SEAT_LOCK_TIMEOUT_SECONDS - 0.1


def test_a_booking_of_a_space_being_decided_is_refused_with_retry(
    postgresql, booker, desks, caplog
):
    with seat_lock_held(desks):
        with takes_the_lock_timeout(), pytest.raises(services.BookingRefused) as refused:
            on_page.book(booker, desks.pk, *SLOT)
        assert refused.value.codes == ["space_busy"]
        assert refused.value.message_dict == {"space": [BUSY]}
        with takes_the_lock_timeout(), pytest.raises(services.BookingRefused) as refused:
            on_page.book_series(booker, desks.pk, *SLOT, 3)
        assert refused.value.codes == ["space_busy"]
    assert not Booking.objects.exists() and not BookingSeries.objects.exists()
    # Logged once per refusal, with the space's id only.
    logged = [r for r in caplog.records if r.name == "maillage.booking.sql"]
    assert [r.levelname for r in logged] == ["WARNING", "WARNING"]
    assert logged[0].args == (desks.pk, sql.SEAT_LOCK_TIMEOUT_SECONDS)
    assert "camille" not in caplog.text
    # The lock released, the same booking goes through.
    assert on_page.book(booker, desks.pk, *SLOT).pk


def test_the_api_answers_409_with_retry_after(postgresql, booker, desks):
    _, key = ApiToken.issue(booker, "Appli test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = json.dumps({"space": desks.pk, "start": SLOT[0].isoformat(), "end": SLOT[1].isoformat()})
    with seat_lock_held(desks), takes_the_lock_timeout():
        response = client.post(reverse("api:reservations"), body, content_type="application/json")
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == str(sql.SEAT_LOCK_TIMEOUT_SECONDS)
    problem = response.json()
    assert problem["codes"] == ["space_busy"]
    assert problem["errors"] == [{"field": "space", "detail": BUSY}]
    assert not Booking.objects.exists()


def test_the_page_shows_the_refusal_on_the_form(postgresql, client, booker, desks):
    client.force_login(booker)
    form = {
        "date": DAY.isoformat(),
        "debut": "09:00",
        "fin": "11:00",
        "postes": "1",
        "semaines": "1",
    }
    # The booking as confirmed from its recap (the first post shows the recap only).
    recap = client.post(reverse("booking:book", args=[desks.pk]), form)
    form["tarif"] = recap.context["price_token"]
    with seat_lock_held(desks), takes_the_lock_timeout():
        response = client.post(reverse("booking:book", args=[desks.pk]), form)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [BUSY]
    assert not Booking.objects.exists()


def test_the_connections_own_lock_timeout_is_back_after_the_seat_lock(postgresql, desks):
    with transaction.atomic(), connection.cursor() as cursor:
        sql.lock_seats(sql.space_terms(desks.pk))
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone() == ("20s",)


def test_the_seat_lock_refuses_to_run_outside_a_transaction(desks, room):
    for space in (desks, room):
        with pytest.raises(TransactionManagementError, match="inside a transaction"):
            sql.lock_seats(sql.space_terms(space.pk))
