import pytest

from maillage.observatory import runs
from tests.factories import PlaceFactory, candidate_at
from tests.observatory.worker import run_ready_tasks


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
        PlaceFactory(commune=territory.get(insee_code=code), slug=f"ouvert-{code}")
        for code in ("92012", "92050")
    ]


@pytest.fixture
def run_worker():
    """One pass of the worker over the ready tasks (`worker.run_ready_tasks`)."""
    return run_ready_tasks


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
