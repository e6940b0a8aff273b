"""Booking benchmarks, run by `maillage bench availability|booking` (figures as dicts).

Both run in a separate bench database, never the platform's: the command works out its address
(`bench_database_url`), creates it on PostgreSQL if missing, then re-runs itself in a
subprocess whose DATABASE_URL points at it (`run_in_bench_database`), with DEBUG off (no query
log) and a throwaway secret key. The functions below the line run in that subprocess.

- availability: the département-wide search (`queries.search_spaces`, a 3-hour window for one
  person on a random day) and a space's week (`queries.space_week`), on the synthetic dataset of
  `maillage.bench.dataset` (1,000,000 bookings by default), reused from one run to the next.
- booking: a gunicorn server on the loopback and `clients` threads, each on its own keep-alive
  HTTP connection, POSTing bookings of random slots of a few spaces to /api/v1/reservations for
  `seconds`; then as many raw database connections doing plain INSERTs of the same kind of
  random slots into the booking table (each its own transaction) for as long. Both rates are
  successful writes per second of the phase's wall-clock duration: 201 responses (bookings
  made) for the API, committed INSERTs for raw SQL; refusals count in neither. The baseline
  writes to twin spaces (same kinds, capacities and buffers) so that both phases start from
  empty calendars and the checks see the API's bookings only: afterwards SQL checks that no two
  holding bookings of an exclusive space overlap (buffers included) and no desk space holds
  more seats than it has.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import random
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time as clock
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from maillage.accounts.models import User
from maillage.api.models import ApiToken
from maillage.bench import dataset
from maillage.booking import queries
from maillage.booking.availability import PARIS, wall_clock_instant
from maillage.booking.models import Booking
from maillage.booking.pricing import booking_price_cents
from maillage.core.runtime import freeze_startup_objects
from maillage.places.models import OpeningHours, Place, PlaceStatus, Space
from maillage.territory.models import Commune

Progress = Callable[[str], None]

# Bench databases, by purpose: the full (or custom) availability dataset, the quick one, and
# the booking bench's (kept apart so that its writes never touch a reused dataset; made anew
# for each run, since bookings keep their append-only history and are never deleted).
AVAILABILITY, QUICK, BOOKING = "availability", "availability-quick", "booking"
# The budget bench's (maillage.bench.budget) and the pages' (bench.pages): made
# anew for each run too.
BUDGET, PAGES = "budget", "pages"
PG_SUFFIXES = {
    AVAILABILITY: "_bench",
    QUICK: "_bench_quick",
    BOOKING: "_bench_booking",
    BUDGET: "_bench_budget",
    PAGES: "_bench_pages",
}
# Benches whose database is made anew for each run.
FRESH = (BOOKING, BUDGET, PAGES)


# --- In the calling process ----------------------------------------------------------------


def bench_database_url(purpose: str) -> str:
    """The address of the bench database for `purpose`, next to the configured one."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(default["NAME"]).resolve().with_name(f"bench-{purpose}.sqlite3")
        return f"sqlite:///{path}"
    if default["ENGINE"] != "django.db.backends.postgresql":
        raise RuntimeError(f"unsupported database engine {default['ENGINE']}")
    name = default["NAME"] + PG_SUFFIXES[purpose]
    configured = os.environ.get("DATABASE_URL", "")
    if configured:
        parts = urlsplit(configured)
        return urlunsplit(parts._replace(path="/" + name))
    user = default.get("USER") or ""
    password = f":{default['PASSWORD']}" if default.get("PASSWORD") else ""
    port = f":{default['PORT']}" if default.get("PORT") else ""
    at = "@" if user else ""
    return f"postgres://{user}{password}{at}{default.get('HOST') or ''}{port}/{name}"


def ensure_postgresql_database(url: str, progress: Progress) -> None:
    """Create the bench database on the configured server unless it exists."""
    name = urlsplit(url).path.lstrip("/")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            progress(f"Création de la base d'essai {name}…")
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")


