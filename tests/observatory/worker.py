"""Running the task queue's worker in tests."""

import signal
from io import StringIO

from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_db_worker() -> None:
    """The real `db_worker --batch`: every ready task, then back, the signal handlers it set
    undone. It closes the connection between tasks: only in transactional tests."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def run_ready_tasks() -> list[DBTaskResult]:
    """One pass of django_tasks_db's worker over the ready tasks, inside the test's
    transaction: each is claimed and run by the worker's own `run_task`, as
    `db_worker --batch` does. Returns the tasks' results, in the order run."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    results = []
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        result.refresh_from_db()
        results.append(result)
    return results
