"""The API's periodic task (enqueued by the scheduler: see ApiConfig.ready)."""

import time

from django_tasks import task
from oauth2_provider.models import clear_expired

from maillage.api.models import RateWindow
from maillage.api.rates import WINDOW_SECONDS


@task()
def forget_expired_access() -> int:
    """Delete what no longer lets anyone in: expired or revoked OAuth access and refresh
    tokens and authorisation codes (django-oauth-toolkit's clear_expired), and the rate
    counters of minutes past (a key or IP that never came back keeps its last row otherwise).
    Returns how many rate counters were deleted."""
    clear_expired()
    current = int(time.time() // WINDOW_SECONDS)
    deleted, _ = RateWindow.objects.filter(minute__lt=current - 1).delete()
    return deleted
