"""`maillage bench budget --clients 16 --json`: concurrent bookings against programmes'
balances over HTTP, then what the database kept.

In its own bench database (made anew for each run, like the booking bench's), a gunicorn server
on the loopback and two phases of `clients` threads, each on its own keep-alive HTTP
connection to the API (a personal token: a logged-in client), all released together:

1. an envelope: `clients` people, each eligible to a social rate (the person pays 25 %),
   each book a room of their own on the same slot; the envelope covers half of the shares;
2. a credit: one person, from `clients` clients at once (as many tokens), books `clients`
   rooms on another slot; the credit covers three bookings.

Figures: `attempts` (requests), `funded` (bookings a programme pays a share of),
`budget_cents` (the envelope plus the credit), `spent_cents` (the shares held),
`overspent_cents` (what the shares exceed the envelope or the credit by), `cap_violations`
(balance rows outside their bounds, read in SQL), `ledger_matches` (`maillage ledger check`
finds no difference) and `database`.
"""

from __future__ import annotations

import http.client
import json
import threading
import time as clock
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.db import connection
from django.utils import timezone

from maillage.accounts.models import User
from maillage.api.models import ApiToken
from maillage.bench.booking import Server, Tally, bench_place, prepare_database
from maillage.booking.availability import PARIS
from maillage.booking.models import Channel
from maillage.eligibility.models import Category, EligibilityStatus
from maillage.places.models import Place, Space
from maillage.programmes import ledger, services
from maillage.programmes.models import (
    BookingShare,
    Envelope,
    Programme,
    ProgrammePlace,
    Wallet,
)

Progress = Callable[[str], None]

ROOM_HOUR_CENTS = 3000
# Two hours of a room: 60 €; the social rate pays 75 %: 45 €.
LIST_CENTS = 2 * ROOM_HOUR_CENTS
RATE_SHARE_CENTS = LIST_CENTS * 3 // 4
CREDIT_BOOKINGS = 3
USERS = "banc-budget.exemple.test"

OUT_OF_BOUNDS = """
SELECT
  (SELECT COUNT(*) FROM programmes_envelope WHERE left_cents < 0 OR left_cents > budget_cents)
+ (SELECT COUNT(*) FROM programmes_wallet WHERE left_cents < 0 OR left_cents > granted_cents)
+ (SELECT COUNT(*) FROM programmes_capcounter WHERE used < 0 OR used > "limit")
"""


def _category(code: str) -> Category:
    found, _ = Category.objects.get_or_create(code=code, defaults={"label": code})
    return found


def _programme(
    name: str, place: Place, staff: User, budget: int, code: str, **fields: object
) -> Programme:
    today = timezone.localdate()
    programme = Programme(
        name=name,
        public_label="Tarif solidaire",
        funder="Banc d'essai",
        valid_from=today,
        valid_until=today + timedelta(days=365),
        **fields,
    )
    programme.full_clean()
    programme.save()
    programme.categories.set([_category(code)])
    Envelope.objects.create(programme=programme)
    services.change_envelope(staff, programme, budget, channel=Channel.COMMAND)
    ProgrammePlace.objects.create(
        programme=programme, place=place, joined_at=timezone.now(), joined_by=staff
    )
    return programme


def _holder(email: str, code: str) -> User:
    user = User.objects.create_user(email, None, email_verified=True)
    today = timezone.localdate()
    EligibilityStatus.objects.create(
        person=user,
        category=_category(code),
        state="verified",
        valid_from=today,
        valid_until=today + timedelta(days=365),
        proof_mode="prescriber",
        decided_at=timezone.now(),
    )
    return user


