"""Model runs: asked in the request, solved by the task queue's worker, followed on their
page, cancellable by Département staff."""

import itertools
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from maillage.observatory import runs, services
from maillage.observatory.models import ModelRun, Scenario
from tests.observatory.worker import run_db_worker

pytestmark = pytest.mark.django_db

MCLP_2 = {"name": "Deux sites", "model": "mclp", "p": "2", "threshold_minutes": "15"}


def ticking_clock(step: float = 1.0):
    """A monotonic clock advancing `step` seconds at each reading."""
    ticks = itertools.count()
    return lambda: next(ticks) * step


@pytest.fixture
def other_staff(django_user_model):
    return django_user_model.objects.create_user(
        "collegue@cd92.test", "motdepasse-agent-2", is_departement_staff=True
    )


@pytest.fixture
def queued_run(staff_user, open_network, candidate_sites, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return runs.request_model_run(
            staff_user, "Deux sites", services.ModelRequest(model="mclp", p=2)
        )


def post_form(client, django_capture_on_commit_callbacks, data=MCLP_2):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("observatory:scenario_propose"), data)


def test_the_form_queues_the_run_and_the_worker_solves_it(
    client,
    staff_user,
    open_network,
    candidate_sites,
    django_capture_on_commit_callbacks,
    run_worker,
):
    client.force_login(staff_user)
    response = post_form(client, django_capture_on_commit_callbacks)
    run = ModelRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    # Nothing solved in the request: the run waits, with its task queued for the worker.
    assert run.status == "queued" and run.requested_by == staff_user
    assert (run.model, run.p, run.threshold_minutes, run.include_projects) == ("mclp", 2, 15, False)
    task = DBTaskResult.objects.get()
    assert task.task_path == "maillage.observatory.runs.run_model_task"
    assert task.args_kwargs == {"args": [run.pk], "kwargs": {}}
    assert not Scenario.objects.exists()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "En attente" in page and "Annuler le calcul" in page

    [result] = run_worker()
    assert result.status == "SUCCESSFUL" and result.return_value == "done"
    run.refresh_from_db()
    scenario = Scenario.objects.get()
    assert run.status == "done" and run.scenario == scenario and run.progress_percent == 100
    assert run.started_at <= run.finished_at
    assert scenario.name == "Deux sites" and scenario.created_by == staff_user
    assert scenario.candidate_sites.count() == 2 and scenario.model_result["optimal"] is True
    page = client.get(run.get_absolute_url()).content.decode()
    assert f'href="{scenario.get_absolute_url()}"' in page
    assert "Annuler le calcul" not in page


def test_nothing_is_queued_when_the_transaction_rolls_back(
    staff_user, open_network, candidate_sites, django_capture_on_commit_callbacks
):
    """The task is enqueued on commit: a run that does not commit leaves no task behind."""
    with django_capture_on_commit_callbacks() as callbacks:
        runs.request_model_run(staff_user, "X", services.ModelRequest(model="mclp", p=1))
    assert len(callbacks) == 1 and not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_command_runs_the_queued_run(staff_user, open_network, candidate_sites):
    """The real `db_worker --batch`, outside any test transaction."""
    run = runs.request_model_run(staff_user, "Deux sites", services.ModelRequest("mclp", p=2))
    run_db_worker()
    run.refresh_from_db()
    assert run.status == "done" and run.scenario.candidate_sites.count() == 2


def test_a_request_only_solving_can_refuse_fails_with_its_reason(
    staff_user, open_network, candidate_sites, propose
):
    run = propose(staff_user, "Tous", services.ModelRequest(model="lscp", target_share=1.0))
    assert run.status == "failed" and run.finished_at and run.scenario is None
    assert run.error_message.startswith("Objectif de couverture inatteignable : 100,0 %")
    assert not Scenario.objects.exists()
    assert DBTaskResult.objects.get().return_value == "failed"


