"""What an operator and a load balancer read of the platform's state: the database, the task
queue's backlog and its oldest waiting task, the outgoing emails stuck or abandoned.

Every figure is read from the database, so that all app servers and workers report the same
values whichever process answers (nothing is kept in one process's memory).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError, connection
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from maillage.booking.models import Booking, BookingStatus
from maillage.core.models import OutboundEmail


@dataclass(frozen=True)
class TaskQueue:
    """The task queue: `waiting` tasks due now (READY, their run_after passed), the age in
    seconds of the oldest of them (0.0 when none waits), and `failed` tasks kept in the
    results table (their count only grows until results are purged)."""

    waiting: int
    oldest_waiting_seconds: float
    failed: int


@dataclass(frozen=True)
class Outbox:
    """Outgoing emails: `waiting` to be sent (neither sent nor abandoned), the age in seconds
    of the oldest of them (0.0 when none waits), and `failed` (abandoned after their last
    attempt)."""

    waiting: int
    oldest_waiting_seconds: float
    failed: int


def database_up() -> bool:
    """Whether the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _age_seconds(since: datetime | None, now: datetime) -> float:
    return max(0.0, (now - since).total_seconds()) if since is not None else 0.0


def task_queue(now: datetime | None = None) -> TaskQueue:
    """The task queue's backlog at `now` (UTC; the current time by default). A task enqueued
    to run at once waits since its enqueueing; one deferred to a `run_after` waits from
    then. Raises DatabaseError when the database does not answer."""
    now = now or timezone.now()
    due = DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after=get_date_max()) | Q(run_after__lte=now)
    )
    at_once = due.filter(run_after=get_date_max()).aggregate(
        count=Count("id"), since=Min("enqueued_at")
    )
    deferred = due.exclude(run_after=get_date_max()).aggregate(
        count=Count("id"), since=Min("run_after")
    )
    oldest = max(_age_seconds(at_once["since"], now), _age_seconds(deferred["since"], now))
    failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()
    return TaskQueue(at_once["count"] + deferred["count"], oldest, failed)


def outbox(now: datetime | None = None) -> Outbox:
    """The outgoing emails at `now` (UTC; the current time by default). Raises DatabaseError
    when the database does not answer."""
    now = now or timezone.now()
    waiting = OutboundEmail.objects.filter(sent_at__isnull=True, failed_at__isnull=True)
    figures = waiting.aggregate(count=Count("id"), since=Min("created_at"))
    failed = OutboundEmail.objects.filter(failed_at__isnull=False).count()
    return Outbox(figures["count"], _age_seconds(figures["since"], now), failed)


def bookings_by_status() -> dict[str, int]:
    """How many bookings there are in each status (every status named, 0 included). Raises
    DatabaseError when the database does not answer."""
    counts = dict(
        Booking.objects.order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in BookingStatus.values}
