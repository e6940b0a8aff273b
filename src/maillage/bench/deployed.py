"""`maillage bench deployed`: the guarantees of a deployment with several app servers behind a
reverse proxy, checked over real HTTP(S) against the running platform (figures as a dict).

Unlike the other benches, it runs in the configured database, the deployment's own (the same
DATABASE_URL, REDIS_URL and settings as the app servers): it makes its data there through the
domain services (a fictional place «Banc déploiement <run>», its spaces, programmes, an event
and accounts under @banc-deploiement.exemple.test, all kept afterwards), then drives the app
servers over HTTP(S), through the proxy (`proxy`: every app server) or each app server directly
(`apps`, with the proxy's Host, X-Forwarded-Proto and, behind a trusted proxy, an
X-Forwarded-For address of the run's own, as the proxy sends them; without a trusted proxy the
failed logins count against 127.0.0.1, locked out after MAILLAGE_LOGIN_IP_FAILURE_LIMIT
failures in 15 minutes, that is after about five runs):

- sessions: a real login (form and CSRF token) on the first app server, then the account page
  with that session cookie on every app server and through the proxy; a session made in the
  session store likewise (`sessions_shared`);
- the booking race: `racers` clients (a person and personal API token each) book the same
  slot of a desk space of 3 seats, then of a meeting room, at once, through the proxy; SQL then
  counts `overlaps` and `over_capacity` (bench.dataset.check_invariants);
- the budget race: `racers` people eligible to a social rate each book a room on the same slot
  at once (the envelope covers half of the shares), then one person books `racers` rooms at
  once against a credit covering three: `overspent_cents`, `cap_violations` (balances out of
  bounds, SQL) and `ledger_matches` (programmes.ledger finds no difference);
- the waiting-list race: an event of 6 seats with 4 taken, `racers` people register at once
  through the event page (session cookie, CSRF token, form POST): `waiting_list_over_capacity`
  (seats held beyond the capacity, or a counter differing from the registrations) and
  `waiting_list_in_order` (each registration got what the same ones in the database's order
  would have got, one after another);
- rate limits: failed logins alternately on each app server lock the account out at
  AXES_FAILURE_LIMIT (`login_lockout_shared`; `login_statuses` the answers, the last one with
  the right password; `login_failures_counted` as axes keeps them in the database), and one
  personal token's API requests, alternately on each app server, are answered 200 exactly
  MAILLAGE_API_KEY_RATE times in a minute, 429 beyond (`api_rate_shared`; None when the minute
  turned during the count); `rate_limit_shared` is both; `cache` names the cache's backend
  (RedisCache with REDIS_URL, else DatabaseCache: shared by every app server either way);
- the task queue: the emails queued since the start are each sent once: the deliveries the
  workers' `deliver_emails` results return add up to no more than the emails marked sent
  (`emails_sent_twice`), no task result names two workers (`tasks_taken_twice`), nothing left
  unsent (`emails_pending`, after waiting up to EMAIL_WAIT_SECONDS);
- throughput: `clients` threads, each booking its own room's successive free hours through
  the API, through `proxy_one` (one app server) then through `proxy` (all) for `seconds` / 2
  each, twice over (one, all, one, all: a change in the machine's load weighs on both alike),
  each half once the emails queued so far are sent (at most QUIET_WAIT_SECONDS):
  `bookings_one` and `bookings_two` (bookings made), `bookings_per_s_one` and
  `bookings_per_s_two` (201 answers per second of wall-clock time) and their `ratio`.

Every answer of 500 or more, and every failed connection, counts in `errors_5xx`; `passed` is
true when every correctness figure is 0 (or true).
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import ssl
import threading
import time as clock
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from http.cookies import SimpleCookie
from importlib import import_module
from urllib.parse import urlencode, urlsplit

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, load_backend
from django.db import connection
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.text import slugify
from django_tasks_db.models import DBTaskResult

from maillage.accounts.models import User
from maillage.api.models import ApiToken
from maillage.bench import budget, dataset
from maillage.bench.booking import bench_place
from maillage.booking.availability import PARIS
from maillage.core.models import OutboundEmail
from maillage.events import services as event_services
from maillage.events.models import Event, EventStatus, Registration, RegistrationStatus
from maillage.events.waitlist import one_after_another
from maillage.places.models import Place, Space
from maillage.programmes import ledger
from maillage.programmes.models import Envelope, Wallet

Progress = Callable[[str], None]

DOMAIN = "banc-deploiement.exemple.test"
DESK_SEATS = 3
EVENT_CAPACITY = 6
EVENT_TAKEN = 4
# Personal tokens a throughput client rotates through: the API counts requests per person
# (MAILLAGE_API_KEY_RATE a minute), so that the rate limit never caps the measure.
TOKENS_PER_CLIENT = 4
EMAIL_WAIT_SECONDS = 180
QUIET_WAIT_SECONDS = 60
TIMEOUT_SECONDS = 60
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


# --- HTTP(S) clients -------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where requests go: `url` (scheme, host, port), the certificate authority file for
    https, and the Host and X-Forwarded-Proto headers to send (an app server reached
    directly is sent what the proxy would send it)."""

    url: str
    cacert: str | None = None
    host: str | None = None
    forwarded_proto: str | None = None
    forwarded_for: str | None = None

    @property
    def origin(self) -> str:
        """What a browser would send as Origin for a page of this target."""
        parts = urlsplit(self.url)
        scheme = self.forwarded_proto or parts.scheme
        return f"{scheme}://{self.host or parts.netloc}"

    def connect(self) -> http.client.HTTPConnection:
        parts = urlsplit(self.url)
        if parts.scheme == "https":
            context = ssl.create_default_context(cafile=self.cacert)
            return http.client.HTTPSConnection(
                parts.hostname or "localhost",
                parts.port or 443,
                timeout=TIMEOUT_SECONDS,
                context=context,
            )
        return http.client.HTTPConnection(
            parts.hostname or "localhost", parts.port or 80, timeout=TIMEOUT_SECONDS
        )


