"""Under gunicorn (the configuration `make run` uses), with several workers, /metrics
answers the requests of all of them whichever worker is asked, and each access log line
carries the request's id."""

import http.client
import json
import os
import re
import secrets
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.waiting import wait_until

TOKEN = "jeton-de-supervision-0123456789"
REQUESTS = 40
WORKERS = 2


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def _requests_counted(exposition: str) -> float:
    prefix = 'django_http_requests_total_by_method_total{method="GET"} '
    [line] = [line for line in exposition.splitlines() if line.startswith(prefix)]
    return float(line.split()[-1])


LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn with WORKERS sync workers and the platform's configuration, on a port the
    system picks (read from its log) and an empty SQLite file (the pages asked for need no
    table: the platform's figures then read «database down»); yields (port, metrics dir,
    log path)."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    metrics_dir, log = tmp_path / "metrics", tmp_path / "gunicorn.log"
    (tmp_path / "data").mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "maillage.config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MAILLAGE_HTTPS": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "MAILLAGE_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "MAILLAGE_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        "python:maillage.config.gunicorn",
        "maillage.config.wsgi",
        "--bind",
        "127.0.0.1:0",
        "--workers",
        str(WORKERS),
    ]
    with log.open("w") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
        try:

            def up() -> bool:
                assert server.poll() is None, log.read_text()
                return bool(LISTENING.search(log.read_text()))

            wait_until(up, why=log.read_text)
            port = int(LISTENING.search(log.read_text()).group(1))

            def healthy() -> bool:
                assert server.poll() is None, log.read_text()
                try:
                    return _get(port, "/healthz")[0] == 200
                except OSError:
                    return False

            wait_until(healthy, why=log.read_text)
            yield port, metrics_dir, log
        finally:
            server.terminate()
            server.wait(timeout=20)


def test_every_worker_s_requests_are_counted_whichever_answers(gunicorn):
    port, metrics_dir, _ = gunicorn
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: _get(port, "/healthz")[0], range(REQUESTS)))
    assert statuses == [200] * REQUESTS
    # Each scrape, whichever worker answers, counts every request so far, itself included:
    # one more than the scrape before.
    counts = []
    for _ in range(6):
        status, exposition = _get(port, "/metrics", {"Authorization": f"Bearer {TOKEN}"})
        assert status == 200
        counts.append(_requests_counted(exposition))
    assert counts[0] >= REQUESTS + 1
    assert counts == [counts[0] + n for n in range(6)]
    assert 1 <= len(list(metrics_dir.glob("counter_*.db"))) <= WORKERS


def test_the_access_log_carries_the_request_id(gunicorn):
    port, _, log = gunicorn
    mine = uuid.uuid4().hex
    assert _get(port, "/healthz", {"X-Request-ID": mine})[0] == 200

    def access_lines() -> list[str]:
        lines = [json.loads(line) for line in log.read_text().splitlines() if line[:1] == "{"]
        return [line["message"] for line in lines if line["logger"] == "gunicorn.access"]

    # The line is written once the response is sent.
    wait_until(lambda: any(mine in line for line in access_lines()), why=log.read_text)
    [line] = [line for line in access_lines() if mine in line]
    assert line.startswith("127.0.0.1 ") and '"GET /healthz HTTP/1.1" 200' in line
    assert line.endswith(f" {mine}")
