"""A task worker and a scheduler loop that outlive database errors.

django_tasks_db's worker (`db_worker`) survives a failing task (recorded FAILED with its
traceback) and an SQLite «database is locked» while it picks a task, but any other database
error kills it: SQLite busy when its exclusive transaction begins, a PostgreSQL connection cut
(a restart, a failover, an idle-connection killer) while it polls or while it records a
task's result. `ResilientWorker` catches those, logs them, drops the broken connections,
puts a task interrupted that way back in the queue for later, waits with back-off and carries
on. `keep_running` does the same for any other loop (the scheduler).
"""

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import Error, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

FIRST_PAUSE = 1.0  # seconds after a first database error; doubles up to MAX_PAUSE
MAX_PAUSE = 60.0
# A loop that ran this long without a database error starts its back-off again.
HEALTHY_AFTER = 60.0


def reset_connections() -> None:
    """Close every database connection of this thread; the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Error:
            logger.info("closing a broken database connection failed", exc_info=True)


class Backoff:
    """Pauses after consecutive failures: first, 2×first, 4×first… at most `most`."""

    def __init__(self, first: float = FIRST_PAUSE, most: float = MAX_PAUSE) -> None:
        self.first = first
        self.most = most
        self.failures = 0
        self.since = time.monotonic()

    def next_pause(self) -> float:
        """The pause after one more failure (counting afresh after a healthy stretch)."""
        if time.monotonic() - self.since > HEALTHY_AFTER:
            self.failures = 0
        self.failures += 1
        self.since = time.monotonic()
        return min(self.first * 2.0 ** (self.failures - 1), self.most)


def keep_running(step: Callable[[], None], *, interval: float, backoff: Backoff) -> None:
    """Call `step` every `interval` seconds forever; a database error is logged, the
    connections are reset and the loop waits (back-off) before the next step."""
    while True:
        try:
            step()
        except Error as error:
            pause = backoff.next_pause()
            logger.warning(
                "database error (%s), retrying in %.1f s",
                type(error).__name__,
                pause,
                exc_info=True,
            )
            reset_connections()
            time.sleep(pause)
        else:
            time.sleep(interval)


class ResilientWorker(Worker):
    """db_worker's Worker that survives database errors (see the module's docstring).

    A task whose run was cut by a database error (its result left RUNNING) is made READY
    again, to run after a back-off pause: tasks must therefore be safe to run twice (they
    are: deliveries lock and mark their rows, sweeps claim theirs)."""

    def __init__(self, *, backoff: Backoff | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.backoff = backoff or Backoff()
        self.interrupted: str | None = None  # the result id of a task cut by an error
        self.pause = 0.0

    def run(self) -> None:
        while self.running:
            try:
                self._requeue_interrupted()
                super().run()
            except Error as error:
                self.pause = self.backoff.next_pause()
                logger.warning(
                    "worker %s: database error (%s), carrying on in %.1f s",
                    self.worker_id,
                    type(error).__name__,
                    self.pause,
                    exc_info=True,
                )
                reset_connections()
                self.running_task = False
                time.sleep(self.pause)
            else:
                return  # --batch or --max-tasks reached, or shut down

    def run_task(self, db_task_result: DBTaskResult[..., Any]) -> None:
        self.interrupted = str(db_task_result.pk)
        super().run_task(db_task_result)
        self.interrupted = None

    def _requeue_interrupted(self) -> None:
        """The task this worker was running when the database failed runs again later."""
        if self.interrupted is None:
            return
        DBTaskResult.objects.filter(pk=self.interrupted, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY,
            run_after=timezone.now() + timedelta(seconds=self.pause),
        )
        logger.warning("task %s was interrupted: queued again", self.interrupted)
        self.interrupted = None
