"""An email the mail server refuses is logged, by ids only: a warning at each failed attempt,
an error at the last one."""

import logging

import pytest

from maillage.booking import services
from maillage.booking.models import BookingEmail
from maillage.booking.notifications import MAX_ATTEMPTS, deliver_pending
from tests.booking.conftest import NOW, paris

pytestmark = pytest.mark.django_db


def test_a_failing_delivery_is_logged_without_the_address(booker, room, settings, caplog):
    services.book(booker, room.pk, paris(2026, 12, 2, 9), paris(2026, 12, 2, 10), now=NOW)
    email = BookingEmail.objects.get()
    settings.EMAIL_BACKEND = "tests.booking.failing_mail.Backend"
    with caplog.at_level(logging.WARNING, logger="maillage.booking.notifications"):
        for _ in range(MAX_ATTEMPTS + 1):
            deliver_pending()
    logged = [r for r in caplog.records if r.name == "maillage.booking.notifications"]
    assert [r.levelname for r in logged] == ["WARNING"] * (MAX_ATTEMPTS - 1) + ["ERROR"]
    assert logged[0].getMessage() == (
        f"Email {email.pk} ({email.kind}, to user {booker.pk}) not sent, attempt 1 of "
        f"{MAX_ATTEMPTS}: ConnectionRefusedError"
    )
    assert booker.email not in caplog.text and "serveur" not in caplog.text
