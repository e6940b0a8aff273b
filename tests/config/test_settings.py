"""Production settings, run as a real process with the environment production would have."""

import os
import secrets
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "tiers-lieux.exemple.fr",
    "MAILLAGE_SITE_URL": "https://tiers-lieux.exemple.fr",
}


# PYTHONPATH too: the process runs the sources under test, not whichever the venv installed.
SYSTEM_VARIABLES = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH"}


def run_maillage(tmp_path, *args: str, **env: str) -> subprocess.CompletedProcess:
    # Only what a server's environment would hold: the test run's own variables stay out.
    clean = {k: v for k, v in os.environ.items() if k in SYSTEM_VARIABLES}
    clean.update(MAILLAGE_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "maillage.manage", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_maillage(tmp_path, "check", **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is false" in result.stderr


@pytest.mark.parametrize("key", ["django-insecure-" + "x" * 50, "short-but-random-93"])
def test_production_refuses_a_placeholder_or_short_key(tmp_path, key):
    result = run_maillage(tmp_path, "check", SECRET_KEY=key, **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_is_clean_in_production_settings(tmp_path):
    result = run_maillage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def without_database(tmp_path, script: str) -> str:
    """What `script` prints, run after django.setup() in a process whose database cannot be
    reached (an SQLite file in a folder that does not exist)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="maillage.config.settings_test",
        DATABASE_URL=f"sqlite:///{tmp_path}/absent/folder/db.sqlite3",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + script],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_and_readiness_report_an_unreachable_database(tmp_path, path):
    printed = without_database(
        tmp_path,
        "from django.test import Client;"
        f"r = Client().get('{path}');"
        "print(r.status_code, r.content.decode())",
    )
    assert printed == '503 {"status": "error", "database": "error"}'


def test_the_metrics_say_the_database_is_down_rather_than_fail(tmp_path):
    printed = without_database(
        tmp_path,
        "from maillage.monitoring.metrics import exposition;"
        "print([l for l in exposition().decode().splitlines() if l.startswith('maillage_')])",
    )
    assert printed == "['maillage_database_up 0.0']"


def test_static_files_collect_with_the_production_storage(tmp_path):
    result = run_maillage(
        tmp_path,
        "collectstatic",
        "--noinput",
        SECRET_KEY=secrets.token_urlsafe(50),
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    for name in (
        "web/map.js",
        "leaflet/leaflet.js",
        "leaflet-markercluster/leaflet.markercluster.js",
    ):
        assert name in manifest


def test_postgresql_options_of_the_database_url_are_kept_beside_the_lock_timeout(tmp_path):
    """The lock timeout replaced whatever `options` DATABASE_URL gave (a search_path…)."""
    url = "postgres://maillage@127.0.0.1:5432/maillage?options=-c%20search_path%3Dmaillage"
    result = run_maillage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        DEBUG="true",
        DATABASE_URL=url,
    )
    assert result.returncode == 0, result.stderr
    assert "'-c lock_timeout=20s -c search_path=maillage'" in result.stdout, result.stdout


@pytest.mark.parametrize("site_url", [None, "http://127.0.0.1:8000"])
def test_production_refuses_to_start_without_its_https_address(tmp_path, site_url):
    """Account and booking emails link to MAILLAGE_SITE_URL only: unset, every verification
    and password reset link led to 127.0.0.1."""
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(50)}
    env.pop("MAILLAGE_SITE_URL")
    if site_url:
        env["MAILLAGE_SITE_URL"] = site_url
    result = run_maillage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "MAILLAGE_SITE_URL is required when HTTPS is on" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("MAILLAGE_TASK_RESULT_RETENTION_DAYS", "0", "at least 1"),
        ("MAILLAGE_ACCESS_LOG_RETENTION_DAYS", "3651", "at most 3650"),
        ("MAILLAGE_EMAIL_RETENTION_DAYS", "trois", "a whole number"),
        ("MAILLAGE_ACTION_LOG_RETENTION_DAYS", "29", "at least 30"),
    ],
)
def test_a_retention_period_out_of_bounds_stops_the_start(tmp_path, variable, value, said):
    """The purges (core.retention) never run with a period of nothing or of forever."""
    env = {**PRODUCTION_ENV, "SECRET_KEY": secrets.token_urlsafe(50), variable: value}
    result = run_maillage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert f"{variable} must be {said}" in result.stderr
