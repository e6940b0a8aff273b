"""Periodic tasks: one registry, one scheduler (`maillage scheduler`).

Apps declare their periodic tasks in `AppConfig.ready` with `every(period, task)`; the
scheduler calls `tick()` every few seconds. For each task, the current slot (the time
floored to a multiple of its period since 1970-01-01 00:00 UTC plus its offset: every 5
minutes at :00, :05…; every day at 16:00 UTC) is claimed by inserting a `ScheduledRun` row
in the same transaction as the enqueueing. The pair (task, slot) is unique: when two
schedulers run at once, the second insert fails (PostgreSQL makes it wait for the first to
commit), and that scheduler skips the slot. Each slot is thus enqueued once, however many
schedulers run.

A slot missed while no scheduler ran is not caught up: periodic tasks are sweeps (send what
is due, expire what is late), so the next slot does the work.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

from maillage.core.models import ScheduledRun

KEEP = timedelta(days=7)  # claimed slots are kept this long (for staff to see), then pruned


@dataclass(frozen=True)
class Periodic:
    """`task` (no arguments) is enqueued once per `period`, at `offset` into it (UTC)."""

    task: Task[[], Any]
    period: timedelta
    offset: timedelta = timedelta(0)

    @property
    def name(self) -> str:
        return self.task.module_path


_periodic: dict[str, Periodic] = {}


def every(period: timedelta, task: Task[[], Any], offset: timedelta = timedelta(0)) -> None:
    """Run `task` once per `period` (whole seconds, at least one), `offset` into each
    period (UTC; within the period). Raises ValueError otherwise."""
    seconds = period.total_seconds()
    if seconds < 1 or seconds % 1 or not timedelta(0) <= offset < period:
        raise ValueError(f"{task.module_path}: a period of whole seconds, an offset within it")
    _periodic[task.module_path] = Periodic(task, period, offset)


def periodic_tasks() -> list[Periodic]:
    """The registered periodic tasks, by name."""
    return sorted(_periodic.values(), key=lambda item: item.name)


def slot_of(period: timedelta, now: datetime, offset: timedelta = timedelta(0)) -> datetime:
    """The start (UTC) of the slot of `period` (shifted by `offset`) holding `now`."""
    seconds, shift = int(period.total_seconds()), int(offset.total_seconds())
    start = (int(now.timestamp()) - shift) // seconds * seconds + shift
    return datetime.fromtimestamp(start, UTC)


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue each periodic task whose current slot nobody has claimed yet; the names of
    those this call enqueued."""
    now = now or timezone.now()
    enqueued = []
    for item in periodic_tasks():
        slot = slot_of(item.period, now, item.offset)
        if ScheduledRun.objects.filter(task_name=item.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(task_name=item.name, slot=slot, enqueued_at=now)
                # Same transaction as the claim with the database backend: both or neither.
                item.task.enqueue()
        except IntegrityError:
            continue  # another scheduler claimed it
        enqueued.append(item.name)
    if enqueued:
        ScheduledRun.objects.filter(slot__lt=now - KEEP).delete()
    return enqueued
