"""Rate limits that really count: per partner key (its consent tokens included), per IP for
anonymous calls (the client's behind trusted proxies), 429 problem details with Retry-After;
and the counters shared through Redis between processes."""

import json
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone
from oauth2_provider.models import AccessToken

from maillage.api import partners, rates
from maillage.api.models import ApiToken
from maillage.api.rates import WINDOW_SECONDS
from tests.api.consent_flow import partner_details

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src"


def away_from_the_window_end(margin: float = 4) -> None:
    """Wait for the next window if this one ends within `margin` seconds (counts restart)."""
    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    if left < margin:
        time.sleep(left + 0.1)


def assert_too_many(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 429 and body["title"] == "Trop de requêtes"
    retry = response["Retry-After"]
    assert retry.isdigit() and 1 <= int(retry) <= WINDOW_SECONDS


@override_settings(MAILLAGE_API_KEY_RATE=3)
def test_a_key_over_its_rate_gets_429_and_another_key_does_not(client, staff_user, room):
    _, key = partners.create_partner(
        staff_user, partner_details(name="Une", scopes="read", origins=(), redirect_uris=())
    )
    _, other = partners.create_partner(
        staff_user, partner_details(name="Autre", scopes="read", origins=(), redirect_uris=())
    )
    path = f"/api/v1/espaces/{room.pk}/semaine"
    away_from_the_window_end()
    for _ in range(3):
        assert client.get(path, HTTP_X_API_KEY=key).status_code == 200
    assert_too_many(client.get(path, HTTP_X_API_KEY=key))
    assert client.get(path, HTTP_X_API_KEY=other).status_code == 200


@override_settings(MAILLAGE_API_ANONYMOUS_RATE=2, MAILLAGE_API_KEY_RATE=1000)
def test_anonymous_calls_count_per_ip(client, room):
    path = f"/api/v1/espaces/{room.pk}/semaine"
    away_from_the_window_end()
    for _ in range(2):
        assert client.get(path, REMOTE_ADDR="198.51.100.7").status_code == 200
    assert_too_many(client.get(path, REMOTE_ADDR="198.51.100.7"))
    assert client.get(path, REMOTE_ADDR="198.51.100.8").status_code == 200


@override_settings(MAILLAGE_API_ANONYMOUS_RATE=2, MAILLAGE_TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_the_client_ip_counts(client, room):
    path = f"/api/v1/espaces/{room.pk}/semaine"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    away_from_the_window_end()
    assert client.get(path, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 200
    # Entries the client wrote itself (left of the proxy's) do not make a new counter.
    spoofed = "192.0.2.99, 203.0.113.5"
    assert client.get(path, HTTP_X_FORWARDED_FOR=spoofed, **proxy).status_code == 200
    assert_too_many(client.get(path, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy))
    # Another client through the same proxy has its own counter.
    assert client.get(path, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 200


@override_settings(MAILLAGE_API_KEY_RATE=3)
def test_consent_tokens_count_against_their_partner(client, staff_user, booker, other_booker, room):
    partner, key = partners.create_partner(
        staff_user, partner_details(name="Une", scopes="read", origins=(), redirect_uris=())
    )
    _, other_key = partners.create_partner(
        staff_user, partner_details(name="Autre", scopes="read", origins=(), redirect_uris=())
    )
    later = timezone.now() + timedelta(hours=1)
    for person, token in ((booker, "consentement-a"), (other_booker, "consentement-b")):
        AccessToken.objects.create(
            user=person, application=partner.application, token=token, expires=later, scope="read"
        )
    path = f"/api/v1/espaces/{room.pk}/semaine"
    away_from_the_window_end()
    assert client.get(path, HTTP_X_API_KEY=key).status_code == 200
    assert client.get(path, HTTP_AUTHORIZATION="Bearer consentement-a").status_code == 200
    assert client.get(path, HTTP_AUTHORIZATION="Bearer consentement-b").status_code == 200
    assert_too_many(client.get(path, HTTP_AUTHORIZATION="Bearer consentement-b"))
    assert_too_many(client.get(path, HTTP_X_API_KEY=key))
    assert client.get(path, HTTP_X_API_KEY=other_key).status_code == 200


REDIS_URL = os.environ.get("MAILLAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
COUNT_IN_ANOTHER_PROCESS = """
import sys
import django
import time_machine
time_machine.travel(float(sys.argv[3]), tick=True).start()  # the suite's clock
django.setup()
from maillage.api.rates import count_request
for _ in range(int(sys.argv[2])):
    print(count_request(sys.argv[1])[0])
"""


@pytest.fixture(autouse=True)
def _no_outage_before():
    """Each test starts with Redis taken as reachable (api.rates logs the outages)."""
    rates._outage.clear()
    yield
    rates._outage.clear()


@pytest.fixture
def redis_cache():
    import redis  # noqa: PLC0415 — only this test needs the client

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        reason = f"Redis injoignable à {REDIS_URL} ({error})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    rates._redis.cache_clear()
    with override_settings(REDIS_URL=REDIS_URL):
        yield redis.Redis.from_url(REDIS_URL)
    rates._redis.cache_clear()


@override_settings(MAILLAGE_API_ANONYMOUS_RATE=3)
def test_counters_are_shared_through_redis_between_processes(client, room, redis_cache):
    # An address of this run only: counters outlive a test by a minute.
    ip = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    path = f"/api/v1/espaces/{room.pk}/semaine"
    away_from_the_window_end(margin=15)
    assert client.get(path, REMOTE_ADDR=ip).status_code == 200
    assert redis_cache.keys(f"*api-rate:ip:{ip}:*"), "the counter is not in Redis"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "maillage.config.settings",
        "REDIS_URL": REDIS_URL,
        "DEBUG": "true",
        "PYTHONPATH": str(SRC),
    }
    env.pop("DATABASE_URL", None)
    other = subprocess.run(  # noqa: S603 — our interpreter, fixed code
        [sys.executable, "-c", COUNT_IN_ANOTHER_PROCESS, f"ip:{ip}", "2", repr(time.time())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert other.returncode == 0, other.stderr[-2000:]
    # The other process saw this one's request, and this one sees the other's two.
    assert other.stdout.split() == ["2", "3"]
    assert_too_many(client.get(path, REMOTE_ADDR=ip))


@override_settings(MAILLAGE_API_ANONYMOUS_RATE=3)
def test_guessing_keys_spends_the_ips_rate(client, room):
    path = f"/api/v1/espaces/{room.pk}/semaine"
    away_from_the_window_end()
    for guess in range(3):
        assert client.get(path, HTTP_X_API_KEY=f"mlgp_faux{guess}").status_code == 401
    assert_too_many(client.get(path, HTTP_AUTHORIZATION="Bearer mlg_faux"))
    assert_too_many(client.get(path, HTTP_AUTHORIZATION="Bearer jeton-faux"))


@override_settings(MAILLAGE_API_ANONYMOUS_RATE=2, REDIS_URL="redis://127.0.0.1:1/0")
def test_an_unreachable_redis_falls_back_to_the_database(client, room):
    rates._redis.cache_clear()
    path = f"/api/v1/espaces/{room.pk}/semaine"
    away_from_the_window_end()
    assert [client.get(path).status_code for _ in range(2)] == [200, 200]
    assert_too_many(client.get(path))
    rates._redis.cache_clear()


def test_an_outage_of_redis_is_logged_when_it_starts_and_when_it_ends(
    client, room, redis_cache, caplog
):
    path = f"/api/v1/espaces/{room.pk}/semaine"
    caplog.set_level("WARNING", logger=rates.__name__)
    try:
        with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
            rates._redis.cache_clear()
            for _ in range(3):
                assert client.get(path).status_code == 200
        rates._redis.cache_clear()
        for _ in range(3):
            assert client.get(path).status_code == 200
    finally:
        rates._redis.cache_clear()
    assert [record.getMessage() for record in caplog.records] == [
        "Redis unreachable: API rates counted in the database",
        "Redis reachable again: API rates counted in Redis",
    ]


@override_settings(MAILLAGE_API_KEY_RATE=2)
def test_a_persons_tokens_share_one_counter(client, booker, room):
    path = f"/api/v1/espaces/{room.pk}/semaine"
    keys = [ApiToken.issue(booker, f"script {n}")[1] for n in range(3)]
    away_from_the_window_end()
    assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {keys[0]}").status_code == 200
    assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {keys[1]}").status_code == 200
    assert_too_many(client.get(path, HTTP_AUTHORIZATION=f"Bearer {keys[2]}"))
