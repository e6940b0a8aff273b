"""The community's work outside requests, end to end: the scheduler enqueues the daily
funding reminders, the worker runs them, and the emails leave through the same worker; an
announcement's emails are sent by the worker too."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from maillage.community import announcements, funding
from maillage.core import schedule
from maillage.core.worker import ResilientWorker
from tests.community.samples import opportunity_fields
from tests.factories import ManagerFactory

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


def test_the_daily_reminders_run_through_the_scheduler_and_the_worker(staff_user, place):
    ManagerFactory(email="lea@lieu.test", places=[place])
    funding.save_opportunity(
        staff_user, None, opportunity_fields(deadline=timezone.now() + timedelta(days=2))
    )
    assert "maillage.community.tasks.send_funding_reminders" in schedule.tick()
    run_worker()  # the reminders, then the emails they queued
    assert [m.to for m in mail.outbox] == [["lea@lieu.test"]]
    assert "dans 2 jours" in mail.outbox[0].body
    tomorrow = timezone.now() + timedelta(days=1)
    schedule.tick(tomorrow)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        run_worker()
    assert len(mail.outbox) == 1  # reminded once per threshold


def test_an_announcement_leaves_through_the_worker(staff_user, place):
    ManagerFactory(email="lea@lieu.test", places=[place])
    announcements.publish(staff_user, title="Rencontre", body="Le 12 janvier.")
    assert mail.outbox == []
    run_worker()
    assert [m.subject for m in mail.outbox] == ["Maillage : annonce du Département — Rencontre"]
