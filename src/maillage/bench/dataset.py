"""A synthetic booking dataset for the availability benchmark, built fast in a bench database.

Never run against the platform's database: `maillage bench availability` re-runs itself on a
separate one (see maillage.bench.booking). The dataset is deterministic for a given size, seed
and anchor day, and is recorded in a small table so that later runs reuse it.

What it holds
- `places` open places spread round-robin over the active département's communes, each point
  drawn inside its commune (demo.network.point_inside), with the demo's opening-hour patterns
  and a few closures (Christmas week for most, two weeks of August for some).
- `spaces` spaces: the first of each place is a desk space, the others meeting rooms, private
  offices, now and then an event hall or a workshop (rooms and halls with buffers).
- `bookings` bookings from about one year before the anchor day to one year after it, inside
  opening hours and outside closures, aligned on the slot. Exclusive spaces never hold two
  bookings whose blocked spans (buffers included) meet; desk spaces never exceed their seats
  (whatever the status, so holding bookings a fortiori). Half go to desk spaces.

Bookings are inserted with COPY on PostgreSQL and executemany in one transaction on SQLite.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from shapely.geometry import shape

from maillage.accounts.models import User
from maillage.booking.availability import PARIS, utc_offset
from maillage.booking.models import HOLDING_STATUSES
from maillage.booking.pricing import NoPriceCoversIt, booking_price_cents
from maillage.core.text import fold
from maillage.demo.network import HOURS_PATTERNS, point_inside
from maillage.places.models import Closure, OpeningHours, Place, PlaceStatus, Space
from maillage.territory.models import Commune

Progress = Callable[[str], None]

# Bump when the generator changes: a stored dataset of another version is rebuilt.
GENERATOR_VERSION = 1
META_TABLE = "maillage_bench_dataset"
SLUG_PREFIX = "banc-dispo-"
USER_DOMAIN = "banc-dispo.exemple.test"
EPOCH = date(1970, 1, 1)
BATCH = 50_000
# How many random draws a space gets per booking it should receive before giving up (full).
ATTEMPTS_PER_BOOKING = 20

BOOKING_COLUMNS = (
    "space_id",
    "user_id",
    "start",
    "end",
    "blocked_start",
    "blocked_end",
    "exclusive",
    "seats",
    "status",
    "price_cents",
    "person_price_cents",
    "pending_until",
    "cancelled_at",
    "status_reason",
    "created_at",
    "updated_at",
)


@dataclass(frozen=True)
class DatasetSpec:
    places: int = 500
    spaces: int = 3000
    bookings: int = 1_000_000
    seed: int = 92

    def __post_init__(self) -> None:
        if self.places < 1 or self.spaces < self.places or self.bookings < 0:
            raise ValueError("at least one place, one space per place, no negative bookings")

    @property
    def params(self) -> dict:
        return {**asdict(self), "version": GENERATOR_VERSION}


FULL = DatasetSpec()
QUICK = DatasetSpec(places=20, spaces=100, bookings=20_000)


# --- Stored parameters -------------------------------------------------------------------


def stored_dataset() -> dict | None:
    """The parameters of the dataset in this database ({…, "anchor": iso day}), if complete."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (id integer PRIMARY KEY, params text)"  # noqa: S608
        )
        cursor.execute(f"SELECT params FROM {META_TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _store_dataset(record: dict | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {META_TABLE}")  # noqa: S608
        if record is not None:
            cursor.execute(
                f"INSERT INTO {META_TABLE} (id, params) VALUES (1, %s)",  # noqa: S608
                [json.dumps(record, sort_keys=True)],
            )


def matches(stored: dict | None, spec: DatasetSpec) -> bool:
    return stored is not None and {k: stored.get(k) for k in spec.params} == spec.params


# --- Building ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
    pk: int
    hours: tuple[tuple[tuple[int, int], ...], ...]  # per weekday: (opens, closes) in minutes
    closed_days: frozenset[date]