def test_an_unexpected_error_fails_the_run_and_is_logged(
    staff_user, open_network, candidate_sites, propose, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("solveur hors service")

    monkeypatch.setattr(services.engine, "mclp", broken)
    with caplog.at_level(logging.ERROR, logger="maillage.observatory.runs"):
        run = propose(staff_user, "X", services.ModelRequest(model="mclp", p=1))
    assert run.status == "failed" and run.error_message == runs.UNEXPECTED_FAILURE
    [record] = [r for r in caplog.records if r.name == "maillage.observatory.runs"]
    assert record.getMessage() == f"Model run {run.pk} failed" and record.exc_info
    task = DBTaskResult.objects.get()  # the task queue records the error for staff too
    assert task.status == "FAILED" and task.exception_class_path == "builtins.RuntimeError"


def test_a_queued_run_cancelled_never_starts(staff_user, other_staff, queued_run, run_worker):
    runs.cancel_model_run(other_staff, queued_run)
    queued_run.refresh_from_db()
    assert queued_run.status == "cancelled" and queued_run.cancelled_by == other_staff
    assert queued_run.finished_at and queued_run.started_at is None
    [result] = run_worker()
    assert result.return_value == "cancelled"
    queued_run.refresh_from_db()
    assert queued_run.status == "cancelled" and queued_run.started_at is None
    assert not Scenario.objects.exists()


def test_a_running_run_cancelled_stops_at_its_next_progress_point(
    other_staff, queued_run, monkeypatch
):
    real_mclp = services.engine.mclp

    def cancelled_while_solving(*args, **kwargs):
        runs.cancel_model_run(other_staff, queued_run)
        return real_mclp(*args, **kwargs)  # its first message finds the run cancelled

    monkeypatch.setattr(services.engine, "mclp", cancelled_while_solving)
    assert runs.execute_model_run(queued_run.pk, clock=ticking_clock()) == "cancelled"
    queued_run.refresh_from_db()
    assert queued_run.status == "cancelled" and queued_run.stage == "solve"
    assert queued_run.scenario is None and not Scenario.objects.exists()


def test_a_finished_run_cannot_be_cancelled(staff_user, queued_run, run_worker):
    run_worker()
    with pytest.raises(ValidationError) as error:
        runs.cancel_model_run(staff_user, queued_run)
    assert error.value.messages == ["Ce calcul est déjà fini : il ne peut plus être annulé."]
    queued_run.refresh_from_db()
    assert queued_run.status == "done" and queued_run.cancelled_by is None


@pytest.mark.parametrize("actor", ["manager", "resident"])
def test_only_staff_ask_for_or_cancel_runs(request, actor, queued_run, open_network):
    user = request.getfixturevalue(actor)
    with pytest.raises(PermissionDenied):
        runs.request_model_run(user, "X", services.ModelRequest(model="mclp", p=1))
    with pytest.raises(PermissionDenied):
        runs.cancel_model_run(user, queued_run)
    assert ModelRun.objects.get().status == "queued"


def test_progress_is_written_at_most_once_a_second(staff_user, queued_run):
    ModelRun.objects.filter(pk=queued_run.pk).update(status="running")
    progress = runs.RunProgress(queued_run.pk, clock=ticking_clock(0.25))
    with CaptureQueriesContext(connection) as queries:
        for k in range(8):  # two seconds of messages, four a second
            progress(f"message\n{k}")
    assert len(queries) == 2
    queued_run.refresh_from_db()
    assert queued_run.progress_message == "message 7"  # on one line
    progress.stage("save")
    queued_run.refresh_from_db()
    assert (queued_run.stage, queued_run.progress_percent) == ("data", 5)  # within the second
    for _ in range(3):  # the third a second later: written, cut to the column's length
        progress("x" * 400)
    queued_run.refresh_from_db()
    assert (queued_run.stage, queued_run.progress_percent) == ("save", 95)
    assert queued_run.progress_message == "x" * 300


def test_a_run_shows_its_stage_and_the_engine_messages(client, staff_user, queued_run, monkeypatch):
    """What the page shows while the worker solves, read from inside the solver."""
    seen = {}
    real_mclp = services.engine.mclp

    def observed(*args, **kwargs):
        kwargs["progress"]("MCLP : 120 lignes")
        kwargs["progress"]("MCLP : 120 lignes")  # a second later: written
        queued_run.refresh_from_db()
        seen["run"] = (queued_run.status, queued_run.stage, queued_run.progress_percent)
        seen["page"] = client.get(queued_run.get_absolute_url()).content.decode()
        return real_mclp(*args, **kwargs)

    monkeypatch.setattr(services.engine, "mclp", observed)
    client.force_login(staff_user)
    runs.execute_model_run(queued_run.pk, clock=ticking_clock(0.5))
    assert seen["run"] == ("running", "solve", 40)
    assert "Résolution par le modèle (40 %)" in seen["page"]
    assert "Dernier message du calcul : MCLP : 120 lignes" in seen["page"]
    assert '<progress max="100" value="40"' in seen["page"]


def status_poll(client, run, version):
    return client.get(run.get_absolute_url(), {"depuis": version}, HTTP_HX_REQUEST="true")


def test_the_page_polls_while_the_run_is_unfinished(client, staff_user, queued_run, run_worker):
    client.force_login(staff_user)
    page = client.get(queued_run.get_absolute_url())
    html = page.content.decode()
    assert '<div id="run-status" role="status" aria-live="polite">' in html
    assert 'hx-trigger="every 2s"' in html and "htmx" in html
    # Without JavaScript, the page reloads itself.
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
    version = page.context["version"]
    # Nothing new since the version shown: no content, the live region is not read again.
    assert status_poll(client, queued_run, version).status_code == 204
    run_worker()
    fragment = status_poll(client, queued_run, version)
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert "Terminé" in html and "hx-trigger" not in html  # done: the polling stops
    assert '<div id="run-actions" hx-swap-oob="true">' in html and "Annuler" not in html
    finished = client.get(queued_run.get_absolute_url()).content.decode()
    assert "http-equiv" not in finished and "htmx" not in finished


def test_the_cancel_button_cancels_and_says_so(client, other_staff, queued_run):
    client.force_login(other_staff)  # runs are shared by the Département's staff
    url = reverse("observatory:model_run_cancel", args=[queued_run.pk])
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(queued_run.get_absolute_url(), 302)]
    html = response.content.decode()
    assert "Calcul du scénario « Deux sites » annulé." in html
    assert f"Annulé par {other_staff}" in html
    again = client.post(url, follow=True).content.decode()
    assert "Ce calcul est déjà fini : il ne peut plus être annulé." in again
    assert client.get(url).status_code == 405


