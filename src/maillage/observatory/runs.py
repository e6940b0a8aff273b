"""Model runs on the task queue: a staff member asks, the worker solves, the page follows.

`request_model_run` checks the request and queues it (in the request: fast);
`run_model_task`, on the worker, solves it through `services.run_model`, writing the
run's stage and the engine's messages at most once a second, and saves the scenario;
`cancel_model_run` stops a run that has not finished. A run's status only moves forward:
queued → running → done or failed; queued or running → cancelled. Each move is one
conditional UPDATE, so a cancellation and the worker's last write cannot both win
(tests/observatory/test_model_run_races.py).
"""

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from maillage.observatory import services
from maillage.observatory.models import (
    MAX_RUN_TIME_LIMIT_S,
    RUN_STAGE_PERCENT,
    UNFINISHED_RUN_STATUSES,
    ModelRun,
    ModelRunStage,
    ModelRunStatus,
)

logger = logging.getLogger(__name__)

# Least time between two progress writes of a run, in seconds.
PROGRESS_INTERVAL_S = 1.0
UNEXPECTED_FAILURE = (
    "Le calcul s'est arrêté sur une erreur inattendue, consignée dans le journal du serveur. "
    "Relancez-le ; si l'erreur revient, signalez-la à l'équipe technique."
)
ALREADY_FINISHED = "Ce calcul est déjà fini : il ne peut plus être annulé."
ABANDONED = "Le calcul a été interrompu (le serveur qui le menait s'est arrêté) : relancez-le."
# A running run whose row has not been written for its own time limit plus this long lost
# its worker (killed outright, or the machine restarted): nothing else would ever finish it.
ABANDONED_AFTER = timedelta(minutes=10)


class RunCancelled(Exception):
    """Raised from a progress point when the run was cancelled: the solver stops there."""


def model_request(run: ModelRun) -> services.ModelRequest:
    return services.ModelRequest(
        model=run.model,
        threshold_minutes=run.threshold_minutes,
        p=run.p,
        target_share=run.target_share,
        include_projects=run.include_projects,
        time_limit=run.time_limit_s,
    )


@transaction.atomic
def request_model_run(actor, name: str, request: services.ModelRequest) -> ModelRun:
    """Record a run of `request` asked by `actor` (Département staff) for a scenario named
    `name`, and queue it for the worker once the transaction commits. Nothing is solved here.

    Raises PermissionDenied for anyone but staff, ValidationError (French, keyed by the
    form's fields) for a name or request refused before solving; nothing is written then."""
    services.require_staff(actor)
    services.model_candidates(request)
    run = ModelRun(
        name=name,
        model=request.model,
        threshold_minutes=request.threshold_minutes,
        p=request.p,
        target_share=request.target_share,
        include_projects=request.include_projects,
        time_limit_s=request.time_limit,
        requested_by=actor,
    )
    run.full_clean()
    run.save()
    transaction.on_commit(partial(run_model_task.enqueue, run.pk))
    return run


def cancel_model_run(actor, run: ModelRun) -> None:
    """Cancel a queued or running run. A queued run will not start; a running one stops at
    its next progress point and saves nothing.

    Raises PermissionDenied for anyone but staff, ValidationError (French) when the run has
    already finished (done, failed or cancelled)."""
    services.require_staff(actor)
    now = timezone.now()
    cancelled = ModelRun.objects.filter(pk=run.pk, status__in=UNFINISHED_RUN_STATUSES).update(
        status=ModelRunStatus.CANCELLED, cancelled_by=actor, finished_at=now, updated_at=now
    )
    if not cancelled:
        raise ValidationError(ALREADY_FINISHED)


class RunProgress:
    """The progress callbacks of one running run, for `services.run_model`.

    Every call records the stage or message in memory; the database row is written when
    at least `interval` seconds (on `clock`, monotonic) have passed since the last write.
    Each write also checks that the run is still running: if it was cancelled, the call
    raises RunCancelled, which stops the solver."""

    def __init__(
        self,
        run_id: int,
        clock: Callable[[], float] = time.monotonic,
        interval: float = PROGRESS_INTERVAL_S,
    ):
        self.run_id = run_id
        self.clock = clock
        self.interval = interval
        self.current_stage = ModelRunStage.DATA
        self.message = ""
        self.last_write = clock()  # the claim has just written the row

    def stage(self, stage: str) -> None:
        self.current_stage = ModelRunStage(stage)
        self.message = ""
        self._write()

    def __call__(self, message: str) -> None:
        one_line = " ".join(message.split())  # the column's rule: one line
        self.message = one_line[: ModelRun._meta.get_field("progress_message").max_length]
        self._write()

    def _write(self) -> None:
        now = self.clock()
        if now - self.last_write < self.interval:
            return
        self.last_write = now
        written = ModelRun.objects.filter(pk=self.run_id, status=ModelRunStatus.RUNNING).update(
            stage=self.current_stage,
            progress_percent=RUN_STAGE_PERCENT[self.current_stage],
            progress_message=self.message,
            updated_at=timezone.now(),
        )
        if not written:
            raise RunCancelled