@dataclass
class Answer:
    status: int
    body: bytes
    location: str = ""


class Client:
    """One client's keep-alive connection to a target, with its cookies (a browser's jar,
    without domains: one site). A failed exchange returns its description (a str)."""

    def __init__(self, target: Target, cookies: dict[str, str] | None = None) -> None:
        self.target = target
        self.cookies: dict[str, str] = dict(cookies or {})
        self.conn = target.connect()

    def send(
        self,
        method: str,
        path: str,
        *,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer | str:
        sent = {"Connection": "keep-alive", **(headers or {})}
        if self.target.host:
            sent["Host"] = self.target.host
        if self.target.forwarded_proto:
            sent["X-Forwarded-Proto"] = self.target.forwarded_proto
        if self.target.forwarded_for:
            sent["X-Forwarded-For"] = self.target.forwarded_for
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()
            self.conn = self.target.connect()
            return repr(error)
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return Answer(response.status, payload, response.getheader("Location", ""))

    def form_post(self, path: str, fields: dict[str, str]) -> Answer | str:
        """POST a form as a browser does (Origin and Referer of the target)."""
        return self.send(
            "POST",
            path,
            body=urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.target.origin,
                "Referer": self.target.origin + path,
            },
        )

    def csrf_token(self, path: str) -> str | Answer:
        """The form's CSRF token on the page at `path` (the page's answer when none)."""
        answer = self.send("GET", path)
        if isinstance(answer, str):
            return Answer(0, answer.encode())
        found = CSRF_FIELD.search(answer.body)
        return found.group(1).decode() if found else answer

    def close(self) -> None:
        self.conn.close()


