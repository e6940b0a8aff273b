"""The task worker never dies of one error: a failing task, SQLite busy, a PostgreSQL
connection cut. Real workers run here against the test database."""

import signal
import sqlite3
import threading
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from django_tasks_db.models import DBTaskResult

from maillage.core.worker import Backoff, ResilientWorker, keep_running
from tests.core import task_samples
from tests.waiting import wait_until

WORKER_SIGNALS = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]


@pytest.fixture(autouse=True)
def fresh_runs():
    task_samples.runs.clear()


def worker(max_tasks: int) -> ResilientWorker:
    return ResilientWorker(
        queue_names=["default"],
        interval=0.01,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
        excluded_queue_names=[],
        backoff=Backoff(first=0.05, most=0.2),
    )


def statuses() -> dict[str, str]:
    return {r.task_path.rsplit(".", 1)[1]: r.status for r in DBTaskResult.objects.all()}


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_does_not_stop_the_worker():
    task_samples.explode.enqueue()
    task_samples.note.enqueue("après")
    worker(max_tasks=2).run()
    assert task_samples.runs == ["explode", "après"]
    assert statuses() == {"explode": "FAILED", "note": "SUCCESSFUL"}
    failed = DBTaskResult.objects.get(status="FAILED")
    assert "une tâche qui échoue" in failed.traceback  # what staff see in the admin


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_what_is_queued():
    task_samples.note.enqueue("commande")
    handlers = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
    try:
        call_command("worker", "--batch", "--interval", "0.01")
    finally:  # the command sets its own (graceful shutdown)
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert task_samples.runs == ["commande"]
    assert statuses() == {"note": "SUCCESSFUL"}


@pytest.mark.django_db(transaction=True)
def test_a_cut_postgresql_connection_does_not_stop_the_worker():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: the backend is terminated with pg_terminate_backend")
    task_samples.cut_own_connection_once.enqueue()
    task_samples.note.enqueue("ensuite")
    # The cut run counts as one; the task runs again (requeued), then the other one.
    worker(max_tasks=3).run()
    assert task_samples.runs.count("cut") == 2 and "ensuite" in task_samples.runs
    assert statuses() == {"cut_own_connection_once": "SUCCESSFUL", "note": "SUCCESSFUL"}
    (cut,) = DBTaskResult.objects.filter(task_path__endswith="cut_own_connection_once")
    assert cut.return_value == "reconnected" and cut.worker_ids == ["test-worker"] * 2


@pytest.mark.django_db(transaction=True)
def test_a_postgresql_connection_cut_between_tasks_does_not_stop_the_worker():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL: the backend is terminated with pg_terminate_backend")
    task_samples.note.enqueue("avant")
    running = worker(max_tasks=2)
    thread = threading.Thread(target=_run_and_close, args=[running])
    thread.start()
    wait_until(lambda: task_samples.runs == ["avant"])
    with connection.cursor() as cursor:  # every other connection to the test database
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    task_samples.note.enqueue("après")
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert task_samples.runs == ["avant", "après"]
    # Where the cut lands is left to chance: while the worker sleeps, Django's health check
    # reconnects; in the middle of a poll, db_worker's loop dies and this worker carries on
    # (the cut inside a task, above, is the deterministic case).


@pytest.mark.django_db(transaction=True)
def test_a_busy_sqlite_database_does_not_stop_the_worker(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite: another process holds the write lock")
    # Wait 0.1 s (not 20) for the lock, so that the worker meets «database is locked».
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.1)
    task_samples.note.enqueue("enfin")
    holder = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    running = worker(max_tasks=1)
    thread = threading.Thread(target=_run_and_close, args=[running])
    thread.start()
    time.sleep(1)  # the worker meets the lock several times
    assert thread.is_alive() and task_samples.runs == []
    holder.execute("ROLLBACK")
    holder.close()
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert task_samples.runs == ["enfin"]
    assert running.backoff.failures >= 1  # it did meet the lock


def _run_and_close(running: ResilientWorker) -> None:
    try:
        running.run()
    finally:
        connections.close_all()


def test_the_scheduler_loop_outlives_a_database_error():
    """`keep_running` (the scheduler's loop) goes on after a database error, with back-off."""

    class Stop(Exception):
        pass

    calls = []
    backoff = Backoff(first=0.01)

    def step():
        calls.append(len(calls))
        if len(calls) == 1:
            raise OperationalError("database is locked")
        raise Stop

    with pytest.raises(Stop):
        keep_running(step, interval=0, backoff=backoff)
    assert calls == [0, 1] and backoff.failures == 1
