"""The API's read benchmark, run by `maillage bench api` (figures as a dict).

In the availability benchmark's database and dataset (bench.dataset: places, spaces, bookings),
a production server (gunicorn, DEBUG off, bench.booking.Server) and `clients` threads, each on
its own keep-alive HTTP connection with its own partner key (X-Api-Key: one partner app per
client, as a deployment sees them), request one address for `seconds`, then the next:

- the places' list (PLACES_PATH);
- the free-space search (SEARCH_PATH, the search page's question: a 3-hour window on a day of
  the next two months, one person), the target being p95 ≤ SEARCH_P95_TARGET_MS;
- a space's week (WEEK_PATH), the endpoint every deployment of this API has.

Then the same search against a second server whose rate limits are off
(bench.unthrottled_wsgi): the ratio of p95s (limited / unlimited) shows what counting costs.

Last, a full walk of each change feed (FEED_PATHS, RPDE), by one client following `next`
from the start to the last page, as a partner app's first sync does: items, pages, seconds
and items per second; the slots' grid is made first (booking.feed_slots, timed too).

Figures per address: requests per second (200 answers over the phase's wall-clock time), p50
and p95 latency in ms (every answer); non-200 answers count as errors.
"""

from __future__ import annotations

import json
import random
import threading
import time as clock
from collections.abc import Callable
from datetime import date, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.utils import timezone

from maillage.accounts.models import User
from maillage.api import partners
from maillage.api.models import Partner
from maillage.bench import booking, dataset
from maillage.booking import feed_slots
from maillage.places.models import Space

Progress = Callable[[str], None]

# The addresses measured.
PLACES_PATH = "/api/v1/lieux"
SEARCH_PATH = "/api/v1/recherche?date={day}&start={start}&end={end}&people=1"
WEEK_PATH = "/api/v1/espaces/{space}/semaine?semaine={day}"
SEARCH_P95_TARGET_MS = 100
FEED_PATHS = {
    "places": "/api/v1/flux/lieux",
    "spaces": "/api/v1/flux/espaces",
    "slots": "/api/v1/flux/creneaux",
    "events": "/api/v1/flux/evenements",
}
BENCH_STAFF = "banc-api@banc-dispo.exemple.test"
# Far above what the clients can send: every request is counted, none refused.
COUNTED_RATE = 100_000_000
WARMUPS = 5


def _bench_keys(count: int, progress: Progress) -> list[str]:
    """`count` new partner keys (read scope), made through api.partners by a bench staff
    account; the previous runs' stay revoked."""
    staff, created = User.objects.get_or_create(
        email=BENCH_STAFF, defaults={"is_departement_staff": True, "is_active": True}
    )
    if created:
        staff.set_unusable_password()
        staff.save()
    for old in Partner.objects.active().filter(created_by=staff):
        partners.revoke_partner(staff, old)
    progress(f"{count} clés de partenaire pour le banc…")
    keys = []
    for number in range(count):
        details = partners.PartnerDetails(
            name=f"Banc API {number + 1}",
            contact_name="Banc d'essai",
            contact_email=BENCH_STAFF,
            scopes="read",
        )
        keys.append(partners.create_partner(staff, details)[1])
    return keys