def drop_bench_database(url: str, progress: Progress) -> None:
    """Remove the bench database at `url` (a SQLite file and its journals, or a PostgreSQL
    database on the configured server), if it exists."""
    progress(f"Suppression de la base d'essai précédente {_without_password(url)}…")
    if url.startswith("sqlite"):
        path = urlsplit(url).path
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        return
    name = urlsplit(url).path.lstrip("/")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def run_in_bench_database(purpose: str, arguments: list[str], progress: Progress) -> dict:
    """Run `maillage bench <arguments> --inner` on the bench database; its JSON figures.
    The booking and budget benches' databases are made anew each time."""
    url = bench_database_url(purpose)
    if purpose in FRESH:
        drop_bench_database(url, progress)
    if url.startswith("sqlite"):
        Path(urlsplit(url).path).parent.mkdir(parents=True, exist_ok=True)
    else:
        ensure_postgresql_database(url, progress)
    progress(f"Base d'essai : {_without_password(url)}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "maillage.config.settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MAILLAGE_HTTPS": "false",
    }
    command = [sys.executable, "-m", "maillage.manage", "bench", *arguments, "--json", "--inner"]
    result = subprocess.run(  # noqa: S603 — our own interpreter and module
        command, env=env, stdout=subprocess.PIPE, stderr=None, check=False, text=True
    )
    if result.returncode:
        raise RuntimeError(f"the bench subprocess failed (exit status {result.returncode})")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


# --- In the bench database (subprocess) ---------------------------------------------------


def prepare_database(progress: Progress) -> None:
    """Schema, cache table and territory of the bench database (idempotent)."""

    progress("Migrations de la base d'essai…")
    call_command("migrate", interactive=False, verbosity=0, stdout=sys.stderr)
    call_command("createcachetable", verbosity=0, stdout=sys.stderr)
    if not Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT).exists():
        call_command("load_territory", stdout=sys.stderr)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def run_availability(
    spec: dataset.DatasetSpec,
    progress: Progress,
    *,
    search_samples: int = 200,
    week_samples: int = 500,
    warmups: int = 10,
) -> dict:

    prepare_database(progress)
    record = dataset.ensure_dataset(spec, progress)
    anchor = date.fromisoformat(record["anchor"])
    rng = random.Random(spec.seed + 1)
    # As a web worker does (config/wsgi.py): what the setup loaded is kept out of collections.
    freeze_startup_objects()

    def window() -> tuple[datetime, datetime]:
        day = anchor + timedelta(days=rng.randint(-360, 360))
        start = datetime.combine(day, time(rng.randint(8, 16), rng.choice([0, 30])))
        return wall_clock_instant(start), wall_clock_instant(start + timedelta(hours=3))

    progress(f"Recherche dans tout le département : {warmups} + {search_samples} mesures…")
    for _ in range(warmups):
        queries.search_spaces(*window(), people=1)
    search_times, search_cpu, found = [], [], 0
    for _ in range(search_samples):
        start, end = window()
        began, cpu = clock.perf_counter(), clock.process_time()
        results = queries.search_spaces(start, end, people=1)
        search_times.append(clock.perf_counter() - began)
        search_cpu.append(clock.process_time() - cpu)
        found += len(results)
    progress(f"  {found / max(1, search_samples):.0f} espaces libres en moyenne par recherche")
    # Wall-clock time is what the JSON reports; the CPU time of this process (the database
    # server's excluded) tells how much of it a busy machine added.
    progress(
        f"  temps CPU de ce processus : p50 {_ms(percentile(search_cpu, 0.5))} ms, "
        f"p95 {_ms(percentile(search_cpu, 0.95))} ms; charge : {os.getloadavg()[0]:.1f}"
    )

    progress(f"Semaine d'un espace : {warmups} + {week_samples} mesures…")
    space_ids = list(
        Space.objects.filter(place__slug__startswith=dataset.SLUG_PREFIX).values_list(
            "pk", flat=True
        )
    )
    week_times = []
    for sample in range(warmups + week_samples):
        space = Space.objects.select_related("place").get(pk=rng.choice(space_ids))
        monday = queries.week_start(anchor + timedelta(days=rng.randint(-360, 360)))
        began = clock.perf_counter()
        queries.space_week(space, monday)
        if sample >= warmups:
            week_times.append(clock.perf_counter() - began)
    counts = record["counts"]
    return {
        "places": counts["places"],
        "spaces": counts["spaces"],
        "bookings": counts["bookings"],
        "search_p50_ms": _ms(percentile(search_times, 0.50)),
        "search_p95_ms": _ms(percentile(search_times, 0.95)),
        "week_p95_ms": _ms(percentile(week_times, 0.95)),
        "database": connection.vendor,
    }


