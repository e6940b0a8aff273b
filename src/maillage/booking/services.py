"""Booking use cases: book (a person for themselves, or a manager for a walk-in), recur,
cancel, decide. Each checks rights, validates, writes atomically (a desk space's bookings one
at a time, under a lock; a room's under PostgreSQL's exclusion constraint too; a person's own
overlapping bookings, not a manager's walk-ins, under the same check and, on PostgreSQL, its
own exclusion constraint), and leaves the database as it was when it refuses.

Every change of a booking's status appends one row to its history (models.BookingEvent) in
the same transaction: who (the acting user; None for the system), from and to which status,
the reason, and the `channel` the caller says the request came through (Channel: the site's
pages, the API, the back-office, a command or scheduled job)."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from maillage.accounts.models import User
from maillage.booking import availability as core
from maillage.booking import funding, notifications, sql
from maillage.booking.intervals import Interval
from maillage.booking.lifecycle import Actor, Status, cancellation_deadline, may_change
from maillage.booking.models import (
    MAX_SERIES_WEEKS,
    Booking,
    BookingSeries,
    BookingStatus,
    CalendarFeed,
    Channel,
    ManagerEmails,
)
from maillage.booking.pricing import NoPriceCoversIt, booking_price_cents
from maillage.core.dates import long_date
from maillage.core.text import count, euros
from maillage.places import permissions
from maillage.places.models import Place, PlaceStatus

# Every refusal's code (the availability rules' and this module's).
Code = core.ViolationCode
# A manager may mark presence from this long before the start.
CHECK_IN_EARLY = timedelta(minutes=30)
# expire_pending gives back what programmes paid of requests expired this long ago at most
# (those a stopped process did not; the sweep runs every few minutes).
EXPIRED_GIVE_BACK_WINDOW = timedelta(days=2)


class BookingRefused(ValidationError):
    """The request breaks booking rules: one message per broken rule, keyed by field."""

    def __init__(self, violations: Iterable[core.Violation]):
        self.violations = list(violations)
        errors: dict[str, list[str]] = {}
        for violation in self.violations:
            errors.setdefault(violation.field, []).append(violation.message)
        super().__init__(errors)

    @property
    def codes(self) -> list[str]:
        return [str(v.code) for v in self.violations]


def _refusal(code: core.ViolationCode, field: str, message: str) -> BookingRefused:
    return BookingRefused([core.Violation(code, field, message)])


def can_book(user: User | AnonymousUser) -> TypeGuard[User]:
    return bool(user.is_authenticated and user.can_book)


def _terms(space_id: int | str) -> sql.SpaceTerms:
    try:
        terms = sql.space_terms(int(space_id))
    except (ValueError, TypeError, OverflowError):
        terms = None
    if terms is None:
        raise _refusal(core.ViolationCode.UNKNOWN_SPACE, "space", "Cet espace n'existe pas.")
    return terms


def _record(
    booking_ids: Iterable[int],
    actor: User | AnonymousUser | None,
    from_status: str | None,
    to_status: str,
    channel: Channel,
    reason: str = "",
) -> None:
    """Append one history row per booking (the caller's transaction holds the change):
    `actor` a user, or None for the system."""
    at = timezone.now()
    actor_id = actor.pk if actor is not None else None
    sql.insert_events(
        [
            sql.NewEvent(pk, actor_id, from_status, to_status, reason, channel, at)
            for pk in booking_ids
        ]
    )


def _expire(booking_ids: list[int], now: datetime, channel: Channel) -> list[int]:
    """The system expires these pending requests past their deadline (those still pending,
    whose ids it returns), recording it in their history.

    What programmes paid of them is given back once this transaction has committed, each
    request in its own transaction (_give_back_expired). Given back here, inside a booking's
    own transaction, other people's requests' balances (their programmes' envelopes) would be
    locked before the booking locks its own: two bookings doing so with two programmes lock
    envelopes in opposite orders, and PostgreSQL breaks the deadlock by failing one. Should
    the process stop between the commit and the callback, expire_pending gives them back."""
    expired = sql.expire(booking_ids, now)
    if expired:
        _record(expired, None, BookingStatus.PENDING, BookingStatus.EXPIRED, channel)
        transaction.on_commit(partial(_give_back_expired, expired, channel), robust=True)
    return expired


def _give_back_expired(booking_ids: list[int], channel: Channel) -> None:
    """What programmes paid of these expired requests is given back (funding.release; a
    no-op for what was given back already), each under its booking's row lock in its own
    transaction, so that only one booking's balances are locked at a time."""
    for pk in sorted(booking_ids):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .filter(pk=pk, status=BookingStatus.EXPIRED)
                .first()
            )
            if booking is not None:
                funding.release(booking, late=False, actor=None, channel=channel)


def _holding_around(
    terms: sql.SpaceTerms,
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    expire: Channel | None = None,
) -> list[sql.HeldBooking]:
    """The bookings (sql.HeldBooking) that hold a slot near [start, end). Pending ones past
    their deadline do not: with `expire` (the channel of the request that finds them), they
    are marked expired (their rows would still block the insert)."""
    rules = terms.rules
    around = sql.holding_meeting(terms.space_id, start - rules.gap, end + rules.gap)
    stale = [b for b in around if b.is_stale(now)]
    if stale and expire:
        _expire([b.pk for b in stale], now, expire)
    return [b for b in around if not b.is_stale(now)]


NOT_BOOKABLE = core.Violation(
    core.ViolationCode.NOT_BOOKABLE, "space", "Cet espace n'est pas réservable."
)
# A person holds one booking of a space at a time (ViolationCode.ALREADY_BOOKED; on
# PostgreSQL, this constraint says so too): more seats are asked in one booking.
ONE_PER_PERSON_CONSTRAINT = "booking_one_per_person_and_span"
# What a person's own booking replaces among the refusals: it is the reason the slot is taken.
_TAKEN = {core.ViolationCode.SLOT_TAKEN, core.ViolationCode.NOT_ENOUGH_SEATS}


def _already_booked(terms: sql.SpaceTerms) -> core.Violation:
    more = (
        ""
        if terms.exclusive
        else " : pour plus de postes, annulez-la et réservez tous les postes en une seule fois"
    )
    message = f"Vous avez déjà une réservation de cet espace sur ce créneau{more}."
    return core.Violation(core.ViolationCode.ALREADY_BOOKED, "start", message)


def _not_bookable(terms: sql.SpaceTerms, now: datetime) -> list[core.Violation]:
    """Why the space takes no booking at `now` (empty: it does)."""
    today = timezone.localdate(now)
    if terms.bookable_on(today):
        return []
    if terms.space_bookable and terms.place_status == PlaceStatus.OPEN and terms.opening_date:
        return [
            core.Violation(
                core.ViolationCode.NOT_OPEN_YET,
                "space",
                f"Ce lieu ouvre le {long_date(terms.opening_date)} : réservations possibles "
                "à partir de cette date.",
            )
        ]
    return [NOT_BOOKABLE]


def _check(
    terms: sql.SpaceTerms,
    user_id: int | None,
    start: datetime,
    end: datetime,
    seats: int,
    now: datetime,
    *,
    expire: Channel | None,
) -> list[core.Violation]:
    """Every rule booking [start, end) for `user_id` breaks at `now` (empty: none); with
    `expire`, stale requests met on the way expire (_holding_around). `user_id` is the person
    booking for themselves, whose own bookings (not the walk-ins they booked as a manager)
    may not overlap this one; None: no one's (no one signed in, or a walk-in)."""
    if refusal := _not_bookable(terms, now):
        return refusal
    held = _holding_around(terms, start, end, now, expire=expire)
    violations = core.check_request(
        terms.rules,
        start,
        end,
        seats,
        now,
        hours=terms.hours,
        closures=terms.closures,
        bookings=sql.taken_around(terms, held, start, end),
    )
    if any(b.user_id == user_id and not b.walk_in and b.meets(start, end) for b in held):
        violations = [v for v in violations if v.code not in _TAKEN] + [_already_booked(terms)]
    return violations


def _price(terms: sql.SpaceTerms, start: datetime, end: datetime, seats: int) -> int:
    try:
        return booking_price_cents(
            end - start,
            seats if not terms.exclusive else 1,
            terms.price_hour_cents,
            terms.price_half_day_cents,
            terms.price_day_cents,
        )
    except NoPriceCoversIt as error:
        raise _refusal(
            core.ViolationCode.NO_PRICE,
            "end",
            "Aucun tarif de cet espace ne correspond à cette durée : choisissez une autre durée.",
        ) from error


def approval_deadline(requested_at: datetime, delay_hours: int, start: datetime) -> datetime:
    """Until when a request awaits its place's decision: the place's validation delay
    (hours) after it is made, and never past its start (it expires then: no one decides
    about a slot that has begun). The constraint booking_pending_until_by_start holds it."""
    return min(requested_at + timedelta(hours=delay_hours), start)


SPACE_BUSY = core.Violation(
    core.ViolationCode.SPACE_BUSY,
    "space",
    "Cet espace est très demandé en ce moment : réessayez dans quelques secondes.",
)
# Seconds after which a SPACE_BUSY booking may be tried again (the API's Retry-After).
SPACE_BUSY_RETRY_SECONDS = sql.SEAT_LOCK_TIMEOUT_SECONDS


def _lock_seats(terms: sql.SpaceTerms) -> sql.SpaceTerms:
    """sql.lock_seats, a space whose lock is not obtained in time refused with SPACE_BUSY;
    then the space's terms read again under the lock: a closure committed meanwhile (its
    guard takes the same lock, closures.stranded_bookings) is seen."""
    try:
        sql.lock_seats(terms)
    except sql.SeatsBusy:
        raise BookingRefused([SPACE_BUSY]) from None
    return _terms(terms.space_id)


def _lost_race(error: IntegrityError, terms: sql.SpaceTerms, taken: str) -> BookingRefused:
    """The refusal for an insert the database refused (PostgreSQL's exclusion constraints):
    the same person's concurrent booking, or someone else's (`taken`)."""
    diagnostic = getattr(error.__cause__, "diag", None)
    if getattr(diagnostic, "constraint_name", None) == ONE_PER_PERSON_CONSTRAINT:
        return BookingRefused([_already_booked(terms)])
    return _refusal(core.ViolationCode.SLOT_TAKEN, "start", taken)


@dataclass(frozen=True)
class Funded:
    """What a booking's price split depends on besides the slot: for whom (`child_id`, one
    of the person's child profiles, whose pass pays), and the price the person was shown
    (`expect_person_cents`; None: whatever the quote says at booking)."""

    child_id: int | None = None
    expect_person_cents: int | None = None


@dataclass(frozen=True)
class WalkIn:
    """A person without an account a manager books for: their name and how to reach them
    (an email address or a phone number), as read by walk_in_person."""

    name: str
    contact: str


def walk_in_person(name: str, contact: str) -> WalkIn:
    """The walk-in `name` and `contact` give (spaces around them dropped), or BookingRefused
    (WALK_IN, fields "name" and "contact") saying what is missing or wrong: the name on one
    line, WALK_IN_NAME_MAX characters at most and no link; the contact an email address or a
    French phone number."""
    violations = []
    read = {}
    for field, value, missing in (
        ("name", name, "Indiquez le nom de la personne."),
        ("contact", contact, "Indiquez l'adresse électronique ou le téléphone de la personne."),
    ):
        value = value.strip()
        model_field = Booking._meta.get_field(f"walk_in_{field}")
        assert isinstance(model_field, Field)  # a column, not a relation
        try:
            if not value:
                raise ValidationError(missing)
            read[field] = model_field.clean(value, None)
        except ValidationError as error:
            violations += [
                core.Violation(core.ViolationCode.WALK_IN, field, message)
                for message in error.messages
            ]
    if violations:
        raise BookingRefused(violations)
    return WalkIn(read["name"], read["contact"])


def _funding_refused(list_cents: int, reason: str) -> BookingRefused:
    """The refusal of a booking whose reduced price no longer holds (`reason`, French, names
    the envelope, cap, credit or quota), offering the list price."""
    return _refusal(
        core.ViolationCode.FUNDING_CHANGED,
        "price",
        f"Le tarif réduit ne s'applique plus : {reason}. Prix public : {euros(list_cents)} ; "
        "réservez de nouveau pour l'accepter.",
    )


def _create(
    terms: sql.SpaceTerms,
    user: User,
    start: datetime,
    end: datetime,
    seats: int,
    now: datetime,
    channel: Channel,
    key: str | None = None,
    series: BookingSeries | None = None,
    funded: Funded | None = None,
    walk_in: WalkIn | None = None,
) -> Booking:
    """Insert a booking decided free, priced, its price split by the funder (booking.funding)
    and the programmes' shares consumed in the caller's transaction. Raises BookingRefused
    (FUNDING_CHANGED) when the person's price is no longer the one they were shown
    (`funded.expect_person_cents`) or a balance could not cover its share at commit.
    With `walk_in`, `user` (a manager of the place) books for that walk-in: confirmed at
    once, at the list price (no programme pays for someone without an account)."""
    funded = funded or Funded()
    rules = terms.rules
    approval = terms.requires_approval and walk_in is None
    price = _price(terms, start, end, seats)
    quote = (
        funding.Quote(list_cents=price, person_cents=price)
        if walk_in is not None
        else funding.quote(
            funding.QuoteRequest(
                person=user,
                space_id=terms.space_id,
                place_id=terms.place_id,
                space_kind=rules.kind.value,
                start=start,
                end=end,
                seats=1 if terms.exclusive else seats,
                list_cents=price,
                now=now,
                beneficiary_child_id=funded.child_id,
            )
        )
    )
    expected = funded.expect_person_cents
    if expected is not None and expected != quote.person_cents:
        reason = "; ".join(quote.notices) or "les conditions ont changé"
        raise _funding_refused(price, reason)
    booking = Booking(
        space_id=terms.space_id,
        user=user,
        start=start,
        end=end,
        blocked_start=start - rules.buffer_before,
        blocked_end=end + rules.buffer_after,
        exclusive=terms.exclusive,
        seats=1 if terms.exclusive else seats,
        status=BookingStatus.PENDING if approval else BookingStatus.CONFIRMED,
        pending_until=(
            approval_deadline(now, terms.approval_delay_hours, start) if approval else None
        ),
        price_cents=price,
        person_price_cents=quote.person_cents,
        idempotency_key=key,
        series=series,
        walk_in_name=walk_in.name if walk_in else "",
        walk_in_contact=walk_in.contact if walk_in else "",
    )
    # Written now, whatever time the rules were checked at (`now` may be given).
    booking.created_at = booking.updated_at = timezone.now()
    booking.pk = sql.insert_booking(booking)
    _record([booking.pk], user, None, booking.status, channel)
    booking._state.adding = False
    booking._state.db = connection.alias
    try:
        funding.commit(booking, quote, user, channel)
    except funding.FundingRefused as refused:
        raise _funding_refused(price, refused.message) from refused
    return booking


def book_walk_in(
    manager: User | AnonymousUser,
    space_id: int | str,
    start: datetime,
    end: datetime,
    seats: int = 1,
    *,
    name: str,
    contact: str,
    channel: Channel,
    now: datetime | None = None,
) -> Booking:
    """A manager of the space's place (or Département staff) books [start, end) for `seats`
    for a walk-in: a person without an account, known by `name` and `contact` (an email
    address or a phone number, read by walk_in_person). The booking's `user` is the manager,
    its history starts with their creation through `channel`; it is confirmed at once
    (whatever the place's approval), at the list price (no programme pays), and no email is
    sent (the walk-in has no account; the manager is there). The space's rules (hours,
    closures, capacity, buffers, other bookings) apply as to any booking; the manager's own
    bookings do not stand in its way, nor do their other walk-ins.

    Raises PermissionDenied («Vous ne gérez pas ce lieu.») for anyone else, BookingRefused
    for a missing or invalid name or contact, an unknown space or a rule broken (nothing
    written)."""
    now = now or timezone.now()
    terms = _terms(space_id)
    place = Place.objects.get(pk=terms.place_id)
    if not (isinstance(manager, User) and permissions.can_edit_place(manager, place)):
        raise PermissionDenied(permissions.NOT_YOUR_PLACE)
    person = walk_in_person(name, contact)
    try:
        with transaction.atomic():
            _lock_seats(terms)
            violations = _check(terms, None, start, end, seats, now, expire=channel)
            if violations:
                raise BookingRefused(violations)
            return _create(terms, manager, start, end, seats, now, channel, walk_in=person)
    except IntegrityError as error:
        raise _lost_race(
            error, terms, "Ce créneau vient d'être réservé par quelqu'un d'autre."
        ) from error


class IdempotencyKeyReused(Exception):
    """An Idempotency-Key already used by this person for a different request."""


def _replayed(
    user: User,
    idempotency_key: str | None,
    space_id: int | str,
    start: datetime,
    end: datetime,
    seats: int,
) -> Booking | None:
    """The booking this key made earlier, if any; it must be for the same request."""
    if not idempotency_key:
        return None
    earlier = Booking.objects.filter(user=user, idempotency_key=idempotency_key).first()
    if earlier is not None and not (
        str(earlier.space_id) == str(space_id)
        and (earlier.start, earlier.end) == (start, end)
        and (earlier.exclusive or earlier.seats == seats)
    ):
        raise IdempotencyKeyReused(idempotency_key)
    return earlier


def book(
    user: User | AnonymousUser,
    space_id: int | str,
    start: datetime,
    end: datetime,
    seats: int = 1,
    *,
    channel: Channel,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    notify: bool = True,
    funded: Funded | None = None,
) -> Booking:
    """Book a space: book_or_replay's booking."""
    booking, _ = book_or_replay(
        user,
        space_id,
        start,
        end,
        seats,
        channel=channel,
        idempotency_key=idempotency_key,
        now=now,
        notify=notify,
        funded=funded,
    )
    return booking


def book_or_replay(
    user: User | AnonymousUser,
    space_id: int | str,
    start: datetime,
    end: datetime,
    seats: int = 1,
    *,
    channel: Channel,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    notify: bool = True,
    funded: Funded | None = None,
) -> tuple[Booking, bool]:
    """Book a space: (the booking, True when this call created it). With an idempotency key,
    the same key from the same user returns (the booking it made the first time, False),
    never a second one, even when the calls race (its unique constraint guarantees it; the
    earlier booking is looked up when the request is refused); keys never expire, and the
    same key for a different request raises IdempotencyKeyReused. `notify=False` books
    without emailing (data loaded on someone's behalf, such as the demo). The booking's
    history starts with its creation by `user` through `channel`. Programmes pay their
    shares of the price (booking.funding; `funded`: for which child profile, at which
    price shown), or the booking is refused with FUNDING_CHANGED."""
    if not can_book(user):
        raise PermissionDenied("Confirmez votre adresse électronique pour réserver.")
    now = now or timezone.now()
    try:
        terms = _terms(space_id)
        with transaction.atomic():
            terms = _lock_seats(terms)
            violations = _check(terms, user.pk, start, end, seats, now, expire=channel)
            if violations:
                raise BookingRefused(violations)
            booking = _create(
                terms, user, start, end, seats, now, channel, key=idempotency_key, funded=funded
            )
            if notify:
                notifications.booking_made(booking)
            return booking, True
    except BookingRefused:
        if existing := _replayed(user, idempotency_key, space_id, start, end, seats):
            return existing, False
        raise
    except IntegrityError as error:
        # The database refused what the check let through: another writer got there first,
        # or this key was used already.
        if existing := _replayed(user, idempotency_key, space_id, start, end, seats):
            return existing, False
        raise _lost_race(
            error, terms, "Ce créneau vient d'être réservé par quelqu'un d'autre."
        ) from error


@dataclass(frozen=True)
class Occurrence:
    start: datetime
    end: datetime
    violations: tuple[core.Violation, ...]

    @property
    def free(self) -> bool:
        return not self.violations


def weekly_occurrences(
    start: datetime, end: datetime, weeks: int
) -> list[tuple[datetime, datetime]]:
    """The same local wall-clock times each week (a Tuesday 9:00 stays 9:00 across DST)."""
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        raise _refusal(
            core.ViolationCode.SERIES_WEEKS,
            "weeks",
            f"Une série dure de 1 à {MAX_SERIES_WEEKS} semaines.",
        )
    local_start = timezone.localtime(start).replace(tzinfo=None)
    local_end = timezone.localtime(end).replace(tzinfo=None)
    return [
        (
            core.wall_clock_instant(local_start + timedelta(weeks=k)),
            core.wall_clock_instant(local_end + timedelta(weeks=k)),
        )
        for k in range(weeks)
    ]


def plan_series(
    user: User | AnonymousUser,
    space_id: int | str,
    start: datetime,
    end: datetime,
    weeks: int,
    seats: int = 1,
    now: datetime | None = None,
) -> list[Occurrence]:
    """Each weekly occurrence with the rules it breaks (empty when free). Writes nothing."""
    now = now or timezone.now()
    terms = _terms(space_id)
    return [
        Occurrence(s, e, tuple(_check(terms, user.pk, s, e, seats, now, expire=None)))
        for s, e in weekly_occurrences(start, end, weeks)
    ]


def _series_requests(
    terms: sql.SpaceTerms,
    user: User,
    dates: Iterable[tuple[datetime, datetime]],
    seats: int,
    child_id: int | None,
    now: datetime,
) -> list[funding.QuoteRequest]:
    return [
        funding.QuoteRequest(
            person=user,
            space_id=terms.space_id,
            place_id=terms.place_id,
            space_kind=terms.rules.kind.value,
            start=s,
            end=e,
            seats=1 if terms.exclusive else seats,
            list_cents=_price(terms, s, e, seats),
            now=now,
            beneficiary_child_id=child_id,
        )
        for s, e in dates
    ]


def quote_series(
    user: User,
    space_id: int | str,
    dates: Iterable[tuple[datetime, datetime]],
    seats: int = 1,
    *,
    child_id: int | None = None,
    now: datetime | None = None,
) -> list[funding.Quote]:
    """The person's price of each of a series' `dates` ([start, end) pairs, in date order,
    e.g. its free occurrences), as book_series will charge them: each date quoted once the
    earlier ones are booked (funding.quote_series), for `child_id` (one of the person's
    child profiles) when set. Raises BookingRefused when the space takes no booking now
    (unknown, not bookable, not open yet: nothing of its prices is told) or no price of the
    space covers the window (NO_PRICE). Writes nothing."""
    now = now or timezone.now()
    terms = _terms(space_id)
    if refusal := _not_bookable(terms, now):
        raise BookingRefused(refusal)
    return funding.quote_series(_series_requests(terms, user, dates, seats, child_id, now))


@dataclass(frozen=True)
class FundedSeries:
    """What a series' price split depends on besides its dates: for whom (`child_id`, one
    of the person's child profiles, whose pass pays), and the price the person was shown for
    each date (`expect_person_cents`, cents by the date's start; None: whatever the quotes
    say at booking)."""

    child_id: int | None = None
    expect_person_cents: Mapping[datetime, int] | None = None


def _series_price_changed(
    quotes: list[funding.Quote], shown: Mapping[datetime, int]
) -> BookingRefused:
    """The refusal of a series whose dates' prices are no longer those shown: why (the
    quotes' notices), the new total and the one shown, offering to book at the new one."""
    reason = "; ".join(dict.fromkeys(n for q in quotes for n in q.notices))
    total = sum(q.person_cents for q in quotes)
    return _refusal(
        core.ViolationCode.FUNDING_CHANGED,
        "price",
        f"Le prix de la série a changé depuis l'aperçu : {reason or 'les conditions ont changé'}. "
        f"Nouveau total : {euros(total)} pour "
        f"{count(len(quotes), 'date', 'dates')} (au lieu de {euros(sum(shown.values()))}) ; "
        "réservez de nouveau pour l'accepter.",
    )


# A series that loses a race on one of its dates is checked again, that date then left out.
SERIES_ATTEMPTS = 3


def book_series(
    user: User | AnonymousUser,
    space_id: int | str,
    start: datetime,
    end: datetime,
    weeks: int,
    seats: int = 1,
    now: datetime | None = None,
    *,
    channel: Channel,
    funded: FundedSeries | None = None,
) -> tuple[BookingSeries | None, list[Booking], list[Occurrence]]:
    """Book every free weekly occurrence; return the series, the bookings and the dates left
    out with their reasons. Each booking's history starts with its creation through
    `channel`. Programmes pay their shares of each date's price, the dates booked one after
    another (`funded`: for which child profile; at which prices shown). All or none: the
    series is refused with FUNDING_CHANGED, nothing written, when a date's price is not the
    one shown (or none was shown for it), the message giving the new total; or when a
    balance cannot cover a share at commit."""
    if not can_book(user):
        raise PermissionDenied("Confirmez votre adresse électronique pour réserver.")
    now = now or timezone.now()
    terms = _terms(space_id)
    dates = weekly_occurrences(start, end, weeks)
    funded = funded or FundedSeries()
    for _ in range(SERIES_ATTEMPTS - 1):
        try:
            return _book_occurrences(terms, user, dates, weeks, seats, now, channel, funded)
        except IntegrityError:
            continue  # a room's date was booked by someone else meanwhile: check again
    try:
        return _book_occurrences(terms, user, dates, weeks, seats, now, channel, funded)
    except IntegrityError as error:
        taken = "Des dates de la série viennent d'être réservées par d'autres : réessayez."
        raise _lost_race(error, terms, taken) from error


def _book_occurrences(
    terms: sql.SpaceTerms,
    user: User,
    dates: list[tuple[datetime, datetime]],
    weeks: int,
    seats: int,
    now: datetime,
    channel: Channel,
    funded: FundedSeries,
) -> tuple[BookingSeries | None, list[Booking], list[Occurrence]]:
    with transaction.atomic():
        terms = _lock_seats(terms)
        occurrences = [
            Occurrence(s, e, tuple(_check(terms, user.pk, s, e, seats, now, expire=channel)))
            for s, e in dates
        ]
        free = [o for o in occurrences if o.free]
        if not free:
            return None, [], occurrences
        # Each date at the price it will be charged once the earlier ones are booked.
        expected: list[int | None] = [None] * len(free)
        if (shown := funded.expect_person_cents) is not None:
            requests = _series_requests(
                terms, user, [(o.start, o.end) for o in free], seats, funded.child_id, now
            )
            quotes = funding.quote_series(requests)
            if any(shown.get(o.start) != q.person_cents for o, q in zip(free, quotes, strict=True)):
                raise _series_price_changed(quotes, shown)
            expected = [q.person_cents for q in quotes]
        series = BookingSeries.objects.create(space_id=terms.space_id, user=user, weeks=weeks)
        bookings = [
            _create(
                terms,
                user,
                o.start,
                o.end,
                seats,
                now,
                channel,
                series=series,
                funded=Funded(child_id=funded.child_id, expect_person_cents=price),
            )
            for o, price in zip(free, expected, strict=True)
        ]
        notifications.series_made(series, bookings)
    return series, bookings, [o for o in occurrences if not o.free]


def free_slots(
    space_id: int | str,
    day: date,
    duration: timedelta,
    seats: int = 1,
    now: datetime | None = None,
) -> list[Interval[datetime]]:
    """The slots of `duration` for `seats` that could be booked on this Paris day, earliest
    first. Writes nothing."""
    now = now or timezone.now()
    terms = _terms(space_id)
    if refusal := _not_bookable(terms, now):
        raise BookingRefused(refusal)
    if duration <= timedelta(0):
        raise _refusal(
            core.ViolationCode.END_NOT_AFTER_START, "end", "La durée doit être positive."
        )
    problems = core.seat_violations(terms.rules, seats) + core.duration_violations(
        terms.rules, duration
    )
    if problems:
        raise BookingRefused(problems)
    start, end = core.local_days(day, day)
    return core.bookable_slots(
        terms.rules,
        start,
        end,
        duration,
        now,
        seats=seats,
        hours=terms.hours,
        closures=terms.closures,
        bookings=sql.taken_around(terms, _holding_around(terms, start, end, now), start, end),
    )


def _actor(user: User | AnonymousUser, booking: Booking) -> Actor | None:
    if permissions.can_edit_place(user, booking.space.place):
        return Actor.MANAGER
    if booking.belongs_to(user.pk):
        return Actor.BOOKER
    return None


# Changes after which a booking no longer holds what programmes paid for it (a no-show, or a
# cancellation past the notice, is late: the programme's rule says whether the place stays
# paid); expiry releases too (_expire).
RELEASING = frozenset({Status.CANCELLED, Status.REFUSED, Status.NO_SHOW})


def _change(
    user: User | AnonymousUser,
    booking: Booking,
    target: BookingStatus,
    channel: Channel,
    reason: str = "",
    now: datetime | None = None,
    tell: Callable[[Booking], None] | None = None,
    never_late: bool = False,
) -> Booking:
    """Move a booking to `target` if the actor may, recording it in its history; `tell`
    queues the email in the same transaction; `never_late`: a cancellation the place chose
    is not late (cancel's `places_initiative`)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("space__place")
            .get(pk=booking.pk)
        )
        actor = _actor(user, booking)
        if actor is None or not isinstance(user, User):  # (an anonymous user is no actor)
            raise PermissionDenied("Cette réservation n'est pas la vôtre.")
        if booking.status == target:
            raise _refusal(
                core.ViolationCode.STATUS,
                "status",
                f"Cette réservation est déjà « {BookingStatus(target).label.lower()} ».",
            )
        if not may_change(Status(booking.status), Status(target), actor):
            raise _refusal(
                core.ViolationCode.STATUS,
                "status",
                f"Une réservation « {booking.get_status_display().lower()} » ne peut pas "
                f"devenir « {BookingStatus(target).label.lower()} ».",
            )
        if booking.status == BookingStatus.NO_SHOW and target == BookingStatus.CHECKED_IN:
            try:
                funding.reinstate(booking, actor=user, channel=channel)
            except funding.FundingRefused as refused:
                raise _refusal(
                    core.ViolationCode.FUNDING_CHANGED,
                    "status",
                    f"Le dispositif ne peut plus payer sa part de cette réservation : "
                    f"{refused.message}.",
                ) from refused
        late = target == BookingStatus.NO_SHOW or (
            target == BookingStatus.CANCELLED
            and not never_late
            and past_cancellation_notice(booking, now)
        )
        _record([booking.pk], user, booking.status, target, channel, reason)
        booking.status = target
        booking.status_reason = reason
        if target == BookingStatus.CANCELLED:
            booking.cancelled_at, booking.cancelled_by = now, user
        booking.save()
        if Status(target) in RELEASING:
            funding.release(booking, late=late, actor=user, channel=channel)
        if tell:
            tell(booking)
    return booking


def past_cancellation_notice(booking: Booking, now: datetime) -> bool:
    """Whether `now` is past the place's cancellation notice (hours before the start) for
    this confirmed booking: the person may no longer cancel it themselves, and a cancellation
    now, by anyone, is late (programmes apply their late rule, as for a no-show)."""
    deadline = cancellation_deadline(booking.start, booking.space.place.cancellation_notice_hours)
    return booking.status == BookingStatus.CONFIRMED and now > deadline


def booker_cancellation_refusal(booking: Booking, now: datetime) -> BookingRefused | None:
    """Why the person who booked may not cancel this booking now (None: they may); the
    place's managers may cancel whenever, with a reason."""
    if not may_change(Status(booking.status), Status.CANCELLED, Actor.BOOKER):
        label = booking.get_status_display().lower()
        already = booking.status == BookingStatus.CANCELLED
        message = (
            f"Cette réservation est déjà « {label} »."
            if already
            else f"Une réservation « {label} » ne s'annule plus."
        )
        return _refusal(core.ViolationCode.STATUS, "status", message)
    if booking.end <= now:
        return _refusal(
            core.ViolationCode.PAST, "start", "Une réservation passée ne peut plus être annulée."
        )
    if past_cancellation_notice(booking, now):
        hours = booking.space.place.cancellation_notice_hours
        contact = notifications.place_contact(booking.space.place)
        return _refusal(
            core.ViolationCode.CANCELLATION_NOTICE,
            "start",
            f"Ce lieu accepte les annulations jusqu'à {hours} h avant le début : "
            f"contactez le lieu{f' ({contact})' if contact else ''}.",
        )
    return None


def cancel(
    user: User | AnonymousUser,
    booking: Booking,
    reason: str = "",
    now: datetime | None = None,
    tell: bool = True,
    *,
    channel: Channel,
    places_initiative: bool = False,
) -> Booking:
    """`user` cancels `booking` (the person who booked, within the place's notice; or a
    manager of its place or Département staff, any time before it ends, a walk-in's booking
    included), with an optional one-line `reason` (300 characters at most; required from a
    manager cancelling someone's own booking). The person and the place's other managers are
    told when `tell`; its history records it, through `channel`. `places_initiative`: the
    place cancels for its own reason (a closure): never a late cancellation, whatever the
    notice (programmes give everything back). Returns the booking, cancelled. Raises
    PermissionDenied for anyone else, BookingRefused when the rules or its status forbid it
    now."""
    now = now or timezone.now()
    place = booking.space.place
    is_manager = permissions.can_edit_place(user, place)
    own = booking.belongs_to(user.pk)
    if not is_manager and not own:
        raise PermissionDenied("Cette réservation n'est pas la vôtre.")
    # A walk-in is told by the place itself: no email carries a reason to them.
    if is_manager and not own and not booking.is_walk_in and not reason.strip():
        raise _refusal(
            core.ViolationCode.REASON_REQUIRED,
            "reason",
            "Indiquez le motif de l'annulation à la personne.",
        )
    if not is_manager and (refusal := booker_cancellation_refusal(booking, now)):
        raise refusal
    return _change(
        user,
        booking,
        BookingStatus.CANCELLED,
        channel,
        reason,
        now,
        tell=notifications.booking_cancelled if tell else None,
        never_late=places_initiative and is_manager,
    )


@transaction.atomic
def cancel_series(
    user: User | AnonymousUser,
    series: BookingSeries,
    now: datetime | None = None,
    *,
    channel: Channel,
) -> list[Booking]:
    """Cancel every occurrence still to come, all or none, with one email for them all (and
    one history row each, through `channel`)."""
    now = now or timezone.now()
    upcoming = series.bookings.holding().filter(start__gt=now).order_by("start")
    cancelled = [
        cancel(user, booking, now=now, tell=False, channel=channel) for booking in upcoming
    ]
    if cancelled:
        notifications.bookings_cancelled(cancelled)
    return cancelled


def _decision_expired(booking: Booking, now: datetime) -> bool:
    return (
        booking.status == BookingStatus.PENDING
        and booking.pending_until is not None  # never, by booking_pending_has_deadline
        and booking.pending_until <= now
    )


def _too_early_to_check_in(booking: Booking, now: datetime) -> bool:
    return now < booking.start - CHECK_IN_EARLY


def _too_early_for_no_show(booking: Booking, now: datetime) -> bool:
    return now < booking.start


def manager_actions(booking: Booking, now: datetime) -> set[BookingStatus]:
    """The statuses a place's manager may move this booking to now: what their pages offer.
    A pending request is refused rather than cancelled, a past one no longer cancelled."""

    def may(target: BookingStatus) -> bool:
        return may_change(Status(booking.status), Status(target), Actor.MANAGER)

    actions = set()
    if may(BookingStatus.CONFIRMED) and not _decision_expired(booking, now):
        actions.add(BookingStatus.CONFIRMED)
    if may(BookingStatus.REFUSED):
        actions.add(BookingStatus.REFUSED)
    if may(BookingStatus.CHECKED_IN) and not _too_early_to_check_in(booking, now):
        actions.add(BookingStatus.CHECKED_IN)
    if may(BookingStatus.NO_SHOW) and not _too_early_for_no_show(booking, now):
        actions.add(BookingStatus.NO_SHOW)
    if booking.status == BookingStatus.CONFIRMED and booking.end > now:
        actions.add(BookingStatus.CANCELLED)
    return actions


def confirm(
    user: User | AnonymousUser,
    booking: Booking,
    now: datetime | None = None,
    *,
    channel: Channel,
) -> Booking:
    """A manager of the place (or staff) accepts a pending request, through `channel`; a
    request past its deadline expires instead (the system's change) and BookingRefused says
    so."""
    now = now or timezone.now()
    if _decision_expired(booking, now):
        with transaction.atomic():
            _expire([booking.pk], now, channel)
        raise _refusal(
            core.ViolationCode.EXPIRED,
            "status",
            "Le délai de validation est dépassé : elle a expiré.",
        )
    return _change(
        user,
        booking,
        BookingStatus.CONFIRMED,
        channel,
        now=now,
        tell=notifications.booking_approved,
    )


def refuse(
    user: User | AnonymousUser,
    booking: Booking,
    reason: str,
    now: datetime | None = None,
    *,
    channel: Channel,
) -> Booking:
    """A manager of the place (or staff) refuses a pending request with a `reason` the
    person receives, through `channel`."""
    if not reason.strip():
        raise _refusal(
            core.ViolationCode.REASON_REQUIRED,
            "reason",
            "Indiquez le motif du refus à la personne.",
        )
    return _change(
        user,
        booking,
        BookingStatus.REFUSED,
        channel,
        reason,
        now,
        tell=notifications.booking_refused,
    )


def check_in(
    user: User | AnonymousUser,
    booking: Booking,
    now: datetime | None = None,
    *,
    channel: Channel,
) -> Booking:
    """A manager of the place (or staff) marks the person present, from 30 minutes before
    the start, through `channel`."""
    now = now or timezone.now()
    if _too_early_to_check_in(booking, now):
        raise _refusal(
            core.ViolationCode.TOO_EARLY,
            "status",
            "La présence se constate au plus tôt 30 minutes avant.",
        )
    return _change(user, booking, BookingStatus.CHECKED_IN, channel, now=now)


def mark_no_show(
    user: User | AnonymousUser,
    booking: Booking,
    now: datetime | None = None,
    *,
    channel: Channel,
) -> Booking:
    """A manager of the place (or staff) marks the person absent, from the start, through
    `channel`."""
    now = now or timezone.now()
    if _too_early_for_no_show(booking, now):
        raise _refusal(
            core.ViolationCode.TOO_EARLY,
            "status",
            "Une absence se constate après l'heure de début.",
        )
    return _change(user, booking, BookingStatus.NO_SHOW, channel, now=now)


def expire_pending(now: datetime | None = None, *, channel: Channel) -> int:
    """Pending bookings past their deadline free their slot (for a scheduler): the system
    expires them, each with its history row (through `channel`), and what programmes paid
    of the requests expired in the last EXPIRED_GIVE_BACK_WINDOW is given back (_expire).
    How many expired."""
    now = now or timezone.now()
    stale = Booking.objects.filter(status=BookingStatus.PENDING, pending_until__lte=now)
    with transaction.atomic():
        expired = _expire(list(stale.values_list("pk", flat=True)), now, channel)
    # Those expired lately whose shares are still held (left by a stopped process; or, in a
    # caller's transaction, those just expired: the callback waits for its commit).
    recent = Booking.objects.filter(
        status=BookingStatus.EXPIRED,
        pending_until__gt=now - EXPIRED_GIVE_BACK_WINDOW,
        pending_until__lte=now,
    )
    held = funding.shares_of(list(recent.values_list("pk", flat=True)))
    _give_back_expired(list(held), channel)
    return len(expired)


def renew_feed(user: User) -> bool:
    """Give `user` a new secret calendar feed address (models.CalendarFeed), the old one (if
    any) no longer working: True when there was one."""
    with transaction.atomic():
        renewed = CalendarFeed.objects.filter(user=user).delete()[0] > 0
        CalendarFeed.objects.create(user=user)
    return renewed


def set_manager_emails(
    user: User, place: Place, *, new_requests: bool, cancellations: bool, daily_digest: bool
) -> ManagerEmails:
    """`user`, a manager of `place`, chooses which booking emails they receive for it (see
    ManagerEmails); PermissionDenied for anyone else (Département staff too: the emails go
    to the place's managers). The row records who chose and when (`updated_at`)."""
    if not (user.is_active and place.managers.filter(pk=user.pk).exists()):
        raise PermissionDenied(permissions.NOT_YOUR_PLACE)
    with transaction.atomic():
        emails, _ = ManagerEmails.objects.update_or_create(
            user=user,
            place=place,
            defaults={
                "new_requests": new_requests,
                "cancellations": cancellations,
                "daily_digest": daily_digest,
            },
        )
    return emails