def _claim(run_id: int) -> bool:
    now = timezone.now()
    return bool(
        ModelRun.objects.filter(pk=run_id, status=ModelRunStatus.QUEUED).update(
            status=ModelRunStatus.RUNNING,
            stage=ModelRunStage.DATA,
            progress_percent=RUN_STAGE_PERCENT[ModelRunStage.DATA],
            started_at=now,
            updated_at=now,
        )
    )


def _fail(run_id: int, message: str) -> None:
    now = timezone.now()
    ModelRun.objects.filter(pk=run_id, status=ModelRunStatus.RUNNING).update(
        status=ModelRunStatus.FAILED, error_message=message, finished_at=now, updated_at=now
    )


@transaction.atomic
def _save(run: ModelRun, result, candidates) -> None:
    """Save the scenario and mark the run done, in one transaction: if the run was
    cancelled meanwhile, the conditional update finds no running run and RunCancelled rolls
    the scenario back. A cancellation after this commits finds the run finished."""
    scenario = services.save_model_scenario(
        run.requested_by, run.name, model_request(run), result, candidates
    )
    now = timezone.now()
    done = ModelRun.objects.filter(pk=run.pk, status=ModelRunStatus.RUNNING).update(
        status=ModelRunStatus.DONE,
        stage=ModelRunStage.FINISHED,
        progress_percent=RUN_STAGE_PERCENT[ModelRunStage.FINISHED],
        progress_message="",
        scenario=scenario,
        finished_at=now,
        updated_at=now,
    )
    if not done:
        raise RunCancelled


def execute_model_run(run_id: int, clock: Callable[[], float] = time.monotonic) -> str:
    """Solve a queued run and record its outcome; returns its final status.

    Runs outside any transaction (the worker's autocommit), so that each progress write is
    seen at once by the page. A run no longer queued (cancelled, or taken by another
    worker) is left alone. A request the data or the engine refuse marks the run failed
    with their French message; any other error marks it failed with a general message,
    is logged with its traceback and raised again, so that the task queue records it."""
    if not _claim(run_id):
        logger.info("Model run %s not queued any more: skipped", run_id)
        return ModelRun.objects.values_list("status", flat=True).get(pk=run_id)
    run = ModelRun.objects.select_related("requested_by").get(pk=run_id)
    progress = RunProgress(run_id, clock)
    try:
        result, candidates = services.run_model(model_request(run), progress, progress.stage)
        progress.stage(ModelRunStage.SAVE)
        _save(run, result, candidates)
    except RunCancelled:
        logger.info("Model run %s cancelled while running", run_id)
        return ModelRunStatus.CANCELLED
    except (ValidationError, PermissionDenied) as error:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        logger.info("Model run %s refused: %s", run_id, " ".join(messages))
        _fail(run_id, " ".join(messages))
        return ModelRunStatus.FAILED
    except Exception:
        logger.exception("Model run %s failed", run_id)
        _fail(run_id, UNEXPECTED_FAILURE)
        raise
    return ModelRunStatus.DONE


def fail_abandoned_runs(now: datetime | None = None) -> int:
    """Mark failed, with ABANDONED, the running runs silent for longer than their time
    limit (seconds; MAX_RUN_TIME_LIMIT_S when they have none) plus ABANDONED_AFTER at `now`;
    returns how many. A worker still solving
    one of them stops at its next progress write (RunCancelled)."""
    now = now or timezone.now()
    running = ModelRun.objects.filter(status=ModelRunStatus.RUNNING).values_list(
        "pk", "updated_at", "time_limit_s"
    )
    abandoned = [
        pk
        for pk, updated_at, limit_s in running
        if updated_at < now - timedelta(seconds=limit_s or MAX_RUN_TIME_LIMIT_S) - ABANDONED_AFTER
    ]
    for pk in abandoned:
        logger.warning("Model run %s abandoned by its worker: marked failed", pk)
        _fail(pk, ABANDONED)
    return len(abandoned)


@task()
def fail_abandoned_runs_task() -> int:
    """The scheduler's entry point for `fail_abandoned_runs`."""
    return fail_abandoned_runs()


@task()
def run_model_task(run_id: int) -> str:
    """The task queue's entry point for a model run (see `execute_model_run`)."""
    return execute_model_run(run_id)