# Booking bench ----------------------------------------------------------------------------

BOOKING_SLUG = "banc-reservation"
BOOKING_USERS = "banc-reservation.exemple.test"
# Slots: a random day within this many days, 08:00–20:00 every day, on the half hour.
HORIZON_DAYS = 730
DURATIONS_MINUTES = (60, 90, 120, 180, 240)
OPENS, CLOSES = 8 * 60, 20 * 60


def _space_specs(count: int) -> list[dict]:
    """Alternately a meeting room (15 min clean-up after) and a desk space of 10 seats."""
    specs = []
    for number in range(count):
        room = number % 2 == 0
        specs.append(
            {
                "name": f"{'Salle' if room else 'Postes'} {number + 1}",
                "kind": "meeting_room" if room else "desk",
                "capacity": 10,
                "price_hour_cents": 3000 if room else 400,
                "price_half_day_cents": 10000 if room else 1500,
                "price_day_cents": 18000 if room else 2500,
                "max_advance_days": None,
                "buffer_after_minutes": 15 if room else 0,
            }
        )
    return specs


def bench_place(name: str, slug: str) -> Place:
    """An open fictional place of the bench, in the département's first commune, open from
    8:00 to 20:00 every day."""
    commune = Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT).order_by("insee_code")[
        0
    ]
    place = Place.objects.create(
        name=name,
        slug=slug,
        address="1 rue de l'Essai",
        postal_code=commune.postal_codes.split()[0],
        commune=commune,
        latitude=commune.centroid_lat,
        longitude=commune.centroid_lon,
        status=PlaceStatus.OPEN,
        opening_date=date(2020, 1, 1),
        is_fictional=True,
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(place=place, weekday=day, opens=time(8), closes=time(20)) for day in range(7)
    )
    return place


def _booking_fixtures(clients: int, spaces: int, progress: Progress):
    """Two open places (API and baseline) with twin spaces, and `clients` users with tokens."""

    progress("Lieux, espaces et comptes du banc d'essai…")
    made: dict[str, list] = {}
    for role in ("api", "sql"):
        place = bench_place(f"Banc d'essai réservation ({role})", f"{BOOKING_SLUG}-{role}")
        made[role] = [Space.objects.create(place=place, **spec) for spec in _space_specs(spaces)]
    users = [
        User.objects.create_user(f"client{n}@{BOOKING_USERS}", None, email_verified=True)
        for n in range(clients)
    ]
    keys = [ApiToken.issue(user, "banc d'essai")[1] for user in users]
    return made["api"], made["sql"], users, keys


def _random_slot(rng: random.Random, today: date) -> tuple[datetime, datetime]:
    day = today + timedelta(days=rng.randint(1, HORIZON_DAYS))
    duration = rng.choice(DURATIONS_MINUTES)
    start = rng.randrange(OPENS, CLOSES - duration + 1, 30)
    local = datetime.combine(day, time(0), PARIS)
    return local + timedelta(minutes=start), local + timedelta(minutes=start + duration)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the platform on the bench database, on the loopback."""

    def __init__(self, workers: int, threads: int, progress: Progress):
        self.port = _free_port()
        self.progress = progress
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.command = [
            str(gunicorn),
            "maillage.config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--worker-class",
            "gthread",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "maillage.config.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "MAILLAGE_HTTPS": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            # Bookings queue their emails in the outbox; no worker sends them here.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        self.process: subprocess.Popen | None = None
        self.log: IO[str] | None = None

    def __enter__(self) -> Server:
        self.progress(f"gunicorn sur 127.0.0.1:{self.port} ({' '.join(self.command[3:])})…")
        # Its log (a warning per refused booking) goes to a file, summarised when it stops.
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
        self.process = subprocess.Popen(  # noqa: S603 — the venv's gunicorn, fixed arguments
            self.command, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log
        )
        deadline = clock.monotonic() + 60
        while clock.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped (exit status {self.process.returncode})")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
                conn.close()
            except OSError:
                pass
            clock.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.progress("Arrêt de gunicorn…")
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.log is not None and not self.log.closed:
            self.log.seek(0)
            lines = [line.rstrip() for line in self.log]
            self.log.close()
            refusals = [line for line in lines if line.startswith(("Conflict:", "Bad Request:"))]
            others = [line for line in lines if line and line not in refusals]
            self.progress(f"  journal de gunicorn : {len(refusals)} refus, autres lignes :")
            for line in others[-15:]:
                self.progress(f"    {line}")


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts = {"ok": 0, "refused": 0, "errors": 0}
        self.error_samples: list[str] = []

    def add(self, ok: int, refused: int, errors: int, samples: list[str]) -> None:
        with self.lock:
            self.counts["ok"] += ok
            self.counts["refused"] += refused
            self.counts["errors"] += errors
            self.error_samples.extend(samples[: 3 - len(self.error_samples)])


class KeepAlive:
    """One benchmark client's keep-alive HTTP connection to 127.0.0.1:`port`, opened again
    after a failure: a failure is returned as its description, to be counted, not raised."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(
        self, method: str, path: str, headers: dict[str, str], body: str | None = None
    ) -> tuple[int, bytes] | str:
        """(status, body) of the answer, or what failed (the connection is then new)."""
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return repr(error)

    def close(self) -> None:
        self.conn.close()


