"""The booking module's periodic work, run end to end: the scheduler enqueues it at its
time, the worker runs it, and the emails it queues leave through the same worker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from maillage.booking.models import Booking, BookingStatus
from maillage.core import schedule
from maillage.core.worker import ResilientWorker
from tests.booking import on_page

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def test_the_scheduled_reminders_run_through_the_worker(booker, room):
    tomorrow = timezone.localtime() + timedelta(days=1)
    start = tomorrow.replace(hour=10, minute=0, second=0, microsecond=0)
    on_page.book(booker, room.pk, start, start + timedelta(hours=1))
    run_worker()  # the confirmation
    mail.outbox.clear()
    assert "maillage.booking.tasks.send_reminders" in schedule.tick()
    run_worker()  # the reminders, then the emails they queued
    assert [m.subject.split(" — ")[0] for m in mail.outbox] == ["Rappel : votre réservation demain"]
    schedule.tick(timezone.now() + timedelta(days=1))
    run_worker()
    assert len(mail.outbox) == 1  # reminded once


def test_requests_past_their_deadline_expire(booker, room, bookable_place):
    bookable_place.requires_approval = True
    bookable_place.save()
    start = (timezone.localtime() + timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    asked = on_page.book(booker, room.pk, start, start + timedelta(hours=1))
    Booking.objects.filter(pk=asked.pk).update(pending_until=timezone.now())
    schedule.tick()
    run_worker()
    asked.refresh_from_db()
    assert asked.status == BookingStatus.EXPIRED