@dataclass(frozen=True)
class _Space:
    pk: int
    place: _Place
    kind: str
    capacity: int
    slot: int
    before: int
    after: int
    prices: tuple[int | None, int | None, int | None]

    @property
    def exclusive(self) -> bool:
        return self.kind != "desk"


def ensure_dataset(spec: DatasetSpec, progress: Progress, today: date | None = None) -> dict:
    """The dataset described by `spec` in this (bench) database, built unless already there."""
    stored = stored_dataset()
    if stored is not None and matches(stored, spec):
        progress(f"Jeu de données déjà construit le {stored['anchor']} : réutilisé.")
        return stored
    anchor = today or timezone.localdate()
    _store_dataset(None)
    clear(progress)
    rng = random.Random(spec.seed)
    communes = list(
        Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT).order_by("insee_code")
    )
    if not communes:
        raise RuntimeError("no commune: load the territory first")
    progress(f"Lieux ({spec.places}) et espaces ({spec.spaces})…")
    with transaction.atomic():
        places = _make_places(spec, communes, rng, anchor)
        spaces = _make_spaces(spec, places, rng)
        users = _make_users(max(50, spec.bookings // 500))
    progress(f"Réservations ({spec.bookings:_})…".replace("_", " "))
    count = _insert_bookings(_bookings(spec, spaces, users, rng, anchor, progress), progress)
    _analyze(progress)
    progress("Contrôle des invariants du jeu (chevauchements, capacité)…")
    checks = check_invariants()
    if any(checks.values()):
        raise RuntimeError(f"the generated dataset breaks the booking invariants: {checks}")
    record = {
        **spec.params,
        "anchor": anchor.isoformat(),
        "counts": {"places": len(places), "spaces": len(spaces), "bookings": count},
    }
    _store_dataset(record)
    return record


def clear(progress: Progress) -> None:
    """Remove every booking, place, space and bench user of this (bench) database."""
    progress("Nettoyage de la base d'essai…")
    tables = [
        "booking_booking",
        "booking_bookingseries",
        "places_openinghours",
        "places_closure",
        "places_space_equipment",
        "places_space",
        "places_place_services",
        "places_place_managers",
        "places_place",
    ]
    existing = set(connection.introspection.table_names())
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            present = ", ".join(t for t in tables if t in existing)
            cursor.execute(f"TRUNCATE {present} CASCADE")  # noqa: S608
        else:
            for table in tables:
                if table in existing:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    User.objects.filter(email__endswith="@" + USER_DOMAIN).delete()


def _make_places(spec, communes, rng, anchor) -> list[_Place]:
    shapes = {c.pk: shape(c.geometry) for c in communes}
    now = timezone.now()
    rows, hours_rows, closure_rows, plans = [], [], [], []
    for index in range(spec.places):
        commune = communes[index % len(communes)]
        point = point_inside(shapes[commune.pk], rng)
        name = f"Banc d'essai {index + 1} {commune.name}"
        rows.append(
            Place(
                name=name,
                slug=f"{SLUG_PREFIX}{index + 1}",
                address=f"{rng.randint(1, 120)} rue de l'Essai",
                postal_code=commune.postal_codes.split()[0],
                commune=commune,
                latitude=round(point.y, 6),
                longitude=round(point.x, 6),
                status=PlaceStatus.OPEN,
                opening_date=date(2020, 1, 1),
                is_fictional=True,
                search_text=fold(f"{name} {commune.name} {commune.postal_codes.split()[0]}"),
                created_at=now,
                updated_at=now,
            )
        )
        pattern = rng.choice(HOURS_PATTERNS)
        closures = []
        if rng.random() < 0.8:  # the end-of-year holidays, both winters of the span
            for year in (anchor.year - 1, anchor.year):
                closures.append((date(year, 12, 24), date(year + 1, 1, 1), "Fêtes"))
        if rng.random() < 0.3:
            for year in (anchor.year - 1, anchor.year, anchor.year + 1):
                closures.append((date(year, 8, 1), date(year, 8, 15), "Congés d'été"))
        plans.append((pattern, closures))
    places = Place.objects.bulk_create(rows, batch_size=500)
    result = []
    for place, (pattern, closures) in zip(places, plans, strict=True):
        week: list[list[tuple[int, int]]] = [[] for _ in range(7)]
        for opening in pattern:
            hours_rows.append(
                OpeningHours(
                    place=place, weekday=opening.weekday, opens=opening.opens, closes=opening.closes
                )
            )
            week[opening.weekday].append((_minutes(opening.opens), _minutes(opening.closes)))
        closed: set[date] = set()
        for first, last, reason in closures:
            closure_rows.append(
                Closure(place=place, start_date=first, end_date=last, reason=reason)
            )
            closed.update(first + timedelta(days=d) for d in range((last - first).days + 1))
        result.append(
            _Place(place.pk, tuple(tuple(sorted(day)) for day in week), frozenset(closed))
        )
    OpeningHours.objects.bulk_create(hours_rows, batch_size=2000)
    Closure.objects.bulk_create(closure_rows, batch_size=2000)
    return result


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute if moment != time(0) else 24 * 60


EXCLUSIVE_KINDS = ["meeting_room"] * 5 + ["private_office"] * 3 + ["event_hall", "workshop"]


def _make_spaces(spec, places: list[_Place], rng) -> list[_Space]:
    per_place, extra = divmod(spec.spaces, spec.places)
    rows, shapes = [], []
    for index, place in enumerate(places):
        for number in range(per_place + (index < extra)):
            kind = "desk" if number == 0 else rng.choice(EXCLUSIVE_KINDS)
            if kind == "desk":
                capacity, before, after = rng.choice([8, 12, 16, 20, 24, 30, 40]), 0, 0
                prices: tuple[int | None, int | None, int | None] = (
                    rng.choice([300, 400, 500]),
                    rng.choice([1200, 1500]),
                    2500,
                )
            elif kind == "private_office":
                capacity, before, after = rng.choice([2, 3, 4, 6]), 0, 0
                prices = (None, rng.choice([2500, 3500]), rng.choice([4000, 6000]))
            elif kind == "workshop":
                capacity, before, after = rng.choice([6, 8, 12]), 0, 30
                prices = (rng.choice([1500, 2000]), None, None)
            else:
                capacity = rng.choice([6, 8, 10, 14]) if kind == "meeting_room" else 60
                before, after = rng.choice([(0, 0), (0, 15), (15, 15)])
                prices = (rng.choice([2500, 3000]), rng.choice([8000, 10000]), 15000)
            rows.append(
                Space(
                    place_id=place.pk,
                    name=f"Espace {number + 1}",
                    kind=kind,
                    capacity=capacity,
                    price_hour_cents=prices[0],
                    price_half_day_cents=prices[1],
                    price_day_cents=prices[2],
                    slot_minutes=30,
                    min_duration_minutes=30 if kind != "private_office" else 240,
                    max_duration_minutes=None,
                    max_advance_days=None,
                    buffer_before_minutes=before,
                    buffer_after_minutes=after,
                )
            )
            shapes.append((place, kind, capacity, before, after, prices))
    spaces = Space.objects.bulk_create(rows, batch_size=1000)
    return [
        _Space(space.pk, place, kind, capacity, 30, before, after, prices)
        for space, (place, kind, capacity, before, after, prices) in zip(
            spaces, shapes, strict=True
        )
    ]


def _make_users(count: int) -> list[int]:
    password = make_password(None)
    now = timezone.now()
    User.objects.bulk_create(
        (
            User(
                email=f"personne{n}@{USER_DOMAIN}",
                password=password,
                email_verified_at=now,
                date_joined=now,
            )
            for n in range(count)
        ),
        batch_size=1000,
    )
    return list(User.objects.filter(email__endswith="@" + USER_DOMAIN).values_list("pk", flat=True))


# Durations (minutes) drawn for each kind of exclusive space.
DURATIONS = {
    "meeting_room": [60, 60, 90, 120, 120, 180, 240],
    "event_hall": [120, 180, 240, 480],
    "workshop": [60, 120, 180, 240],
    "private_office": [240, 240, 480],
}


def _free_user(
    users: list[int], held: dict[int, list[tuple[int, int]]], start: int, end: int, rng
) -> int:
    """A bench user, drawn at random, who holds nothing of the space over [start, end) in
    minutes (one booking of a space per person at a time: PostgreSQL's exclusion constraint
    booking_one_per_person_and_span); `held` (user -> spans) is updated. Raises ValueError
    when every user holds the span already (more overlapping bookings than users)."""
    draws = [rng.choice(users) for _ in range(20)]
    for user in [*draws, *users]:
        spans = held.setdefault(user, [])
        if all(end <= s or e <= start for s, e in spans):
            spans.append((start, end))
            return user
    raise ValueError(f"no bench user is free over [{start}, {end})")


def _bookings(spec, spaces, users, rng, anchor, progress) -> Iterator[tuple]:
    """Booking rows as (space, user, start, end, blocked_start, blocked_end, exclusive, seats,
    status, price, pending_until, cancelled_at, created_at), instants in UTC epoch minutes."""
    first_day, last_day = anchor - timedelta(days=365), anchor + timedelta(days=365)
    days = [first_day + timedelta(days=d) for d in range((last_day - first_day).days)]
    offsets = {day: _utc_offset_minutes(day) for day in days}
    now = _epoch_minutes(timezone.now())
    desks = [s for s in spaces if not s.exclusive]
    rooms = [s for s in spaces if s.exclusive]
    quotas: dict[int, int] = {}
    for group, share in ((desks, spec.bookings // 2), (rooms, spec.bookings - spec.bookings // 2)):
        if not group:
            continue
        if not desks or not rooms:
            share = spec.bookings
        base, extra = divmod(share, len(group))
        for index, space in enumerate(group):
            quotas[space.pk] = base + (index < extra)
    made = 0
    step = max(1, len(spaces) // 20)
    for index, space in enumerate(spaces):
        open_days = [
            (day, hours)
            for day in days
            if (hours := space.place.hours[day.weekday()]) and day not in space.place.closed_days
        ]
        if not open_days:
            continue
        generate = _room_slots if space.exclusive else _desk_slots
        slots = sorted(generate(space, open_days, quotas.get(space.pk, 0), rng))
        prices: dict[tuple[int, int], int] = {}
        held: dict[int, list[tuple[int, int]]] = {}  # each user's spans in this space
        for day, opens, closes, seats in slots:
            midnight = (day - EPOCH).days * 1440 - offsets[day]
            start, end = midnight + opens, midnight + closes
            duration = closes - opens
            price = prices.get((duration, seats))
            if price is None:
                try:
                    price = booking_price_cents(timedelta(minutes=duration), seats, *space.prices)
                except NoPriceCoversIt:
                    price = 0
                prices[(duration, seats)] = price
            created = min(start - rng.randint(1, 30) * 1440, now - 60)
            status, pending_until, cancelled_at = _status(rng, start, created, now)
            yield (
                space.pk,
                _free_user(users, held, start, end, rng),
                start,
                end,
                start - space.before,
                end + space.after,
                space.exclusive,
                seats,
                status,
                price,
                price,
                pending_until,
                cancelled_at,
                created,
            )
        made += len(slots)
        if (index + 1) % step == 0:
            progress(f"  {index + 1}/{len(spaces)} espaces, {made} réservations")


def _status(rng, start, created, now):
    draw = rng.random()
    if start < now:
        if draw < 0.10:
            return "cancelled", None, created + 60
        if draw < 0.15:
            return "no_show", None, None
        if draw < 0.45:
            return "checked_in", None, None
        return "confirmed", None, None
    if draw < 0.10:
        return "cancelled", None, created + 60
    if draw < 0.15:
        return "pending", min(now + 24 * 60, start), None
    return "confirmed", None, None


def _room_slots(space: _Space, open_days, quota: int, rng) -> list[tuple]:
    """(day, start, end, 1) in local minutes; blocked spans never meet on a day (buffers never
    reach another day: the demo hours open after 08:00 and close by 20:00)."""
    gap = space.before + space.after
    taken: dict[date, list[tuple[int, int]]] = {}
    slots: list[tuple[date, int, int, int]] = []
    attempts = quota * ATTEMPTS_PER_BOOKING
    durations = DURATIONS[space.kind]
    while len(slots) < quota and attempts:
        attempts -= 1
        day, hours = rng.choice(open_days)
        opens, closes = rng.choice(hours)
        duration = rng.choice(durations)
        if duration > closes - opens:
            continue
        start = opens + rng.randrange(0, closes - opens - duration + 1, space.slot)
        end = start + duration
        booked = taken.setdefault(day, [])
        if any(start < e + gap and s < end + gap for s, e in booked):
            continue
        booked.append((start, end))
        slots.append((day, start, end, 1))
    return slots


def _desk_slots(space: _Space, open_days, quota: int, rng) -> list[tuple]:
    """(day, start, end, seats): a whole opening range or one of its halves; seats counted per
    half so that no moment exceeds the capacity."""
    load: dict[tuple[date, int, int], int] = {}
    slots: list[tuple[date, int, int, int]] = []
    attempts = quota * ATTEMPTS_PER_BOOKING
    while len(slots) < quota and attempts:
        attempts -= 1
        day, hours = rng.choice(open_days)
        which = rng.randrange(len(hours))
        opens, closes = hours[which]
        middle = opens + (closes - opens) // 2 // space.slot * space.slot
        draw = rng.random()
        halves = (0, 1) if draw < 0.4 else (0,) if draw < 0.7 else (1,)
        if middle in (opens, closes):
            halves = (0, 1)
        seats = 1 if rng.random() < 0.85 else 2
        if any(load.get((day, which, h), 0) + seats > space.capacity for h in halves):
            continue
        for h in halves:
            load[(day, which, h)] = load.get((day, which, h), 0) + seats
        start = opens if halves[0] == 0 else middle
        end = closes if halves[-1] == 1 else middle
        slots.append((day, start, end, seats))
    return slots


def _utc_offset_minutes(day: date) -> int:
    # Opening hours lie between 08:00 and 20:00, far from the 02:00–03:00 clock changes.
    return int(utc_offset(datetime.combine(day, time(12), PARIS)) // timedelta(minutes=1))


def _epoch_minutes(moment: datetime) -> int:
    return int((moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(minutes=1))


class _Instants(dict):
    """UTC epoch minutes → the text the database stores (cached: slots repeat a lot)."""

    def __init__(self, suffix: str):
        super().__init__()
        self.suffix = suffix

    def __missing__(self, minutes: int) -> str:
        moment = datetime(1970, 1, 1) + timedelta(minutes=minutes)
        text = moment.strftime("%Y-%m-%d %H:%M:%S") + self.suffix
        self[minutes] = text
        return text


def _insert_bookings(rows: Iterator[tuple], progress: Progress) -> int:
    if connection.vendor == "postgresql":
        return _copy_postgresql(rows, progress)
    return _insert_sqlite(rows, progress)


def _rows_as_text(rows: Iterator[tuple], instants: _Instants, true, false):
    for (
        space,
        user,
        start,
        end,
        blocked_start,
        blocked_end,
        exclusive,
        seats,
        status,
        price,
        person_price,
        pending_until,
        cancelled_at,
        created,
    ) in rows:
        created_text = instants[created]
        yield (
            space,
            user,
            instants[start],
            instants[end],
            instants[blocked_start],
            instants[blocked_end],
            true if exclusive else false,
            seats,
            status,
            price,
            person_price,
            None if pending_until is None else instants[pending_until],
            None if cancelled_at is None else instants[cancelled_at],
            "",
            created_text,
            created_text,
        )


def _copy_postgresql(rows, progress) -> int:
    columns = ", ".join(f'"{c}"' for c in BOOKING_COLUMNS)
    count = 0
    connection.ensure_connection()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY booking_booking ({columns}) FROM STDIN") as copy:  # noqa: S608
            for row in _rows_as_text(rows, _Instants("+00"), "t", "f"):
                copy.write_row(row)
                count += 1
                if count % 200_000 == 0:
                    progress(f"  {count} réservations copiées")
    progress(f"  {count} réservations copiées")
    return count


def _insert_sqlite(rows, progress) -> int:
    columns = ", ".join(f'"{c}"' for c in BOOKING_COLUMNS)
    marks = ", ".join("?" * len(BOOKING_COLUMNS))
    sql = f"INSERT INTO booking_booking ({columns}) VALUES ({marks})"  # noqa: S608
    connection.ensure_connection()
    raw = connection.connection  # the sqlite3 connection (autocommit: Django manages BEGIN)
    count = 0
    # For the load only: the bench file may be lost on a crash, it is rebuilt then.
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("PRAGMA cache_size=-262144")
    raw.execute("PRAGMA temp_store=MEMORY")
    try:
        raw.execute("BEGIN IMMEDIATE")
        batch = []
        for row in _rows_as_text(rows, _Instants(""), 1, 0):
            batch.append(row)
            if len(batch) == BATCH:
                raw.executemany(sql, batch)
                count += len(batch)
                batch.clear()
                if count % 200_000 == 0:
                    progress(f"  {count} réservations insérées")
        raw.executemany(sql, batch)
        count += len(batch)
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    finally:
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("PRAGMA cache_size=-2000")
    progress(f"  {count} réservations insérées")
    return count


def _analyze(progress: Progress) -> None:
    progress("Statistiques du planificateur (ANALYZE)…")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Checks ----------------------------------------------------------------------------------

HOLDING_SQL = "(" + ", ".join(f"'{s}'" for s in HOLDING_STATUSES) + ")"


def check_invariants(space_ids: list[int] | None = None) -> dict[str, int]:
    """Overlapping exclusive bookings and desk overbookings among holding bookings, by SQL.

    `overlaps`: holding bookings of an exclusive space whose blocked span (buffers included)
    starts before the end of an earlier-starting one's. `over_capacity`: moments (booking
    starts) at which a desk space's holding bookings hold more seats than it has. Both sweeps
    use window functions (PostgreSQL, SQLite 3.25+).
    """
    where = ""
    params: list[int] = []
    if space_ids is not None:
        if not space_ids:
            return {"overlaps": 0, "over_capacity": 0}
        where = f" AND space_id IN ({', '.join(['%s'] * len(space_ids))})"
        params = list(space_ids)
    overlaps_sql = f"""
        SELECT count(*) FROM (
            SELECT blocked_start, max(blocked_end) OVER (
                PARTITION BY space_id ORDER BY blocked_start, id
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
            ) AS earlier_end
            FROM booking_booking
            WHERE exclusive AND status IN {HOLDING_SQL}{where}
        ) sweep WHERE earlier_end > blocked_start
    """  # noqa: S608
    capacity_sql = f"""
        SELECT count(*) FROM (
            SELECT space_id, delta, sum(delta) OVER (
                PARTITION BY space_id ORDER BY at, delta, id
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
            ) AS held
            FROM (
                SELECT id, space_id, start AS at, seats AS delta FROM booking_booking
                WHERE NOT exclusive AND status IN {HOLDING_SQL}{where}
                UNION ALL
                SELECT id, space_id, "end" AS at, -seats AS delta FROM booking_booking
                WHERE NOT exclusive AND status IN {HOLDING_SQL}{where}
            ) events
        ) sweep JOIN places_space space ON space.id = sweep.space_id
        WHERE sweep.delta > 0 AND sweep.held > space.capacity
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(overlaps_sql, params)
        overlaps = cursor.fetchone()[0]
        cursor.execute(capacity_sql, params * 2)
        over_capacity = cursor.fetchone()[0]
    return {"overlaps": overlaps, "over_capacity": over_capacity}
