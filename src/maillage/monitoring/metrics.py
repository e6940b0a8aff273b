"""The platform's Prometheus metrics, in the text exposition format prometheus_client writes
(its CONTENT_TYPE_LATEST).

Two sources:
- requests and latencies, counted by django-prometheus's middleware in each app process
  (`django_http_requests_total_by_method`, `django_http_responses_total_by_status`,
  `django_http_requests_latency_seconds_by_view_method`…). Under gunicorn the processes share
  them through prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by
  maillage.config.gunicorn), so any worker answers with the sum of all;
- the platform's state, read from the database at each scrape (`PlatformCollector`), the
  same whichever process answers: `maillage_database_up`, `maillage_bookings{status}`,
  `maillage_tasks_waiting`, `maillage_task_oldest_waiting_seconds`, `maillage_tasks_failed`,
  `maillage_emails_waiting`, `maillage_email_oldest_waiting_seconds`,
  `maillage_emails_failed`.

The alert rules that read them are in ops/prometheus/alerts.yml.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from django.db import DatabaseError
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import REGISTRY, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from maillage.monitoring import readiness

# The metrics PlatformCollector reports, by name: what each means (its HELP line).
PLATFORM_METRICS = {
    "maillage_database_up": "1 si la base de données répond, 0 sinon.",
    "maillage_bookings": "Réservations, par statut.",
    "maillage_tasks_waiting": "Tâches dues en attente d'un worker.",
    "maillage_task_oldest_waiting_seconds": "Âge de la plus ancienne tâche due en attente (s).",
    "maillage_tasks_failed": "Tâches en échec conservées dans la file.",
    "maillage_emails_waiting": "Courriels en attente d'envoi.",
    "maillage_email_oldest_waiting_seconds": "Âge du plus ancien courriel en attente (s).",
    "maillage_emails_failed": "Courriels abandonnés après leur dernier essai.",
}


def _gauge(name: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, PLATFORM_METRICS[name], value=value)


class PlatformCollector(Collector):
    """The platform's state read from the database at each scrape. When the database does
    not answer, only `maillage_database_up 0` is reported (the scrape itself succeeds, so
    that the alert on the database fires rather than one on a failed scrape)."""

    def collect(self) -> Iterator[Metric]:
        if not readiness.database_up():
            yield _gauge("maillage_database_up", 0)
            return
        try:
            tasks, emails = readiness.task_queue(), readiness.outbox()
            bookings = readiness.bookings_by_status()
        except DatabaseError:
            yield _gauge("maillage_database_up", 0)
            return
        yield _gauge("maillage_database_up", 1)
        by_status = GaugeMetricFamily(
            "maillage_bookings", PLATFORM_METRICS["maillage_bookings"], labels=["status"]
        )
        for status, count in bookings.items():
            by_status.add_metric([status], count)
        yield by_status
        yield _gauge("maillage_tasks_waiting", tasks.waiting)
        yield _gauge("maillage_task_oldest_waiting_seconds", tasks.oldest_waiting_seconds)
        yield _gauge("maillage_tasks_failed", tasks.failed)
        yield _gauge("maillage_emails_waiting", emails.waiting)
        yield _gauge("maillage_email_oldest_waiting_seconds", emails.oldest_waiting_seconds)
        yield _gauge("maillage_emails_failed", emails.failed)


def exposition() -> bytes:
    """Every metric in Prometheus's text format: the processes' (all of gunicorn's workers in
    multiprocess mode, this process's otherwise) and the platform's."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
        processes: list[Collector] = []
    else:
        processes = [REGISTRY]
    registry.register(PlatformCollector())
    return b"".join([*(generate_latest(p) for p in processes), generate_latest(registry)])