class Counts:
    """Answers of a phase by kind: `ok` (the expected success), `refused` (4xx),
    `errors_5xx` (5xx and failed connections), with a few samples of the latter."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ok = self.refused = self.errors = self.throttled = 0
        self.by_status: dict[int, int] = {}
        self.samples: list[str] = []

    def add(self, answer: Answer | str, ok: Callable[[Answer], bool]) -> None:
        with self.lock:
            if isinstance(answer, str):
                self.errors += 1
                self.samples.append(answer)
                return
            self.by_status[answer.status] = self.by_status.get(answer.status, 0) + 1
            if answer.status >= 500:
                self.errors += 1
                self.samples.append(f"{answer.status} {answer.body[:200]!r}")
            elif ok(answer):
                self.ok += 1
            elif answer.status == 429:
                self.throttled += 1
            else:
                self.refused += 1

    def __str__(self) -> str:
        return (
            f"{self.ok} réussites, {self.refused} refus, {self.throttled} limités (429), "
            f"{self.errors} erreurs, statuts {dict(sorted(self.by_status.items()))}"
        )


def together(calls: list[Callable[[], None]]) -> None:
    """Run `calls` in threads of their own, released at once by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], None]) -> None:
        barrier.wait()
        call()

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3 * TIMEOUT_SECONDS)


def created(answer: Answer) -> bool:
    return answer.status == 201


def book_body(space: int, start: datetime, end: datetime) -> str:
    return json.dumps(
        {"space": space, "start": start.isoformat(), "end": end.isoformat(), "seats": 1}
    )


def api_headers(key: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {key}",
        "Content-Type": "application/json",
        "Idempotency-Key": str(uuid.uuid4()),
    }


# --- Data, made through the domain ----------------------------------------------------------


@dataclass
class Run:
    """One run's names and data; `tag` keeps them apart from earlier runs'."""

    tag: str
    place: Place

    def email(self, name: str) -> str:
        return f"{slugify(name)}-{self.tag}@{DOMAIN}"

    def person(self, name: str, password: str | None = None) -> User:
        return User.objects.create_user(self.email(name), password, email_verified=True)

    def space(self, name: str, kind: str = "meeting_room", capacity: int = 6) -> Space:
        return Space.objects.create(
            place=self.place,
            name=name,
            kind=kind,
            capacity=capacity,
            price_hour_cents=budget.ROOM_HOUR_CENTS if kind != "desk" else 400,
            max_advance_days=None,
        )


