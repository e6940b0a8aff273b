"""Tasks for the worker's tests (importable by path, as the worker needs)."""

from django.db import connection
from django_tasks import task

runs: list[str] = []


@task()
def explode() -> None:
    runs.append("explode")
    raise RuntimeError("une tâche qui échoue")


@task()
def note(label: str) -> str:
    runs.append(label)
    return label


@task()
def cut_own_connection_once() -> str:
    """The first run has PostgreSQL end this worker's connection (as a restart or a killed
    idle connection would), the next one succeeds."""
    runs.append("cut")
    if runs.count("cut") == 1:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    return "reconnected"
