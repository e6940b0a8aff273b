"""Smoke tests of the booking benchmarks: they run end to end and print the documented JSON.

No timing is asserted (figures depend on the machine); the benchmarks build their own SQLite
databases in a temporary folder, so these tests use no database fixture.
"""

import json
import os
import subprocess
import sys

import pytest

# Each starts the command in a subprocess and builds a database: `make test-fast` skips them.
pytestmark = pytest.mark.slow

AVAILABILITY_KEYS = {
    "places",
    "spaces",
    "bookings",
    "search_p50_ms",
    "search_p95_ms",
    "week_p95_ms",
    "database",
}
BOOKING_KEYS = {
    "attempts",
    "confirmed",
    "refused",
    "overlaps",
    "over_capacity",
    "bookings_per_s",
    "raw_sql_inserts_per_s",
    "ratio",
    "database",
}
API_KEYS = {
    "places",
    "spaces",
    "bookings",
    "clients",
    *(
        f"{name}_{figure}"
        for name in ("places", "search", "week")
        for figure in ("per_s", "p50_ms", "p95_ms")
    ),
    "search_p95_target_ms",
    "search_p95_met",
    "unlimited_per_s",
    "unlimited_p95_ms",
    "rate_limit_p95_ratio",
    "rate_limit_per_s_ratio",
    "feed_grid_seconds",
    "feed_walks",
    "errors",
    "cache",
    "database",
}


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("bench")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")
    }
    env.update(DEBUG="true", MAILLAGE_DATA_DIR=str(data_dir), MAILLAGE_TILES_URL="")

    def run(*arguments: str) -> dict:
        result = subprocess.run(
            [sys.executable, "-m", "maillage.manage", "bench", *arguments, "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout)

    run.data_dir = data_dir
    return run


def test_availability_quick(bench):
    figures = bench("availability", "--quick", "--search-samples", "5", "--week-samples", "10")
    assert set(figures) == AVAILABILITY_KEYS
    assert figures["places"] == 20
    assert figures["spaces"] == 100
    assert figures["bookings"] == 20_000
    assert figures["database"] == "sqlite"
    # Its own database, next to the configured one; never the platform's.
    assert (bench.data_dir / "bench-availability-quick.sqlite3").exists()
    assert not (bench.data_dir / "maillage.sqlite3").exists()


def test_booking_tiny_run(bench):
    figures = bench("booking", "--clients", "2", "--seconds", "2", "--spaces", "2")
    assert set(figures) == BOOKING_KEYS
    assert figures["overlaps"] == 0
    assert figures["over_capacity"] == 0
    assert figures["attempts"] >= figures["confirmed"] + figures["refused"]
    assert figures["confirmed"] > 0
    assert (bench.data_dir / "bench-booking.sqlite3").exists()


BUDGET_KEYS = {
    "attempts",
    "funded",
    "budget_cents",
    "spent_cents",
    "overspent_cents",
    "cap_violations",
    "ledger_matches",
    "database",
}


def test_budget_tiny_run(bench):
    figures = bench("budget", "--clients", "4", "--workers", "1", "--threads", "4")
    assert set(figures) == BUDGET_KEYS
    assert figures["attempts"] == 8
    # The envelope covers two of the four social rates, the credit three bookings.
    assert figures["funded"] == 5
    assert figures["spent_cents"] == figures["budget_cents"]
    assert (figures["overspent_cents"], figures["cap_violations"]) == (0, 0)
    assert figures["ledger_matches"] is True
    assert (bench.data_dir / "bench-budget.sqlite3").exists()


def test_every_audience_s_pages_answer_on_the_demo(bench):
    figures = bench("pages", "--samples", "1")
    assert set(figures) == {"samples", "pages", "database"}
    audiences = figures["pages"]
    assert set(audiences) == {"public", "resident", "manager", "staff"}
    assert {"recherche (commune sans lieu)", "lieu", "plan du site"} <= set(audiences["public"])
    assert {"espace (créneau chiffré)", "mes données"} <= set(audiences["resident"])
    assert {"accueil", "réservations (liste)", "fiche", "fermetures"} <= set(audiences["manager"])
    assert {"scénario", "deux scénarios comparés", "rapport imprimable"} <= set(audiences["staff"])
    pages = [page for audience in audiences.values() for page in audience.values()]
    assert {page["status"] for page in pages} == {200}
    assert all(page["p95_ms"] >= page["p50_ms"] > 0 for page in pages)
    assert (bench.data_dir / "bench-pages.sqlite3").exists()


def test_api_quick_run(bench):
    figures = bench("api", "--quick", "--clients", "2", "--seconds", "1", "--workers", "2")
    assert set(figures) == API_KEYS
    assert figures["errors"] == 0 and figures["clients"] == 2
    assert figures["week_per_s"] > 0 and figures["week_p95_ms"] > 0
    assert figures["unlimited_per_s"] > 0 and figures["rate_limit_p95_ratio"] > 0
    for name in ("places", "search"):
        assert figures[f"{name}_p95_ms"] >= figures[f"{name}_p50_ms"] > 0
    assert figures["database"] == "sqlite" and figures["cache"] == "database"
    walks = figures["feed_walks"]
    assert set(walks) == {"places", "spaces", "slots", "events"}
    assert walks["places"]["items"] == figures["places"]
    assert walks["spaces"]["items"] == figures["spaces"]
    assert walks["slots"]["items"] > walks["spaces"]["items"]
    assert all(walk["pages"] == -(-walk["items"] // 500) + 1 for walk in walks.values())
