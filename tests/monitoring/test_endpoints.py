"""Readiness, metrics and request ids, on a real database (SQLite and PostgreSQL)."""

import json
import logging
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_guid.log_filters import CorrelationId
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from maillage.config.logs import JsonLines
from maillage.core import outbox
from maillage.core.models import OutboundEmail
from maillage.monitoring import readiness
from tests.factories import BookingFactory
from tests.moments import DAY, paris

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = "jeton-de-supervision-0123456789"


def _email(created_at, **fields) -> OutboundEmail:
    return OutboundEmail.objects.create(
        topic="essai",
        address="camille@exemple.test",
        created_at=created_at,
        next_attempt_at=created_at,
        **fields,
    )


def _waiting_task(enqueued_at) -> DBTaskResult:
    with transaction.atomic():
        outbox.enqueue_delivery()
    task = DBTaskResult.objects.order_by("-enqueued_at").first()
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued_at)
    return task


def test_a_load_balancer_reads_the_status_alone(client, settings):
    settings.MAILLAGE_METRICS_TOKEN = TOKEN
    _email(timezone.now(), failed_at=timezone.now())
    for headers in ({}, {"Authorization": "Bearer faux"}):
        response = client.get("/readyz", headers=headers)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}


def test_readiness_reports_the_task_backlog_and_the_outbox(client, settings):
    settings.MAILLAGE_METRICS_TOKEN = TOKEN
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    now = timezone.now()
    assert client.get("/readyz").json()["tasks"] == {
        "waiting": 0,
        "oldest_waiting_seconds": 0.0,
        "failed": 0,
    }
    _waiting_task(now - timedelta(minutes=10))
    _waiting_task(now - timedelta(minutes=2))
    failed = _waiting_task(now)
    DBTaskResult.objects.filter(pk=failed.pk).update(status=TaskResultStatus.FAILED)
    _email(now - timedelta(hours=1))
    _email(now - timedelta(days=2), sent_at=now - timedelta(days=2))
    _email(now - timedelta(days=3), failed_at=now - timedelta(days=1))

    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["tasks"]["waiting"] == 2 and body["tasks"]["failed"] == 1
    assert 600 <= body["tasks"]["oldest_waiting_seconds"] < 660
    assert body["emails"]["waiting"] == 1 and body["emails"]["failed"] == 1
    assert 3600 <= body["emails"]["oldest_waiting_seconds"] < 3660


def test_a_task_deferred_waits_from_its_run_after_not_its_enqueueing():
    now = timezone.now()
    task = _waiting_task(now - timedelta(hours=5))
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=now - timedelta(minutes=1))
    queue = readiness.task_queue(now)
    assert queue.waiting == 1 and 60 <= queue.oldest_waiting_seconds < 61
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=now + timedelta(minutes=1))
    assert readiness.task_queue(now) == readiness.TaskQueue(0, 0.0, 0)


def test_metrics_are_refused_without_the_scraper_s_token(client, settings):
    settings.MAILLAGE_METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404
    settings.MAILLAGE_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer faux"}).status_code == 404
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 404


def _scrape(client) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def _value(text: str, series: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(series + " ")]
    return float(line.split()[-1])


def test_metrics_give_requests_bookings_tasks_and_emails(client, settings, room, booker):
    settings.MAILLAGE_METRICS_TOKEN = TOKEN
    booking = BookingFactory(
        space=room,
        user=booker,
        start=paris(DAY.year, DAY.month, DAY.day, 9),
        end=paris(DAY.year, DAY.month, DAY.day, 10),
    )
    now = timezone.now()
    _waiting_task(now - timedelta(minutes=3))
    _email(now - timedelta(minutes=40))
    _email(now, failed_at=now)
    client.get("/lieux/")
    text = _scrape(client)
    assert _value(text, "maillage_database_up") == 1
    assert _value(text, f'maillage_bookings{{status="{booking.status}"}}') == 1
    # The booking queued its confirmation email and the delivery task too.
    assert _value(text, "maillage_tasks_waiting") == DBTaskResult.objects.ready().count() >= 2
    assert _value(text, "maillage_task_oldest_waiting_seconds") >= 180
    waiting = OutboundEmail.objects.filter(sent_at=None, failed_at=None).count()
    assert _value(text, "maillage_emails_waiting") == waiting >= 2
    assert _value(text, "maillage_email_oldest_waiting_seconds") >= 2400
    assert _value(text, "maillage_emails_failed") == 1
    # Requests and their latencies, by django-prometheus.
    assert _value(text, 'django_http_requests_total_by_method_total{method="GET"}') >= 1
    assert "django_http_requests_latency_seconds_by_view_method_bucket{" in text
    assert 'django_http_responses_total_by_status_total{status="200"}' in text


def test_each_response_carries_a_request_id_and_keeps_a_valid_one_given(client):
    mine = uuid.uuid4().hex
    assert client.get("/healthz", headers={"X-Request-ID": mine})["X-Request-ID"] == mine
    made = client.get("/healthz", headers={"X-Request-ID": "pas<un>identifiant"})
    assert made["X-Request-ID"] != "pas<un>identifiant"
    assert uuid.UUID(made["X-Request-ID"]).hex == made["X-Request-ID"]


class JsonLinesKept(logging.Handler):
    """The lines a console handler configured as settings.LOGGING's would write."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.addFilter(CorrelationId())
        self.setFormatter(JsonLines())
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


def test_a_log_line_written_during_a_request_carries_its_id(client):
    mine = uuid.uuid4().hex
    kept = JsonLinesKept()
    logging.getLogger("django.request").addHandler(kept)
    try:
        assert (
            client.get("/lieux/inconnu-de-tous/", headers={"X-Request-ID": mine}).status_code == 404
        )
    finally:
        logging.getLogger("django.request").removeHandler(kept)
    [line] = kept.lines
    assert line["request_id"] == mine and line["level"] == "WARNING"