def test_recent_runs_are_listed_for_staff(
    client, staff_user, queued_run, propose, django_capture_on_commit_callbacks
):
    failed = propose(staff_user, "Tous", services.ModelRequest(model="lscp", target_share=1.0))
    with django_capture_on_commit_callbacks(execute=True):
        waiting = runs.request_model_run(staff_user, "Un", services.ModelRequest("pmedian", p=1))
    client.force_login(staff_user)
    html = client.get(reverse("observatory:model_run_list")).content.decode()
    rows = html[html.index("<tbody>") :].split("<tr>")[1:]
    assert [run.pk for run in (waiting, failed, queued_run)] == list(
        ModelRun.objects.values_list("pk", flat=True)
    )  # the most recent first
    assert f'href="{waiting.get_absolute_url()}">Un<' in rows[0] and "En attente" in rows[0]
    assert f'href="{failed.get_absolute_url()}"' in rows[1] and "inatteignable" in rows[1]
    queued_run.refresh_from_db()  # solved by the same pass of the worker
    assert "Terminé" in rows[2] and queued_run.scenario.get_absolute_url() in rows[2]


@pytest.mark.parametrize("actor", ["manager", "resident"])
def test_runs_are_hidden_from_all_but_staff(client, request, actor, queued_run):
    pages = [
        ("get", reverse("observatory:model_run_list")),
        ("get", queued_run.get_absolute_url()),
        ("post", reverse("observatory:model_run_cancel", args=[queued_run.pk])),
    ]
    for method, url in pages:
        anonymous = getattr(client, method)(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/connexion/")
    client.force_login(request.getfixturevalue(actor))
    for method, url in pages:
        assert getattr(client, method)(url).status_code == 403
    queued_run.refresh_from_db()
    assert queued_run.status == "queued"


def test_a_run_abandoned_by_its_worker_is_marked_failed_and_a_live_one_is_left(queued_run):
    """A worker killed outright (SIGKILL, a restart) leaves its run «running»: the sweep
    marks it failed once silent beyond its time limit plus ABANDONED_AFTER."""
    from datetime import timedelta

    from django.utils import timezone

    assert runs._claim(queued_run.pk)
    queued_run.refresh_from_db()
    limit = timedelta(seconds=queued_run.time_limit_s or 0)
    silent_since = queued_run.updated_at
    assert runs.fail_abandoned_runs(silent_since + limit + runs.ABANDONED_AFTER) == 0
    assert ModelRun.objects.get(pk=queued_run.pk).status == "running"

    later = silent_since + limit + runs.ABANDONED_AFTER + timedelta(seconds=1)
    assert runs.fail_abandoned_runs(later) == 1
    run = ModelRun.objects.get(pk=queued_run.pk)
    assert (run.status, run.error_message) == ("failed", runs.ABANDONED)
    assert run.finished_at >= silent_since
    # A progress write of a worker that was only slow now stops it.
    with pytest.raises(runs.RunCancelled):
        runs.RunProgress(run.pk, ticking_clock(10.0)).stage("solve")
    assert runs.fail_abandoned_runs(timezone.now() + timedelta(days=2)) == 0


def test_the_abandoned_runs_sweep_is_scheduled():
    from maillage.core import schedule

    assert runs.fail_abandoned_runs_task in [entry.task for entry in schedule.periodic_tasks()]