def session_cookie(user: User) -> str:
    """A logged-in session for `user`, made in the configured session store; its key."""
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The first backend that loads users (axes' only guards logins), as login() records it.
    store[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def slot(days: int, hour: int, hours: int = 2) -> tuple[datetime, datetime]:
    day = timezone.localdate() + timedelta(days=days)
    start = datetime.combine(day, time(hour), PARIS)
    return start, start + timedelta(hours=hours)


# --- The checks -------------------------------------------------------------------------------


def check_sessions(run: Run, proxy: Target, apps: list[Target], progress: Progress) -> dict:
    """A login on the first app server, then that session (and one made in the store) on
    every app server and through the proxy."""
    progress("Sessions : connexion sur le premier serveur, puis la session sur chacun…")
    password = secrets.token_urlsafe(16)
    user = run.person("session", password)
    first = Client(apps[0])
    token = first.csrf_token("/connexion/")
    results: dict[str, object] = {}
    if isinstance(token, Answer):
        results["login"] = f"pas de jeton CSRF (statut {token.status})"
    else:
        answer = first.form_post(
            "/connexion/",
            {"csrfmiddlewaretoken": token, "username": user.email, "password": password},
        )
        results["login"] = answer.status if isinstance(answer, Answer) else answer
    cookie_name = settings.SESSION_COOKIE_NAME
    logged = {cookie_name: first.cookies.get(cookie_name, "")}
    stored = {cookie_name: session_cookie(run.person("session-stockee"))}
    first.close()
    shared = results["login"] == 302 and bool(logged[cookie_name])
    for label, jar in (("connexion", logged), ("magasin", stored)):
        for number, target in enumerate([*apps, proxy]):
            where = "proxy" if target is proxy else f"serveur {number + 1}"
            client = Client(target, jar)
            answer = client.send("GET", "/compte/")
            client.close()
            status = answer.status if isinstance(answer, Answer) else answer
            results[f"{label}, {where}"] = status
            shared = shared and status == 200
    progress(f"  {results}")
    return {"sessions_shared": bool(shared), "sessions": results}


def race_bookings(run: Run, proxy: Target, racers: int, progress: Progress) -> dict:
    """`racers` clients book the same slot of a desk space, then of a room, at once."""
    desk = run.space("Postes (course)", kind="desk", capacity=DESK_SEATS)
    room = run.space("Salle (course)")
    keys = [ApiToken.issue(run.person(f"course{n}"), "banc déploiement")[1] for n in range(racers)]
    start, end = slot(3, 10)
    figures: dict[str, object] = {}
    errors = 0
    for label, space, expected in (("desk", desk, DESK_SEATS), ("room", room, 1)):
        progress(f"Course aux réservations ({label}) : {racers} clients à la fois par le proxy…")
        counts = Counts()

        def book(key: str, space: Space = space, counts: Counts = counts) -> None:
            client = Client(proxy)
            counts.add(
                client.send(
                    "POST",
                    "/api/v1/reservations",
                    body=book_body(space.pk, start, end),
                    headers=api_headers(key),
                ),
                created,
            )
            client.close()

        together([partial(book, key) for key in keys])
        progress(f"  {counts}")
        for sample in counts.samples[:3]:
            progress(f"  erreur : {sample}")
        errors += counts.errors
        figures[f"{label}_booked"] = counts.ok
        figures[f"{label}_expected"] = min(expected, racers)
    checks = dataset.check_invariants([desk.pk, room.pk])
    progress(f"  contrôles SQL : {checks}")
    return {**checks, "booking_race": figures, "errors": errors}


def race_budget(run: Run, proxy: Target, racers: int, progress: Progress) -> dict:
    """The budget bench's two phases (bench.budget), through the proxy."""
    staff = User.objects.create_user(
        run.email("finances"), None, email_verified=True, is_departement_staff=True
    )
    rooms = [run.space(f"Salle budget {n + 1}") for n in range(racers)]
    rate = budget._programme(
        f"Banc déploiement {run.tag} : tarif solidaire",
        run.place,
        staff,
        budget.RATE_SHARE_CENTS * max(1, racers // 2),
        "rsa",
        kind="percent",
        person_basis_points=2500,
    )
    credit = budget._programme(
        f"Banc déploiement {run.tag} : pass",
        run.place,
        staff,
        budget.LIST_CENTS * racers,
        "independant",
        kind="credit",
        credit_cents=budget.LIST_CENTS * budget.CREDIT_BOOKINGS,
        credit_period="calendar_year",
    )
    rate_keys = [
        ApiToken.issue(budget._holder(run.email(f"rsa{n}"), "rsa"), "banc")[1]
        for n in range(racers)
    ]
    holder = budget._holder(run.email("pass"), "independant")
    credit_keys = [ApiToken.issue(holder, f"banc {n}")[1] for n in range(racers)]
    errors = 0
    for label, keys, when in (
        ("enveloppe", rate_keys, slot(7, 9)),
        ("crédit", credit_keys, slot(7, 14)),
    ):
        progress(f"Course au budget ({label}) : {racers} réservations à la fois par le proxy…")
        counts = Counts()

        def book(number: int, keys=keys, when=when, counts=counts) -> None:
            client = Client(proxy)
            counts.add(
                client.send(
                    "POST",
                    "/api/v1/reservations",
                    body=book_body(rooms[number].pk, *when),
                    headers=api_headers(keys[number]),
                ),
                created,
            )
            client.close()

        together([partial(book, n) for n in range(racers)])
        progress(f"  {counts}")
        errors += counts.errors
    envelope = Envelope.objects.get(programme=rate)
    wallet = Wallet.objects.filter(programme=credit).first()
    granted = wallet.granted_cents if wallet else budget.LIST_CENTS * budget.CREDIT_BOOKINGS
    rate_spent, credit_spent = budget._held(rate), budget._held(credit)
    with connection.cursor() as cursor:
        cursor.execute(budget.OUT_OF_BOUNDS)
        out_of_bounds = int(cursor.fetchone()[0])
    differences = ledger.differences()
    for difference in differences[:5]:
        progress(f"  grand livre : {difference}")
    overspent = max(0, rate_spent - envelope.budget_cents) + max(0, credit_spent - granted)
    progress(
        f"  dépensé {rate_spent + credit_spent} c sur {envelope.budget_cents + granted} c, "
        f"dépassement {overspent} c, soldes hors bornes {out_of_bounds}"
    )
    return {
        "budget_cents": envelope.budget_cents + granted,
        "spent_cents": rate_spent + credit_spent,
        "overspent_cents": overspent,
        "cap_violations": out_of_bounds,
        "ledger_matches": not differences,
        "errors": errors,
    }


def race_waiting_list(run: Run, proxy: Target, racers: int, progress: Progress) -> dict:
    """An event of EVENT_CAPACITY seats, EVENT_TAKEN taken: `racers` people register at once
    through its page (form and CSRF token, a session each)."""
    staff = User.objects.create_user(
        run.email("agenda"), None, email_verified=True, is_departement_staff=True
    )
    start = (timezone.localtime() + timedelta(days=7)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    event = Event(
        place=run.place,
        title=f"Atelier du banc {run.tag}",
        description="Un atelier du banc d'essai de déploiement.",
        start=start,
        end=start + timedelta(hours=2),
        capacity=EVENT_CAPACITY,
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=start - timedelta(days=1),
        status=EventStatus.PUBLISHED,
        created_by=staff,
    )
    event.full_clean()
    event.save()
    for n in range(EVENT_TAKEN):
        event_services.register(run.person(f"inscrit{n}"), event, 1)
    people = [run.person(f"atelier{n}") for n in range(racers)]
    clients = [Client(proxy, {settings.SESSION_COOKIE_NAME: session_cookie(p)}) for p in people]
    page = event.get_absolute_url()
    tokens = [client.csrf_token(page) for client in clients]
    missing = [t for t in tokens if isinstance(t, Answer)]
    progress(f"Liste d'attente : {racers} inscriptions à la fois par la page de l'atelier…")
    counts = Counts()
    if missing:
        progress(f"  page de l'atelier sans jeton CSRF (statut {missing[0].status})")
        counts.add(Answer(missing[0].status or 599, missing[0].body), created)
    else:
        path = f"/agenda/{event.pk}/inscription/"

        def register(client: Client, token: str) -> None:
            answer = client.form_post(path, {"csrfmiddlewaretoken": token, "places": "1"})
            counts.add(answer, lambda a: a.status == 302)

        texts = [t for t in tokens if isinstance(t, str)]
        together([partial(register, c, t) for c, t in zip(clients, texts, strict=True)])
    for client in clients:
        client.close()
    progress(f"  {counts}")
    event.refresh_from_db()
    registrations = Registration.objects.filter(event=event)
    held = registrations.holding().aggregate(seats=Sum("seats"))["seats"] or 0
    over = max(0, held - event.capacity) + abs(event.seats_taken - held)
    # The same registrations, one after another in the database's order (their ids, each
    # written under the event's lock), end the same way.
    S = RegistrationStatus
    taken = one_after_another(
        event.capacity, registrations.order_by("pk").values_list("pk", "seats")
    )
    expected = {pk: S.REGISTERED if got else S.WAITING for pk, got in taken.items()}
    actual = dict(registrations.values_list("pk", "status"))
    waiting = registrations.filter(status=RegistrationStatus.WAITING).count()
    progress(f"  places tenues {held}/{event.capacity}, {waiting} en liste d'attente")
    return {
        "waiting_list_over_capacity": over,
        "waiting_list_in_order": actual == expected and len(actual) == EVENT_TAKEN + racers,
        "waiting_list": {"registered": held, "waiting": waiting, "ok": counts.ok},
        "errors": counts.errors,
    }


def check_login_lockout(run: Run, apps: list[Target], progress: Progress) -> dict:
    """Failed logins alternately on each app server: the account is locked out at
    AXES_FAILURE_LIMIT failures, the right password then refused."""
    limit = settings.AXES_FAILURE_LIMIT
    progress(f"Limite de connexion : {limit} échecs répartis sur les serveurs…")
    password = secrets.token_urlsafe(16)
    user = run.person("verrou", password)
    statuses: list[int | str] = []
    for attempt in range(limit + 1):
        client = Client(apps[attempt % len(apps)])
        token = client.csrf_token("/connexion/")
        if isinstance(token, Answer):
            statuses.append(token.status)
            client.close()
            continue
        given = password if attempt == limit else "mauvais-mot-de-passe"
        answer = client.form_post(
            "/connexion/",
            {"csrfmiddlewaretoken": token, "username": user.email, "password": given},
        )
        statuses.append(answer.status if isinstance(answer, Answer) else answer)
        client.close()
    counted = (
        AccessAttempt.objects.filter(username__iexact=user.email).aggregate(
            most=Max("failures_since_start")
        )["most"]
        or 0
    )
    progress(f"  statuts : {statuses}, échecs comptés en base : {counted}")
    # The failures before the limit answered with the form again (200); the one reaching it
    # locks the account out (axes' lockout page), and the right password is then refused.
    locked = statuses[: limit - 1] == [200] * (limit - 1) and all(
        status not in (200, 302) and isinstance(status, int) and status < 500
        for status in statuses[limit - 1 :]
    )
    return {
        "login_lockout_shared": locked,
        "login_statuses": statuses,
        "login_failures_counted": counted,
    }


def check_api_rate(run: Run, apps: list[Target], progress: Progress) -> dict:
    """One person's API requests alternately on each app server: exactly
    MAILLAGE_API_KEY_RATE answered 200 within a minute, 429 beyond."""
    limit = settings.MAILLAGE_API_KEY_RATE
    if limit > 5000:
        progress(f"Limite de l'API : {limit} par minute, trop pour la vérifier ici.")
        return {"api_rate_shared": None}
    for attempt in range(2):  # again, once, if the minute turned during the count
        left = 60 - clock.time() % 60
        if left < min(30, 5 + limit / 40):  # about 20 ms a request, on two servers
            progress(f"Limite de l'API : attente de la minute suivante ({left:.0f} s)…")
            clock.sleep(left + 0.5)
        figures = _count_api_rate(run.person(f"debit{attempt}"), apps, limit, progress)
        if figures["api_rate_shared"] is not None:
            break
    return figures


def _count_api_rate(person: User, apps: list[Target], limit: int, progress: Progress) -> dict:
    key = ApiToken.issue(person, "banc")[1]
    extra = 20
    progress(f"Limite de l'API : {limit + extra} requêtes d'une personne, serveur par serveur…")
    counts = Counts()
    threads_per_app = 2
    sent = limit + extra
    lock = threading.Lock()
    remaining = [sent]

    def worker(target: Target) -> None:
        client = Client(target)
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            answer = client.send(
                "GET", "/api/v1/reservations", headers={"Authorization": f"Bearer {key}"}
            )
            counts.add(answer, lambda a: a.status == 200)
        client.close()

    began = clock.time()
    together([partial(worker, t) for t in apps for _ in range(threads_per_app)])
    same_minute = int(began // 60) == int(clock.time() // 60)
    progress(f"  {counts}" + ("" if same_minute else " (la minute a changé en cours)"))
    shared = counts.ok == limit and counts.throttled == sent - limit if same_minute else None
    return {"api_rate_shared": shared, "api_rate_limit": limit, "errors": counts.errors}


def throughput(
    run: Run, target: Target, label: str, clients: int, seconds: float, progress: Progress
) -> tuple[Counts, float]:
    """Bookings a second by `clients` threads, each booking its own room's successive free
    hours (8:00–20:00, day after day), rotating through TOKENS_PER_CLIENT people's tokens."""
    rooms = [run.space(f"Salle débit {label} {n + 1}") for n in range(clients)]
    keys = [
        [
            ApiToken.issue(run.person(f"debit-{label}-{n}-{k}"), "banc")[1]
            for k in range(TOKENS_PER_CLIENT)
        ]
        for n in range(clients)
    ]
    counts = Counts()
    deadline: list[float] = []
    barrier = threading.Barrier(
        clients + 1, action=lambda: deadline.append(clock.monotonic() + seconds)
    )

    def work(number: int) -> None:
        client = Client(target)
        barrier.wait()
        made = 0
        while clock.monotonic() < deadline[0]:
            start, end = slot(1 + made // 12, 8 + made % 12, hours=1)
            answer = client.send(
                "POST",
                "/api/v1/reservations",
                body=book_body(rooms[number].pk, start, end),
                headers=api_headers(keys[number][made % TOKENS_PER_CLIENT]),
            )
            counts.add(answer, created)
            made += 1
        client.close()

    progress(f"Débit ({label}) : {clients} clients pendant {seconds:g} s par {target.url}…")
    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = clock.perf_counter()
    for thread in threads:
        thread.join(timeout=seconds + 3 * TIMEOUT_SECONDS)
    elapsed = clock.perf_counter() - began
    rate = counts.ok / elapsed
    progress(f"  {counts} en {elapsed:.1f} s : {rate:.1f} réservations/s")
    for sample in counts.samples[:3]:
        progress(f"  erreur : {sample}")
    return counts, elapsed


def wait_for_outbox(since: datetime, seconds: float, progress: Progress) -> None:
    """Wait (at most `seconds`) until the emails queued since `since` are sent, so that a
    throughput phase does not share the machine with the previous phase's deliveries."""
    pending = OutboundEmail.objects.filter(
        created_at__gte=since, sent_at__isnull=True, failed_at__isnull=True
    )
    deadline = clock.monotonic() + seconds
    if pending.exists():
        progress("Attente de l'envoi des courriels en file avant la mesure…")
    while clock.monotonic() < deadline and pending.exists():
        clock.sleep(1)


def check_emails(since: datetime, progress: Progress) -> dict:
    """Wait until the emails queued since `since` are sent (at most EMAIL_WAIT_SECONDS) and
    the delivery tasks done; then compare what the tasks say they sent with the outbox."""
    progress("Courriels : attente de leur envoi par les workers…")
    deadline = clock.monotonic() + EMAIL_WAIT_SECONDS
    queued = OutboundEmail.objects.filter(created_at__gte=since)
    pending = queued.filter(sent_at__isnull=True, failed_at__isnull=True)
    results = DBTaskResult.objects.filter(enqueued_at__gte=since)
    unfinished = results.filter(finished_at__isnull=True, task_path__endswith="deliver_emails")
    while clock.monotonic() < deadline and (pending.exists() or unfinished.exists()):
        clock.sleep(1)
    deliveries = results.filter(task_path__endswith="deliver_emails", finished_at__isnull=False)
    returned = sum(value for value in deliveries.values_list("return_value", flat=True) if value)
    sent = OutboundEmail.objects.filter(sent_at__gte=since).count()
    workers = {w for ids in results.values_list("worker_ids", flat=True) for w in ids or []}
    twice = sum(1 for ids in results.values_list("worker_ids", flat=True) if len(ids or []) > 1)
    figures = {
        "emails_queued": queued.count(),
        "emails_sent": sent,
        "emails_pending": pending.count(),
        "emails_failed": queued.filter(failed_at__isnull=False).count(),
        "emails_sent_twice": max(0, returned - sent),
        "tasks_taken_twice": twice,
        "workers_seen": len(workers),
    }
    progress(f"  {figures}")
    return figures


CORRECT = {
    "overlaps": 0,
    "over_capacity": 0,
    "overspent_cents": 0,
    "cap_violations": 0,
    "ledger_matches": True,
    "waiting_list_over_capacity": 0,
    "waiting_list_in_order": True,
    "errors_5xx": 0,
    "sessions_shared": True,
    "rate_limit_shared": True,
    "emails_sent_twice": 0,
    "emails_pending": 0,
    "tasks_taken_twice": 0,
}


def run_deployed(
    *,
    proxy: str,
    proxy_one: str,
    apps: list[str],
    cacert: str | None,
    seconds: float,
    clients: int,
    racers: int,
    progress: Progress,
) -> dict:
    """The checks and measures of the module's docstring against the running deployment;
    rates in bookings a second, amounts in cents."""
    since = timezone.now()
    both = Target(proxy, cacert)
    one = Target(proxy_one, cacert)
    scheme = urlsplit(proxy).scheme
    host = urlsplit(proxy).hostname or "localhost"
    # Behind a trusted proxy, the app servers take the client's address from the last
    # X-Forwarded-For entry: this run's failed logins count against an address of its own
    # (TEST-NET-2, RFC 5737), not against 127.0.0.1's MAILLAGE_LOGIN_IP_FAILURE_LIMIT.
    client = f"198.51.100.{secrets.randbelow(254) + 1}" if settings.BEHIND_PROXY else None
    servers = [
        Target(
            url,
            cacert,
            host=host,
            forwarded_proto=scheme if scheme == "https" else None,
            forwarded_for=client,
        )
        for url in apps
    ]
    tag = timezone.now().strftime("%Y%m%d%H%M%S")
    progress(f"Données du banc (série {tag}) dans la base déployée…")
    run = Run(tag, bench_place(f"Banc déploiement {tag}", f"banc-deploiement-{tag}"))
    figures: dict = {"run": run.tag}
    figures.update(check_sessions(run, both, servers, progress))
    bookings = race_bookings(run, both, racers, progress)
    money = race_budget(run, both, racers, progress)
    waiting = race_waiting_list(run, both, racers, progress)
    login = check_login_lockout(run, servers, progress)
    rate = check_api_rate(run, servers, progress)
    # Each measure in two halves, alternately, so that a change in the machine's load (other
    # work, the workers' deliveries) weighs on both alike.
    made = {"one": 0, "two": 0}
    spent = {"one": 0.0, "two": 0.0}
    failures = 0
    for half in (1, 2):
        for key, target, label in (("one", one, "un serveur"), ("two", both, "deux serveurs")):
            wait_for_outbox(since, QUIET_WAIT_SECONDS, progress)
            counts, elapsed = throughput(
                run, target, f"{label}, moitié {half}", clients, seconds / 2, progress
            )
            made[key] += counts.ok
            spent[key] += elapsed
            failures += counts.errors
    per_s_one, per_s_two = made["one"] / spent["one"], made["two"] / spent["two"]
    emails = check_emails(since, progress)
    errors = sum(part.get("errors", 0) for part in (bookings, money, waiting, rate))
    errors += failures
    figures.update(
        {
            "overlaps": bookings["overlaps"],
            "over_capacity": bookings["over_capacity"],
            "booking_race": bookings["booking_race"],
            **{k: v for k, v in money.items() if k != "errors"},
            **{k: v for k, v in waiting.items() if k != "errors"},
            **login,
            **{k: v for k, v in rate.items() if k != "errors"},
            "rate_limit_shared": bool(login["login_lockout_shared"])
            and rate["api_rate_shared"] is not False,
            "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
            "errors_5xx": errors,
            **emails,
            "clients": clients,
            "seconds": seconds,
            "bookings_one": made["one"],
            "bookings_two": made["two"],
            "bookings_per_s_one": round(per_s_one, 1),
            "bookings_per_s_two": round(per_s_two, 1),
            "ratio": round(per_s_two / per_s_one, 2) if per_s_one else None,
            "database": connection.vendor,
        }
    )
    race = bookings["booking_race"]
    won_as_expected = all(race[f"{k}_booked"] == race[f"{k}_expected"] for k in ("desk", "room"))
    figures["booking_race_filled"] = won_as_expected
    failed = [name for name, wanted in CORRECT.items() if figures[name] != wanted]
    figures["failed"] = failed
    figures["passed"] = not failed
    progress(
        f"Débit : {figures['bookings_per_s_one']} réservations/s avec un serveur, "
        f"{figures['bookings_per_s_two']} avec deux (×{figures['ratio']})."
    )
    progress("Tout est conforme." if not failed else f"Non conforme : {', '.join(failed)}")
    return figures
