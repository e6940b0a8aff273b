import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from maillage.observatory import runs
from maillage.observatory.models import CandidateSite
from tests.factories import make_place


def candidate_at(commune, reference: str, name: str, **fields) -> CandidateSite:
    """A candidate site at the centre of a commune."""
    values = {"owner": "departement", "kind": "college", "surface_m2": 400, **fields}
    return CandidateSite.objects.create(
        reference=reference,
        name=name,
        commune=commune,
        latitude=commune.centroid_lat,
        longitude=commune.centroid_lon,
        **values,
    )


@pytest.fixture
def candidate_sites(territory):
    """Four candidate sites at commune centres, in communes without a place."""
    codes = ["92004", "92025", "92062", "92078"]  # Asnières, Colombes, Puteaux, Villeneuve
    return [
        candidate_at(commune, f"site-{commune.insee_code}", f"Site de {commune.name}")
        for commune in territory.filter(insee_code__in=codes)
    ]


@pytest.fixture
def open_network(territory):
    """Two open places: Boulogne-Billancourt and Nanterre."""
    return [
        make_place(territory.get(insee_code=code), slug=f"ouvert-{code}")
        for code in ("92012", "92050")
    ]


@pytest.fixture
def run_worker():
    """One pass of django_tasks_db's worker over the tasks ready to run, inside the test's
    transaction: each is claimed and run by the worker's own `run_task`, as
    `db_worker --batch` does (the command itself closes the connection between tasks,
    which a test transaction cannot survive: see test_model_runs for the command).
    Returns the tasks' results, in the order run."""

    def run() -> list[DBTaskResult]:
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

    return run


@pytest.fixture
def propose(django_capture_on_commit_callbacks, run_worker):
    """Ask for a model run as `actor`, let the worker solve it; returns the run, refreshed."""

    def run(actor, name: str, request):
        with django_capture_on_commit_callbacks(execute=True):
            model_run = runs.request_model_run(actor, name, request)
        run_worker()
        model_run.refresh_from_db()
        return model_run

    return run
