"""Rate limits of the API: settings.MAILLAGE_API_KEY_RATE requests a minute per partner key or
token (a partner's consented tokens count against its key), settings.MAILLAGE_API_ANONYMOUS_RATE
per IP address (accounts.lockout.client_ip) for anonymous calls; beyond, 429 with Retry-After.

Fixed one-minute windows, shared by every app server: in Redis when REDIS_URL is set (INCR and
EXPIRE in one round trip), else in the database (one upsert a request, models.RateWindow).
Either costs one round trip, unlike DRF's SimpleRateThrottle, which rewrites the list of every
request's time in the cache."""

import time
from functools import cache
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from maillage.accounts.lockout import client_ip
from maillage.api.authentication import caller_of

WINDOW_SECONDS = 60
COUNT_UP = """
INSERT INTO api_ratewindow (key, minute, count) VALUES (%s, %s, 1)
ON CONFLICT (key, minute) DO UPDATE SET count = api_ratewindow.count + 1
RETURNING count
"""
FORGET_EARLIER = "DELETE FROM api_ratewindow WHERE key = %s AND minute < %s"


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def count_request(key: str, minute: int) -> int:
    """Counts one request against `key` in `minute` (Unix time // 60); returns the requests
    counted in that minute so far, this one included."""
    if settings.REDIS_URL:
        name = f"maillage:api-rate:{key}:{minute}"
        pipeline = _redis().pipeline()
        pipeline.incr(name)
        pipeline.expire(name, 2 * WINDOW_SECONDS, nx=True)
        count, _ = pipeline.execute()
        return int(count)
    with connection.cursor() as cursor:
        cursor.execute(COUNT_UP, [key, minute])
        (count,) = cursor.fetchone()
        if count == 1:  # the key's first request this minute: its earlier ones are done
            cursor.execute(FORGET_EARLIER, [key, minute])
    return int(count)


class RateLimit(BaseThrottle):
    """Per key (ApiCaller.rate_key) or, anonymous, per client IP."""

    def allow_request(self, request: Request, view: Any) -> bool:
        caller = caller_of(request)
        if caller is None:
            key, limit = f"ip:{client_ip(request)}", settings.MAILLAGE_API_ANONYMOUS_RATE
        else:
            key, limit = caller.rate_key, settings.MAILLAGE_API_KEY_RATE
        now = time.time()
        minute = int(now // WINDOW_SECONDS)
        self.retry_after = max(1, int((minute + 1) * WINDOW_SECONDS - now + 0.999))
        return count_request(key, minute) <= limit

    def wait(self) -> float:
        return float(self.retry_after)
