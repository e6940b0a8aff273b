"""Rate limits of the API: settings.MAILLAGE_API_KEY_RATE requests a minute per partner key or
token (a partner's consented tokens count against its key), settings.MAILLAGE_API_ANONYMOUS_RATE
per IP address (accounts.lockout.client_ip) for anonymous calls; beyond, 429 with Retry-After.

Fixed one-minute windows counted in the default cache (the database by default, Redis with
REDIS_URL): one `add` and one `incr` a request, shared by every app server, unlike DRF's
SimpleRateThrottle which rewrites the list of every request's time."""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from maillage.accounts.lockout import client_ip
from maillage.api.authentication import caller_of

WINDOW_SECONDS = 60


def window_count(key: str, now: float) -> tuple[int, int]:
    """Counts one request against `key` in the current window: (requests in the window
    so far, this one included; seconds until the window ends, at least 1)."""
    window = int(now // WINDOW_SECONDS)
    counter = f"api-rate:{key}:{window}"
    # The counter outlives its window by a little, so that a late incr never recreates it.
    if cache.add(counter, 1, timeout=WINDOW_SECONDS + 5):
        count = 1
    else:
        try:
            count = cache.incr(counter)
        except ValueError:  # expired between add and incr: this request opens it again
            cache.add(counter, 1, timeout=WINDOW_SECONDS + 5)
            count = 1
    remaining = (window + 1) * WINDOW_SECONDS - now
    return count, max(1, int(remaining + 0.999))


class RateLimit(BaseThrottle):
    """Per key (ApiCaller.rate_key) or, anonymous, per client IP."""

    def allow_request(self, request: Request, view: Any) -> bool:
        caller = caller_of(request)
        if caller is None:
            key, limit = f"ip:{client_ip(request)}", settings.MAILLAGE_API_ANONYMOUS_RATE
        else:
            key, limit = caller.rate_key, settings.MAILLAGE_API_KEY_RATE
        count, self.retry_after = window_count(key, time.time())
        return count <= limit

    def wait(self) -> float:
        return float(self.retry_after)