def _run_clients(clients: int, seconds: float, work: Callable[[int, float, Tally], None]):
    """`clients` threads started together, each running `work(number, deadline, tally)`."""
    tally = Tally()
    barrier = threading.Barrier(clients + 1)
    deadline_box: list[float] = []

    def client(number: int) -> None:
        barrier.wait()
        work(number, deadline_box[0], tally)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = clock.perf_counter()
    deadline_box.append(clock.monotonic() + seconds)
    barrier.wait()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return tally, clock.perf_counter() - began


def _api_client(port: int, key: str, space_ids: list[int], today: date, seed: int):
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/json",
        "Connection": "keep-alive",
    }

    def work(number: int, deadline: float, tally: Tally) -> None:
        rng = random.Random(seed)
        ok = refused = errors = 0
        samples: list[str] = []
        client = KeepAlive(port)
        try:
            while clock.monotonic() < deadline:
                start, end = _random_slot(rng, today)
                body = json.dumps(
                    {
                        "space": rng.choice(space_ids),
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                        "seats": 1,
                    }
                )
                answer = client.send(
                    "POST",
                    "/api/v1/reservations",
                    {**headers, "Idempotency-Key": str(uuid.uuid4())},
                    body,
                )
                if isinstance(answer, str):
                    errors += 1
                    samples.append(answer)
                    continue
                status, payload = answer
                if status == 201:
                    ok += 1
                elif status in (400, 409):
                    refused += 1
                else:
                    errors += 1
                    samples.append(f"{status} {payload[:200]!r}")
        finally:
            client.close()
            tally.add(ok, refused, errors, samples)

    return work


# The dataset's columns, less those a fresh confirmed booking leaves empty.
INSERT_COLUMNS = tuple(
    c for c in dataset.BOOKING_COLUMNS if c not in ("pending_until", "cancelled_at")
)


