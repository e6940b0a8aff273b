"""A write that waits too long for a lock answers 503 with Retry-After, on real connections:
one holds the write lock (SQLite's BEGIN IMMEDIATE, a PostgreSQL row lock), the request's own
connection gives up after a short wait."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import User
from maillage.api.models import ApiToken
from maillage.booking.models import Booking, CalendarFeed
from tests.moments import DAY, at

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def short_lock_wait():
    """The connections wait 0.2 s for a lock (the settings wait 20 s on SQLite)."""
    original = connection.settings_dict["OPTIONS"]
    short = {**original}
    if connection.vendor == "sqlite":
        short["timeout"] = 0.2
    else:
        short["options"] = "-c lock_timeout=200"
    connection.close()
    connection.settings_dict["OPTIONS"] = short
    yield
    connection.close()
    connection.settings_dict["OPTIONS"] = original


@contextmanager
def holding(rows):
    """Another connection holds the write lock (SQLite) or these rows' locks (PostgreSQL)."""
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                list(rows.select_for_update())
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


def test_an_api_write_on_a_busy_database_is_a_503_problem(booker, desks, short_lock_wait):  # noqa: F811
    _, key = ApiToken.issue(booker, "Appli test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", raise_request_exception=False)
    assert client.get(reverse("api:reservations")).status_code == 200
    body = {"space": desks.pk, "start": at(DAY, 9), "end": at(DAY, 11)}
    # Not the space's seat lock (a contended space is a 409: tests/booking/test_seat_lock), but
    # the booker's row, which the booking's foreign key check waits for on PostgreSQL.
    with holding(User.objects.filter(pk=booker.pk)):
        response = client.post(reverse("api:reservations"), body, content_type="application/json")
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "5"
    assert "réessayez dans un instant" in response.json()["detail"]
    assert not Booking.objects.exists()
    again = client.post(reverse("api:reservations"), body, content_type="application/json")
    assert again.status_code == 201


def test_a_page_write_on_a_busy_database_is_a_french_503_page(booker, short_lock_wait, caplog):  # noqa: F811
    feed = CalendarFeed.objects.create(user=booker)
    client = Client(raise_request_exception=False)
    client.force_login(booker)
    with holding(CalendarFeed.objects.filter(pk=feed.pk)):
        response = client.post(reverse("booking:renew_feed"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    assert "réessayez dans un instant" in response.content.decode()
    assert CalendarFeed.objects.get(user=booker).token == feed.token
    # An expected condition: one warning, not an error with a traceback («Service
    # Unavailable» from django.request).
    logged = [(r.levelname, r.getMessage()) for r in caplog.records if r.levelno >= 30]
    assert [level for level, _ in logged] == ["WARNING"], logged
    assert "database is busy" in logged[0][1]


def test_a_lock_error_raised_outside_a_view_is_a_503_too(rf):
    """The handler decides, so a middleware's write (a session saved) answers the same."""
    from django.db import OperationalError

    from maillage.core.views import server_error

    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    try:
        raise OperationalError("no such table: x")
    except OperationalError:
        assert server_error(rf.get("/")).status_code == 500


def test_a_page_form_over_the_size_limit_is_a_french_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(reverse("accounts:login"), {"username": "x" * 2000})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Envoi trop volumineux" in page and "dépasse 1\u202f000 octets" in page


def test_a_write_waits_twenty_seconds_at_most_for_a_lock_on_either_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW lock_timeout")
            assert cursor.fetchone()[0] == "20s"
        else:
            assert connection.settings_dict["OPTIONS"]["timeout"] == 20
