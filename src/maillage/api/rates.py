"""Requests counted per key and minute, shared by every app server: in Redis when REDIS_URL is
set (INCR and EXPIRE in one round trip; Redis 7 or later), else in the database (one upsert,
models.RateWindow). A Redis that cannot be reached falls back to the database: limits keep
holding, and the API keeps answering."""

import logging
import threading
import time
from functools import cache

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)
# Set while Redis is unreachable: the outage is logged when it starts and when it ends.
_outage = threading.Event()

WINDOW_SECONDS = 60
COUNT_UP = """
INSERT INTO api_ratewindow (key, minute, count) VALUES (%s, %s, 1)
ON CONFLICT (key, minute) DO UPDATE SET count = api_ratewindow.count + 1
RETURNING count
"""
FORGET_EARLIER = "DELETE FROM api_ratewindow WHERE key = %s AND minute < %s"


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


def _count_in_redis(key: str, minute: int) -> int:
    name = f"maillage:api-rate:{key}:{minute}"
    pipeline = _redis().pipeline()
    pipeline.incr(name)
    pipeline.expire(name, 2 * WINDOW_SECONDS, nx=True)
    count, _ = pipeline.execute()
    return int(count)


def _count_in_database(key: str, minute: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(COUNT_UP, [key, minute])
        (count,) = cursor.fetchone()
        if count == 1:  # the key's first request this minute: its earlier ones are done
            cursor.execute(FORGET_EARLIER, [key, minute])
    return int(count)


def count_request(key: str) -> tuple[int, int]:
    """Counts one request against `key` (at most 100 characters) in the current minute:
    (requests counted in that minute so far, this one included; seconds until it ends, ≥ 1)."""
    now = time.time()
    minute = int(now // WINDOW_SECONDS)
    retry_after = max(1, int((minute + 1) * WINDOW_SECONDS - now + 0.999))
    if settings.REDIS_URL:
        try:
            count = _count_in_redis(key, minute)
        except redis.RedisError:
            if not _outage.is_set():  # once per outage, not once per request
                _outage.set()
                logger.warning("Redis unreachable: API rates counted in the database")
        else:
            if _outage.is_set():
                _outage.clear()
                logger.warning("Redis reachable again: API rates counted in Redis")
            return count, retry_after
    return _count_in_database(key, minute), retry_after
