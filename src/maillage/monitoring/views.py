"""Readiness and metrics endpoints, for load balancers and Prometheus (liveness is
core.views.healthz)."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from maillage.monitoring import metrics, readiness


def _scraper_allowed(request: HttpRequest) -> bool:
    token = settings.MAILLAGE_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


DATABASE_DOWN = {"status": "error", "database": "error"}


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: 200 when the database answers, 503 otherwise. For the monitoring's
    scraper (its bearer token, as /metrics), also the task queue's backlog and its oldest
    waiting task (seconds) and the outgoing emails waiting and abandoned; a load balancer
    gets the status alone. A backlog never makes an app server unready: it is the workers'
    to clear (an alert, not a reason to take the server out of the load balancer)."""
    if not readiness.database_up():
        return JsonResponse(DATABASE_DOWN, status=503)
    if not _scraper_allowed(request):
        return JsonResponse({"status": "ok", "database": "ok"})
    try:
        tasks, emails = readiness.task_queue(), readiness.outbox()
    except DatabaseError:
        return JsonResponse(DATABASE_DOWN, status=503)
    return JsonResponse(
        {
            "status": "ok",
            "database": "ok",
            "tasks": {
                "waiting": tasks.waiting,
                "oldest_waiting_seconds": round(tasks.oldest_waiting_seconds, 1),
                "failed": tasks.failed,
            },
            "emails": {
                "waiting": emails.waiting,
                "oldest_waiting_seconds": round(emails.oldest_waiting_seconds, 1),
                "failed": emails.failed,
            },
        }
    )


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The Prometheus metrics (monitoring.metrics), for a scraper sending
    `Authorization: Bearer <MAILLAGE_METRICS_TOKEN>`; a 404 for anyone else, and for everyone
    while no token is set."""
    if not _scraper_allowed(request):
        raise Http404
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