class Timings:
    """Latencies (seconds) and counts of one phase, filled by every client thread."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.ok = 0
        self.errors = 0
        self.samples: list[str] = []

    def add(self, latencies: list[float], ok: int, errors: int, samples: list[str]) -> None:
        with self.lock:
            self.latencies.extend(latencies)
            self.ok += ok
            self.errors += errors
            self.samples.extend(samples[: 3 - len(self.samples)])


def _phase(
    port: int, keys: list[str], seconds: float, paths: Callable[[random.Random], str]
) -> tuple[Timings, float]:
    """Every client GETs `paths(rng)` in a loop for `seconds`; (timings, wall-clock s)."""
    timings = Timings()
    deadline: list[float] = []
    # Released once every client has warmed up; the measure starts then.
    barrier = threading.Barrier(
        len(keys) + 1, action=lambda: deadline.append(clock.monotonic() + seconds)
    )

    def client(number: int) -> None:
        rng = random.Random(1000 + number)
        client = booking.KeepAlive(port)
        headers = {"X-Api-Key": keys[number], "Connection": "keep-alive"}
        latencies: list[float] = []
        ok = errors = 0
        samples: list[str] = []
        try:
            for _ in range(WARMUPS):
                client.send("GET", paths(rng), headers)
            barrier.wait()
            while clock.monotonic() < deadline[0]:
                path = paths(rng)
                began = clock.perf_counter()
                answer = client.send("GET", path, headers)
                if isinstance(answer, str):
                    errors += 1
                    samples.append(answer)
                    continue
                status, body = answer
                latencies.append(clock.perf_counter() - began)
                if status == 200:
                    ok += 1
                else:
                    errors += 1
                    samples.append(f"{status} {path} {body[:200]!r}")
        finally:
            client.close()
            timings.add(latencies, ok, errors, samples)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(len(keys))]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = clock.perf_counter()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return timings, clock.perf_counter() - began


def _figures(name: str, timings: Timings, elapsed: float, progress: Progress) -> dict:
    if not timings.latencies:
        raise RuntimeError(f"{name}: no answer measured ({timings.samples})")
    figures = {
        f"{name}_per_s": round(timings.ok / elapsed, 1),
        f"{name}_p50_ms": round(booking.percentile(timings.latencies, 0.5) * 1000, 2),
        f"{name}_p95_ms": round(booking.percentile(timings.latencies, 0.95) * 1000, 2),
    }
    progress(
        f"  {name} : {timings.ok} réponses 200, {timings.errors} erreurs en {elapsed:.1f} s ; "
        f"p50 {figures[f'{name}_p50_ms']} ms, p95 {figures[f'{name}_p95_ms']} ms"
    )
    for sample in timings.samples:
        progress(f"  erreur : {sample}")
    return figures


def _walk_feed(port: int, key: str, path: str) -> dict:
    """One client follows a feed from its start to its last page: figures, or RuntimeError
    on an answer other than 200."""
    client = booking.KeepAlive(port)
    headers = {"X-Api-Key": key, "Connection": "keep-alive"}
    items = pages = 0
    began = clock.perf_counter()
    try:
        while True:
            answer = client.send("GET", path, headers)
            if isinstance(answer, str) or answer[0] != 200:
                raise RuntimeError(f"{path}: {answer if isinstance(answer, str) else answer[0]}")
            page = json.loads(answer[1])
            pages += 1
            if not page["items"]:
                break
            items += len(page["items"])
            path = urlsplit(page["next"])._replace(scheme="", netloc="").geturl()
    finally:
        client.close()
    seconds = clock.perf_counter() - began
    return {
        "items": items,
        "pages": pages,
        "seconds": round(seconds, 2),
        "items_per_s": round(items / seconds, 1),
    }


def run_api(
    spec: dataset.DatasetSpec,
    progress: Progress,
    *,
    clients: int,
    seconds: float,
    workers: int,
    threads: int,
) -> dict:
    """The figures described in the module's docstring, on the bench database."""
    booking.prepare_database(progress)
    record = dataset.ensure_dataset(spec, progress)
    keys = _bench_keys(clients, progress)
    space_ids = list(
        Space.objects.filter(place__slug__startswith=dataset.SLUG_PREFIX).values_list(
            "pk", flat=True
        )
    )
    today = date.today()

    def day(rng: random.Random) -> str:
        return (today + timedelta(days=rng.randint(1, 60))).isoformat()

    def search(rng: random.Random) -> str:
        hour = rng.randint(8, 16)
        minute = rng.choice([0, 30])
        return SEARCH_PATH.format(
            day=day(rng), start=f"{hour:02d}:{minute:02d}", end=f"{hour + 3:02d}:{minute:02d}"
        )

    def week(rng: random.Random) -> str:
        return WEEK_PATH.format(space=rng.choice(space_ids), day=day(rng))

    phases = {"places": lambda rng: PLACES_PATH, "search": search, "week": week}
    figures: dict = {}
    errors = 0
    counted = booking.Server(workers, threads, progress)
    counted.env["MAILLAGE_API_KEY_RATE"] = str(COUNTED_RATE)
    with counted as server:
        for name, paths in phases.items():
            progress(f"{name} : {clients} clients pendant {seconds:g} s…")
            timings, elapsed = _phase(server.port, keys, seconds, paths)
            errors += timings.errors
            figures.update(_figures(name, timings, elapsed, progress))
        progress("flux : grille des créneaux des quatre semaines à venir…")
        began = clock.perf_counter()
        made = feed_slots.refresh_feed_slots(timezone.now())
        grid_seconds = round(clock.perf_counter() - began, 2)
        progress(f"  {made.inserted} créneaux publiés, {made.deleted} retirés en {grid_seconds} s")
        walks = {}
        for name, path in FEED_PATHS.items():
            walks[name] = _walk_feed(server.port, keys[0], path)
            progress(f"  flux {name} : {walks[name]}")
    unlimited = booking.Server(workers, threads, progress)
    unlimited.command[1] = "maillage.bench.unthrottled_wsgi"
    with unlimited as server:
        progress(f"search sans limites de débit : {clients} clients pendant {seconds:g} s…")
        timings, elapsed = _phase(server.port, keys, seconds, search)
        errors += timings.errors
        free = _figures("unlimited", timings, elapsed, progress)
    search_p95 = figures["search_p95_ms"]
    counts = record["counts"]
    return {
        "places": counts["places"],
        "spaces": counts["spaces"],
        "bookings": counts["bookings"],
        "clients": clients,
        **figures,
        "search_p95_target_ms": SEARCH_P95_TARGET_MS,
        "search_p95_met": search_p95 <= SEARCH_P95_TARGET_MS,
        "unlimited_per_s": free["unlimited_per_s"],
        "unlimited_p95_ms": free["unlimited_p95_ms"],
        # > 1: counting the requests slows the path by that factor; about 1: it does not.
        "rate_limit_p95_ratio": round(search_p95 / free["unlimited_p95_ms"], 3)
        if free["unlimited_p95_ms"]
        else None,
        "rate_limit_per_s_ratio": round(figures["search_per_s"] / free["unlimited_per_s"], 3)
        if free["unlimited_per_s"]
        else None,
        "feed_grid_seconds": grid_seconds,
        "feed_walks": walks,
        "errors": errors,
        "cache": "redis" if settings.REDIS_URL else "database",
        "database": connection.vendor,
    }
