"""Periodic work: declared in one registry, enqueued by the scheduler once per slot even
when two schedulers run at once."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django_tasks_db.models import DBTaskResult

from maillage.core import schedule
from maillage.core.models import ScheduledRun
from tests.core import task_samples

AT = datetime(2026, 11, 30, 15, 59, 30, tzinfo=UTC)


def test_the_periodic_work_is_declared_in_one_registry():
    periods = {item.name: (item.period, item.offset) for item in schedule.periodic_tasks()}
    assert periods == {
        "maillage.api.tasks.forget_expired_access": (timedelta(days=1), timedelta(hours=3)),
        "maillage.api.webhook_delivery.deliver_webhooks": (timedelta(minutes=1), timedelta(0)),
        "maillage.api.webhook_delivery.dispatch_webhooks": (timedelta(minutes=1), timedelta(0)),
        "maillage.api.webhook_delivery.purge_webhook_deliveries": (
            timedelta(days=1),
            timedelta(hours=3, minutes=20),
        ),
        "maillage.booking.tasks.expire_requests": (timedelta(minutes=5), timedelta(0)),
        "maillage.booking.tasks.refresh_feed_slots": (timedelta(minutes=5), timedelta(minutes=1)),
        "maillage.booking.tasks.refresh_external_calendars": (
            timedelta(minutes=30),
            timedelta(minutes=10),
        ),
        "maillage.booking.tasks.send_digests": (timedelta(days=1), timedelta(hours=5)),
        "maillage.booking.tasks.send_reminders": (timedelta(days=1), timedelta(hours=16)),
        "maillage.community.tasks.send_funding_reminders": (timedelta(days=1), timedelta(hours=6)),
        "maillage.core.feed_tombstones.purge_feed_tombstones": (
            timedelta(days=1),
            timedelta(hours=2),
        ),
        "maillage.core.outbox.deliver_emails": (timedelta(minutes=1), timedelta(0)),
        "maillage.core.retention.purge_task_results": (timedelta(days=1), timedelta(hours=4)),
        "maillage.core.retention.purge_access_logs": (
            timedelta(days=1),
            timedelta(hours=4, minutes=10),
        ),
        "maillage.core.retention.purge_sent_emails": (
            timedelta(days=1),
            timedelta(hours=4, minutes=20),
        ),
        "maillage.core.retention.purge_action_logs": (
            timedelta(days=1),
            timedelta(hours=4, minutes=30),
        ),
        "maillage.eligibility.tasks.purge_expired_statuses": (
            timedelta(days=1),
            timedelta(hours=2, minutes=30),
        ),
        "maillage.events.tasks.expire_offers": (timedelta(minutes=5), timedelta(minutes=2)),
        "maillage.events.tasks.restamp_feed_items_on_time": (
            timedelta(minutes=5),
            timedelta(minutes=3),
        ),
        "maillage.events.tasks.send_reminders": (
            timedelta(days=1),
            timedelta(hours=16, minutes=20),
        ),
        "maillage.eligibility.tasks.send_expiry_notices": (timedelta(days=1), timedelta(hours=7)),
        "maillage.observatory.runs.fail_abandoned_runs_task": (
            timedelta(minutes=5),
            timedelta(0),
        ),
        "maillage.offices.tasks.purge_requests": (
            timedelta(days=1),
            timedelta(hours=3, minutes=10),
        ),
        "maillage.reimbursements.tasks.issue_closed_months": (
            timedelta(days=1),
            timedelta(hours=2, minutes=30),
        ),
    }


def test_slots_are_aligned_on_utc():
    day, four_pm = timedelta(days=1), timedelta(hours=16)
    assert schedule.slot_of(day, AT, four_pm) == datetime(2026, 11, 29, 16, tzinfo=UTC)
    assert schedule.slot_of(day, AT + timedelta(seconds=30), four_pm) == datetime(
        2026, 11, 30, 16, tzinfo=UTC
    )
    assert schedule.slot_of(timedelta(minutes=5), AT) == datetime(2026, 11, 30, 15, 55, tzinfo=UTC)


@pytest.mark.parametrize(
    ("period", "offset"),
    [
        (timedelta(0), timedelta(0)),
        (timedelta(seconds=1.5), timedelta(0)),
        (timedelta(hours=1), timedelta(hours=1)),
        (timedelta(hours=1), timedelta(minutes=-1)),
    ],
)
def test_a_period_or_offset_that_makes_no_slots_is_refused(period, offset):
    with pytest.raises(ValueError, match="whole seconds"):
        schedule.every(period, task_samples.note, offset)


@pytest.mark.django_db
def test_each_slot_is_enqueued_once():
    names = [item.name for item in schedule.periodic_tasks()]
    assert schedule.tick(AT) == names
    assert schedule.tick(AT + timedelta(seconds=20)) == []  # same slots
    # 16:00: every slot is new (each period divides a day) but those of the daily tasks
    # starting at another hour (the digest at 05:00, the funding reminders at 06:00,
    # eligibility's at 02:30 and 07:00, the statements' at 02:30, the office requests' purge
    # at 03:10, the API's clean-up at 03:00, the webhook log's purge at 03:20, the feeds'
    # tombstones' purge at 02:00, the retention purges from 04:00 to 04:30, the workshops'
    # reminders at 16:20), the calendars' import
    # (at :10 and :40), the slots grid's refresh (at :01 and :06), the waiting lists' sweep
    # (at :02 and :07) and the feeds' sweep over time (at :03 and :08).
    elsewhere = {
        "maillage.api.tasks.forget_expired_access",
        "maillage.api.webhook_delivery.purge_webhook_deliveries",
        "maillage.booking.tasks.refresh_external_calendars",
        "maillage.booking.tasks.refresh_feed_slots",
        "maillage.booking.tasks.send_digests",
        "maillage.community.tasks.send_funding_reminders",
        "maillage.core.feed_tombstones.purge_feed_tombstones",
        "maillage.core.retention.purge_access_logs",
        "maillage.core.retention.purge_action_logs",
        "maillage.core.retention.purge_sent_emails",
        "maillage.core.retention.purge_task_results",
        "maillage.eligibility.tasks.purge_expired_statuses",
        "maillage.eligibility.tasks.send_expiry_notices",
        "maillage.events.tasks.expire_offers",
        "maillage.events.tasks.restamp_feed_items_on_time",
        "maillage.events.tasks.send_reminders",
        "maillage.offices.tasks.purge_requests",
        "maillage.reimbursements.tasks.issue_closed_months",
    }
    assert schedule.tick(AT + timedelta(seconds=30)) == [n for n in names if n not in elsewhere]
    # 16:01: the tasks of every minute, and the slots grid's refresh.
    at_one = [
        "maillage.api.webhook_delivery.deliver_webhooks",
        "maillage.api.webhook_delivery.dispatch_webhooks",
        "maillage.booking.tasks.refresh_feed_slots",
        "maillage.core.outbox.deliver_emails",
    ]
    assert schedule.tick(AT + timedelta(minutes=1, seconds=30)) == at_one
    assert (
        DBTaskResult.objects.count()
        == ScheduledRun.objects.count()
        == 2 * len(names) - len(elsewhere) + len(at_one)
    )
    # Claimed slots are pruned after a week.
    schedule.tick(AT + schedule.KEEP + timedelta(days=1))
    assert ScheduledRun.objects.filter(slot__lt=AT + timedelta(days=1)).count() == 0


@pytest.mark.django_db
def test_the_scheduler_command_enqueues_what_is_due(capsys):
    call_command("scheduler", "--once")
    assert "Mise en file : maillage.core.outbox.deliver_emails" in capsys.readouterr().out
    assert DBTaskResult.objects.count() == len(schedule.periodic_tasks())  # all new slots


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_enqueue_each_slot_once():
    """Both look, find the slot free and insert: PostgreSQL makes the second wait for the
    first's commit and refuses it; SQLite serialises them."""
    rounds = 5
    start = threading.Barrier(2)
    enqueued: list[list[str]] = [[], []]

    def scheduler(index: int) -> None:
        try:
            for day in range(rounds):
                start.wait(timeout=30)
                enqueued[index] += schedule.tick(AT + timedelta(days=day))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler, args=[i]) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    per_round = len(schedule.periodic_tasks())
    assert len(enqueued[0]) + len(enqueued[1]) == rounds * per_round
    assert DBTaskResult.objects.count() == ScheduledRun.objects.count() == rounds * per_round