def _raw_connect():
    """A new database connection outside Django, in autocommit: one INSERT, one transaction."""
    params = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        options: dict[str, Any] = {
            "dbname": params["NAME"],
            "user": params.get("USER") or None,
            "password": params.get("PASSWORD") or None,
            "host": params.get("HOST") or None,
            "port": params.get("PORT") or None,
        }
        return psycopg.connect(
            autocommit=True, **{k: v for k, v in options.items() if v is not None}
        )
    raw = sqlite3.connect(params["NAME"], timeout=20, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=NORMAL")
    return raw


def _sql_client(spaces: list[dict], user_ids: list[int], today: date, seed: int):
    """Plain INSERTs of random slots; a refusal is an IntegrityError (exclusion constraint)."""

    postgresql = connection.vendor == "postgresql"
    columns = ", ".join(f'"{c}"' for c in INSERT_COLUMNS)
    marks = ", ".join(["%s" if postgresql else "?"] * len(INSERT_COLUMNS))
    sql = f"INSERT INTO booking_booking ({columns}) VALUES ({marks})"  # noqa: S608

    def instant(moment: datetime):
        # Django stores SQLite datetimes as UTC text; psycopg adapts aware datetimes itself.
        return moment if postgresql else str(moment.astimezone(UTC).replace(tzinfo=None))

    def work(number: int, deadline: float, tally: Tally) -> None:
        rng = random.Random(seed)
        ok = refused = errors = 0
        samples: list[str] = []
        integrity = psycopg.IntegrityError if postgresql else sqlite3.IntegrityError
        raw = _raw_connect()
        try:
            while clock.monotonic() < deadline:
                space = rng.choice(spaces)
                start, end = _random_slot(rng, today)
                now = datetime.now(UTC)
                exclusive = space["kind"] != "desk"
                price = booking_price_cents(
                    end - start,
                    1,
                    space["price_hour_cents"],
                    space["price_half_day_cents"],
                    space["price_day_cents"],
                )
                row = (
                    space["pk"],
                    user_ids[number],
                    instant(start),
                    instant(end),
                    instant(start),
                    instant(end + timedelta(minutes=space["buffer_after_minutes"])),
                    exclusive,
                    1,
                    "confirmed",
                    price,
                    price,
                    "",
                    instant(now),
                    instant(now),
                )
                try:
                    raw.execute(sql, row)
                    ok += 1
                except integrity:
                    refused += 1
                except Exception as error:  # noqa: BLE001 — counted, reported on stderr
                    errors += 1
                    samples.append(repr(error))
        finally:
            raw.close()
            tally.add(ok, refused, errors, samples)

    return work


def run_booking(
    clients: int, seconds: float, spaces: int, progress: Progress, *, workers: int, threads: int
) -> dict:

    prepare_database(progress)
    api_spaces, sql_spaces, users, keys = _booking_fixtures(clients, spaces, progress)
    api_ids = [s.pk for s in api_spaces]
    today = date.today()
    with Server(workers, threads, progress) as server:
        progress(f"API : {clients} clients pendant {seconds:g} s…")
        tally, elapsed = _run_clients(
            clients,
            seconds,
            lambda n, deadline, t: _api_client(server.port, keys[n], api_ids, today, seed=1000 + n)(
                n, deadline, t
            ),
        )
    api = tally.counts
    progress(
        f"  {api['ok']} réservations, {api['refused']} refus, {api['errors']} erreurs "
        f"en {elapsed:.1f} s"
    )
    for sample in tally.error_samples:
        progress(f"  erreur : {sample}")
    # Raw SQL: the same clients count, the same slots, on the twin spaces.
    twins = [
        {"pk": s.pk, **{k: getattr(s, k) for k in _space_specs(1)[0] if k != "name"}}
        for s in sql_spaces
    ]
    user_ids = [u.pk for u in users]
    progress(f"SQL brut : {clients} connexions pendant {seconds:g} s…")
    sql_tally, sql_elapsed = _run_clients(
        clients,
        seconds,
        lambda n, deadline, t: _sql_client(twins, user_ids, today, seed=1000 + n)(n, deadline, t),
    )
    raw = sql_tally.counts
    progress(
        f"  {raw['ok']} insertions, {raw['refused']} refus (contrainte), "
        f"{raw['errors']} erreurs en {sql_elapsed:.1f} s"
    )
    for sample in sql_tally.error_samples:
        progress(f"  erreur : {sample}")
    checks = dataset.check_invariants(api_ids)
    progress(f"Contrôles SQL (espaces de l'API) : {checks}")
    progress(
        "Contrôles SQL (espaces du SQL brut, sans règle de capacité en base) : "
        f"{dataset.check_invariants([s.pk for s in sql_spaces])}"
    )
    made = Booking.objects.filter(space_id__in=api_ids).count()
    if made < api["ok"]:
        progress(f"  attention : {api['ok']} réponses 201 mais {made} réservations en base")
    bookings_per_s = api["ok"] / elapsed
    raw_per_s = raw["ok"] / sql_elapsed
    return {
        "attempts": api["ok"] + api["refused"] + api["errors"],
        "confirmed": api["ok"],
        "refused": api["refused"],
        "overlaps": checks["overlaps"],
        "over_capacity": checks["over_capacity"],
        "bookings_per_s": round(bookings_per_s, 1),
        "raw_sql_inserts_per_s": round(raw_per_s, 1),
        "ratio": round(bookings_per_s / raw_per_s, 3) if raw_per_s else None,
        "database": connection.vendor,
    }
