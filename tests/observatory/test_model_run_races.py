"""A cancellation racing the worker's last write, on real concurrent connections."""

import itertools
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from maillage.observatory import runs, services
from maillage.observatory.models import ModelRun, Scenario

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_cancellation_during_the_save_and_the_save_never_both_win(
    staff_user, open_network, candidate_sites, monkeypatch
):
    """The worker is inside its saving transaction (scenario written, run not yet marked
    done) when a colleague cancels. PostgreSQL lets the cancellation through (no lock on the
    run yet): the worker's conditional update then finds no running run and rolls the
    scenario back. SQLite serialises write transactions: the cancellation waits, then finds
    the run done. Either way exactly one of them wins, and nothing is left half-done."""
    run = runs.request_model_run(staff_user, "Course", services.ModelRequest("mclp", p=2))
    saving, cancelled = threading.Event(), threading.Event()
    real_save = services.save_model_scenario
    outcomes = {}

    def save_then_wait(*args, **kwargs):
        scenario = real_save(*args, **kwargs)
        saving.set()
        cancelled.wait(timeout=5)  # SQLite: the cancellation waits for this transaction
        return scenario

    monkeypatch.setattr(services, "save_model_scenario", save_then_wait)

    def worker():
        ticks = itertools.count()
        try:
            outcomes["worker"] = runs.execute_model_run(run.pk, clock=lambda: next(ticks))
        finally:
            connection.close()

    def colleague():
        saving.wait(timeout=60)
        try:
            runs.cancel_model_run(staff_user, run)
            outcomes["cancel"] = "cancelled"
        except ValidationError as error:
            outcomes["cancel"] = error.messages[0]
        finally:
            cancelled.set()
            connection.close()

    threads = [threading.Thread(target=worker), threading.Thread(target=colleague)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    run.refresh_from_db()
    if connection.vendor == "postgresql":
        assert outcomes == {"worker": "cancelled", "cancel": "cancelled"}
        assert run.status == "cancelled" and run.scenario is None
        assert not Scenario.objects.exists()
    else:
        assert outcomes == {"worker": "done", "cancel": runs.ALREADY_FINISHED}
        assert run.status == "done" and run.cancelled_by is None
        assert run.scenario == Scenario.objects.get()
    assert ModelRun.objects.count() == 1