def _fixtures(clients: int, progress: Progress):
    """A place with `clients` rooms, the two programmes, the people and their tokens."""
    progress("Lieu, salles, dispositifs et comptes du banc d'essai…")
    place = bench_place("Banc d'essai budget", "banc-budget")
    rooms = [
        Space.objects.create(
            place=place,
            name=f"Salle {n + 1}",
            kind="meeting_room",
            capacity=6,
            price_hour_cents=ROOM_HOUR_CENTS,
            max_advance_days=None,
        )
        for n in range(clients)
    ]
    staff = User.objects.create_user(
        f"finances@{USERS}", None, email_verified=True, is_departement_staff=True
    )
    rate = _programme(
        "Banc : tarif solidaire",
        place,
        staff,
        RATE_SHARE_CENTS * max(1, clients // 2),
        "rsa",
        kind="percent",
        person_basis_points=2500,
    )
    credit = _programme(
        "Banc : pass",
        place,
        staff,
        LIST_CENTS * clients,
        "independant",
        kind="credit",
        credit_cents=LIST_CENTS * CREDIT_BOOKINGS,
        credit_period="calendar_year",
    )
    people = [_holder(f"rsa{n}@{USERS}", "rsa") for n in range(clients)]
    rate_keys = [ApiToken.issue(person, "banc d'essai")[1] for person in people]
    holder = _holder(f"pass@{USERS}", "independant")
    credit_keys = [ApiToken.issue(holder, f"banc d'essai {n}")[1] for n in range(clients)]
    return rooms, rate, credit, rate_keys, credit_keys


def _phase(
    port: int, keys: list[str], space_ids: list[int], slot: tuple[datetime, datetime]
) -> Tally:
    """Each client books its room on `slot` once, all released together."""
    tally = Tally()
    barrier = threading.Barrier(len(keys))

    def client(number: int) -> None:
        body = json.dumps(
            {
                "space": space_ids[number],
                "start": slot[0].isoformat(),
                "end": slot[1].isoformat(),
                "seats": 1,
            }
        )
        headers = {
            "Authorization": f"Bearer {keys[number]}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        try:
            conn.request("POST", "/api/v1/reservations", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            tally.add(0, 0, 1, [repr(error)])
            return
        finally:
            conn.close()
        if response.status == 201:
            tally.add(1, 0, 0, [])
        elif response.status in (400, 409):
            tally.add(0, 1, 0, [])
        else:
            tally.add(0, 0, 1, [f"{response.status} {payload[:200]!r}"])

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(len(keys))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return tally


def _held(programme: Programme) -> int:
    return sum(
        BookingShare.objects.filter(programme=programme, released_at__isnull=True).values_list(
            "cents", flat=True
        )
    )


def run_budget(clients: int, progress: Progress, *, workers: int, threads: int) -> dict:
    """The budget bench in the bench database (see the module's docstring); its figures."""
    prepare_database(progress)
    rooms, rate, credit, rate_keys, credit_keys = _fixtures(clients, progress)
    day = timezone.localdate() + timedelta(days=7)
    morning = (
        datetime.combine(day, time(9), PARIS),
        datetime.combine(day, time(11), PARIS),
    )
    afternoon = (
        datetime.combine(day, time(14), PARIS),
        datetime.combine(day, time(16), PARIS),
    )
    room_ids = [room.pk for room in rooms]
    began = clock.perf_counter()
    with Server(workers, threads, progress) as server:
        progress(f"Enveloppe : {clients} personnes à la fois…")
        envelope_phase = _phase(server.port, rate_keys, room_ids, morning)
        progress(f"Crédit : une personne depuis {clients} clients à la fois…")
        credit_phase = _phase(server.port, credit_keys, room_ids, afternoon)
    for phase in (envelope_phase, credit_phase):
        progress(f"  {phase.counts}")
        for sample in phase.error_samples:
            progress(f"  erreur : {sample}")
    envelope = Envelope.objects.get(programme=rate)
    wallet = Wallet.objects.filter(programme=credit).first()
    granted = wallet.granted_cents if wallet is not None else LIST_CENTS * CREDIT_BOOKINGS
    rate_spent, credit_spent = _held(rate), _held(credit)
    with connection.cursor() as cursor:
        cursor.execute(OUT_OF_BOUNDS)
        out_of_bounds = int(cursor.fetchone()[0])
    differences = ledger.differences()
    for difference in differences:
        progress(f"  grand livre : {difference}")
    progress(f"Durée : {clock.perf_counter() - began:.1f} s")
    counts = [envelope_phase.counts, credit_phase.counts]
    return {
        "attempts": sum(c["ok"] + c["refused"] + c["errors"] for c in counts),
        "funded": BookingShare.objects.filter(released_at__isnull=True)
        .values("booking_id")
        .distinct()
        .count(),
        "budget_cents": envelope.budget_cents + granted,
        "spent_cents": rate_spent + credit_spent,
        "overspent_cents": max(0, rate_spent - envelope.budget_cents)
        + max(0, credit_spent - granted),
        "cap_violations": out_of_bounds,
        "ledger_matches": not differences,
        "database": connection.vendor,
    }
