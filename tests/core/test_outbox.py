"""The email outbox: an email commits or rolls back with its change, is delivered by the
worker's task, retried with back-off, then marked failed and shown to staff with its error;
account emails are throttled per address without telling the requester."""

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from maillage.accounts import emails
from maillage.core import outbox
from maillage.core.models import OutboundEmail

pytestmark = pytest.mark.django_db

ADDRESS = "destinataire@exemple.test"


@pytest.fixture
def topic():
    """A test topic whose rendering fails while `failing` holds something."""
    failing = []

    def render(email, now):
        if failing:
            raise ConnectionRefusedError(f"serveur injoignable pour {email.address}")
        return EmailMessage(subject="Essai", body="Bonjour", to=[email.address])

    outbox.register("test.essai", render)
    return failing


def test_an_email_is_queued_with_its_transaction_and_sent_by_the_task(
    topic, django_capture_on_commit_callbacks
):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.queue("test.essai", ADDRESS)
        raise RuntimeError("la modification est annulée")
    assert not OutboundEmail.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        outbox.queue("test.essai", ADDRESS)
        assert not DBTaskResult.objects.exists()  # not before the commit
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "maillage.core.outbox.deliver_emails"
    assert not mail.outbox  # the request did not send it
    assert outbox.deliver_emails.call() == 1
    assert [m.to for m in mail.outbox] == [[ADDRESS]]
    assert outbox.deliver_emails.call() == 0  # never twice


def test_a_failing_email_is_retried_with_back_off_then_shown_failed(
    topic, client, staff_user, caplog
):
    topic.append("down")
    email = outbox.queue("test.essai", ADDRESS)
    now = email.created_at
    pauses = []
    with caplog.at_level(logging.WARNING, logger="maillage.core.outbox"):
        for _ in range(outbox.MAX_ATTEMPTS):
            assert outbox.deliver_due(now=now) == 0
            email.refresh_from_db()
            pauses.append(email.next_attempt_at - now)
            assert outbox.deliver_due(now=email.next_attempt_at - timedelta(seconds=1)) == 0
            now = email.next_attempt_at
    minute = timedelta(minutes=1)
    assert pauses == [minute, 2 * minute, 4 * minute, 8 * minute, timedelta(0)]  # then none
    assert email.failed_at is not None and email.sent_at is None
    assert email.attempts == outbox.MAX_ATTEMPTS
    assert "ConnectionRefusedError: serveur injoignable" in email.last_error
    # Log lines carry ids, never the address.
    assert len(caplog.records) == outbox.MAX_ATTEMPTS
    assert all(r.email_id == email.pk for r in caplog.records)
    assert not any(ADDRESS in r.getMessage() for r in caplog.records)
    assert caplog.records[-1].levelno == logging.ERROR
    topic.clear()
    assert outbox.deliver_due(now=now + timedelta(days=1)) == 0  # failed for good

    client.force_login(staff_user)
    page = reverse("admin:core_outboundemail_changelist")
    assert str(email.pk) in client.get(page + "?etat=echec").content.decode()
    assert f">{email.pk}<" not in client.get(page + "?etat=envoye").content.decode()
    detail = client.get(reverse("admin:core_outboundemail_change", args=[email.pk]))
    assert "serveur injoignable" in detail.content.decode()

    client.post(page, {"action": "send_again", "_selected_action": [email.pk]})
    email.refresh_from_db()
    assert email.failed_at is None and email.attempts == 0
    assert outbox.deliver_due() == 1 and len(mail.outbox) == 1


def test_an_email_without_a_renderer_fails_as_an_email_not_as_the_worker():
    email = outbox.queue("test.inconnu", ADDRESS)
    assert outbox.deliver_due() == 0
    email.refresh_from_db()
    assert email.attempts == 1 and "KeyError" in email.last_error


def test_account_emails_are_throttled_per_address_silently(client, resident, caplog):
    reset = reverse("accounts:password_reset")
    answers = set()
    with caplog.at_level(logging.WARNING, logger="maillage.core.outbox"):
        for _ in range(emails.PER_ADDRESS_PER_HOUR + 2):
            answers.add(client.post(reset, {"email": resident.email}).url)
    assert len(answers) == 1  # the same answer every time
    assert OutboundEmail.objects.filter(address=resident.email).count() == 5
    assert [r.user_id for r in caplog.records] == [resident.pk, resident.pk]
    assert not any(resident.email in r.getMessage() for r in caplog.records)
    # Other addresses are not affected, and the limit is per hour.
    assert outbox.queue(emails.PASSWORD_RESET, "autre@exemple.test", throttle=emails.PER_ADDRESS)
    later = timezone.now() + timedelta(hours=1, seconds=1)
    assert outbox.queue(
        emails.PASSWORD_RESET, resident.email, throttle=emails.PER_ADDRESS, now=later
    )


def test_the_reset_link_is_made_at_delivery_and_nothing_secret_waits(client, resident):
    client.post(reverse("accounts:password_reset"), {"email": resident.email})
    (queued,) = OutboundEmail.objects.all()
    assert queued.context == {} and queued.user == resident
    assert outbox.deliver_due() == 1
    (message,) = mail.outbox
    assert message.to == [resident.email]
    assert f"{settings.MAILLAGE_SITE_URL.rstrip('/')}/" in message.body
    assert "/mot-de-passe/nouveau/" in message.body  # a token made at delivery
