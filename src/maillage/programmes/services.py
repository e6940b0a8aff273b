"""Programmes' use cases: the Funder booking asks who pays what (quote), has consume the
balances in the booking's own transaction (commit) and give them back (release); the same
split, consumption and giving back for event registrations (programmes.registrations, the
events' funder); staff's changes of an envelope; a place joining or leaving a programme.

Every movement of a balance goes through programmes.balances (one UPDATE refused by the
row's CHECK constraint when it would overspend) and appends its ledger row in the same
transaction. Amounts are integer cents; days are Paris days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.roles import has_departement_rights
from maillage.accounts.services import normalize_email
from maillage.booking import funding
from maillage.booking.models import Booking, Channel
from maillage.core.dates import long_date
from maillage.core.text import euros
from maillage.eligibility.selectors import categories_of, is_bursary_holder
from maillage.events.models import Registration
from maillage.places import permissions
from maillage.places.kinds import SpaceKind
from maillage.places.models import Place
from maillage.programmes import alerts, balances, pricing
from maillage.programmes.balances import Exhausted, Movement
from maillage.programmes.models import (
    MAX_BUDGET_CENTS,
    Account,
    BenefitKind,
    BookingShare,
    CapCounter,
    CapKind,
    CountedDay,
    Envelope,
    LateRule,
    Membership,
    Period,
    Programme,
    ProgrammePlace,
    Reason,
    ShareDay,
    Wallet,
)
from maillage.programmes.periods import PARIS, booking_days, minutes_of, period_start

# What the person is told when a programme did not apply, by pricing's decline reason.
DECLINED = {
    "envelope": "le budget de « {label} » est épuisé",
    "days_cap": "le plafond de jours de « {label} » est atteint",
    "minutes_cap": "le plafond d'heures de « {label} » est atteint",
    "amount_cap": "le plafond de montant de « {label} » est atteint",
    "credit": "le crédit « {label} » est épuisé",
    "quota": "le quota de jours « {label} » est atteint",
}
# What FundingRefused names, by the balance that refused (balances.Exhausted.account).
REFUSED_FIELD = {
    "envelope": ("envelope", "le budget du dispositif vient d'être épuisé"),
    "wallet": ("credit", "votre crédit vient d'être épuisé"),
    CapKind.CENTS: ("cap", "le plafond de montant vient d'être atteint"),
    CapKind.MINUTES: ("cap", "le plafond d'heures vient d'être atteint"),
    CapKind.DAYS: ("cap", "le plafond de jours vient d'être atteint"),
    CapKind.QUOTA_DAYS: ("quota", "votre quota de jours vient d'être atteint"),
}
# The first day of the year a minutes cap counts over.
MINUTES_CAP_PERIOD = Period.CALENDAR_YEAR


@dataclass(frozen=True)
class Beneficiary:
    """Whose balances a booking uses: the person, or one of their children's profiles
    (`child_key`: its id; 0: the person themself)."""

    user: User
    child_key: int

    @property
    def child(self) -> int | None:
        return self.child_key or None


@dataclass(frozen=True)
class Funded:
    """What shares pay for: a booking (`booking_id`) or an event registration
    (`registration_id`), exactly one of them, over [start, end) (aware instants: the
    booking's slot, the event's start and end)."""

    booking_id: int | None
    registration_id: int | None
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if (self.booking_id is None) == (self.registration_id is None):
            raise ValueError("shares pay for a booking or a registration, exactly one")

    @classmethod
    def of_booking(cls, booking: Booking) -> Funded:
        return cls(booking.pk, None, booking.start, booking.end)

    @classmethod
    def of_registration(cls, registration: Registration) -> Funded:
        event = registration.event
        return cls(None, registration.pk, event.start, event.end)

    @property
    def shares(self) -> QuerySet[BookingShare]:
        """Its share rows."""
        if self.registration_id is not None:
            return BookingShare.objects.filter(registration_id=self.registration_id)
        assert self.booking_id is not None  # __post_init__
        return BookingShare.objects.filter(booking_id=self.booking_id)


# --- Which programmes a booking or a registration may use -----------------------------------


def _candidates(place_id: int, day: date, at: datetime) -> QuerySet[Programme]:
    """Programmes valid on `day` that `place_id` has joined (and not left by `at`), with
    their envelope and categories."""
    joined = ProgrammePlace.objects.filter(place_id=place_id).filter(
        Q(left_at__isnull=True) | Q(left_at__gt=at), joined_at__lte=at
    )
    return (
        Programme.objects.filter(
            valid_from__lte=day, valid_until__gte=day, pk__in=joined.values("programme_id")
        )
        .select_related("envelope", "employer")
        .prefetch_related("categories")
    )


# Employer id → the places a person's invitation allows (empty: all of them).
Invitations = dict[int, set[int]]


def invitations(user: User, employer_ids: set[int]) -> Invitations:
    """The invitations of `user` by the employers `employer_ids` (their first one each,
    addresses compared as accounts stores them, normalised); one query for them all."""
    if not employer_ids or not user.can_book:
        return {}
    invited: Invitations = {}
    for membership in (
        Membership.objects.filter(employer_id__in=employer_ids, email=normalize_email(user.email))
        .prefetch_related("places")
        .order_by("pk")
    ):
        invited.setdefault(membership.employer_id, {p.pk for p in membership.places.all()})
    return invited


def is_member(programme: Programme, user: User, invited: Invitations, place_id: int | None) -> bool:
    """Whether `user` is a member of the programme's employer (invited, or by the employer's
    email domain), allowed at `place_id` (None: anywhere); `invited` from invitations()."""
    employer = programme.employer
    if employer is None or not user.can_book:
        return False
    if employer.pk in invited:
        allowed = invited[employer.pk]
        return not allowed or place_id is None or place_id in allowed
    domain = employer.email_domain.lower()
    return bool(domain) and user.email.lower().rsplit("@", 1)[-1] == domain


def member_places(programme: Programme, user: User) -> set[int] | None:
    """The places (ids) where `user` may spend the quota of the programme's employer: empty,
    all the programme's places; None, not a member (is_member)."""
    employers = {programme.employer_id} if programme.employer_id else set()
    invited = invitations(user, employers)
    if not is_member(programme, user, invited, None):
        return None
    return invited.get(programme.employer_id or 0, set())


def meets(
    programme: Programme,
    beneficiary: Beneficiary,
    categories: frozenset[str],
    invited: Invitations,
    place_id: int | None,
) -> bool:
    """Whether the beneficiary meets the programme's conditions: an employer's quota for its
    members (never for a child; allowed at `place_id` when given), a category programme for
    whoever holds one of its `categories` (eligibility.selectors.categories_of, on the
    booking's day); `invited` from invitations()."""
    if programme.kind == BenefitKind.QUOTA:
        return beneficiary.child is None and is_member(
            programme, beneficiary.user, invited, place_id
        )
    return bool(categories & {c.code for c in programme.categories.all()})


def _meets(
    programmes: list[Programme], beneficiary: Beneficiary, day: date, place_id: int | None
) -> list[Programme]:
    """Those of `programmes` whose conditions the beneficiary meets on `day` (meets)."""
    if not programmes:
        return []
    categories = categories_of(beneficiary.user, day, beneficiary.child)
    employers = {p.employer_id for p in programmes if p.employer_id}
    invited = invitations(beneficiary.user, employers) if beneficiary.child is None else {}
    return [p for p in programmes if meets(p, beneficiary, categories, invited, place_id)]


def eligible(
    beneficiary: Beneficiary, place_id: int, space_kind: str, day: date, at: datetime
) -> list[Programme]:
    """The programmes the beneficiary may use for a booking at `place_id` of a space of
    `space_kind` on `day`, as of `at` (_meets)."""
    programmes = [p for p in _candidates(place_id, day, at) if p.covers(space_kind)]
    return _meets(programmes, beneficiary, day, place_id)


def eligible_for_event(
    beneficiary: Beneficiary, place_id: int, day: date, at: datetime
) -> list[Programme]:
    """The programmes the beneficiary may use for an event held at `place_id` on `day`, as
    of `at`: those covering events (Programme.covers_events; never an employer's quota)
    that the place joined, whose conditions the beneficiary meets (_meets)."""
    programmes = list(_candidates(place_id, day, at).filter(covers_events=True))
    return _meets(programmes, beneficiary, day, place_id)


def eligible_anywhere(beneficiary: Beneficiary, day: date) -> list[Programme]:
    """The programmes valid on `day` whose conditions the beneficiary meets, wherever."""
    programmes = Programme.objects.filter(valid_from__lte=day, valid_until__gte=day)
    return _meets(
        list(programmes.select_related("employer").prefetch_related("categories")),
        beneficiary,
        day,
        None,
    )


# --- Offers: each programme with what is left of its balances -------------------------------


def rule_of(programme: Programme) -> str:
    """The rule a share was paid under, e.g. «rate:percent:2000», «credit:8000/school_year»,
    «quota:3/week» (copied onto BookingShare with the programme's version)."""
    match programme.kind:
        case BenefitKind.PERCENT:
            return f"rate:percent:{programme.person_basis_points}"
        case BenefitKind.FIXED:
            amounts = (
                programme.fixed_hour_cents,
                programme.fixed_half_day_cents,
                programme.fixed_day_cents,
            )
            return "rate:fixed:" + "/".join("-" if a is None else str(a) for a in amounts)
        case BenefitKind.FREE:
            return "rate:free"
        case BenefitKind.CREDIT:
            return f"credit:{programme.credit_cents}/{programme.credit_period}"
        case _:
            return f"quota:{programme.quota_days}/{programme.quota_period}"


def granted_for(programme: Programme, beneficiary: Beneficiary, day: date) -> int:
    """A wallet's credit on `day`, in cents: the bursary holders' when they are one and it
    is set (an open wallet is raised to it at its next use: balances.open_wallet)."""
    if programme.credit_bursary_cents is not None and is_bursary_holder(
        beneficiary.user, day, beneficiary.child
    ):
        return int(programme.credit_bursary_cents)
    return int(programme.credit_cents or 0)


def credit_of(programme: Programme, who: Beneficiary, day: date) -> tuple[int, int, date]:
    """(granted, left, period start) of the beneficiary's credit for the period holding `day`,
    in cents, as booking would find it: a wallet not open yet holds its whole grant, an open
    one whose grant is lower than granted_for gets the difference."""
    start = period_start(programme.credit_period, day)
    granted = granted_for(programme, who, day)
    wallet = Wallet.objects.filter(
        programme=programme, user=who.user, child_key=who.child_key, period_start=start
    ).first()
    if wallet is None:
        return granted, granted, start
    raised = max(0, granted - int(wallet.granted_cents))
    return int(wallet.granted_cents) + raised, int(wallet.left_cents) + raised, start


def counter_used(programme: Programme, who: Beneficiary, kind: CapKind, start: date) -> int:
    """What the beneficiary's counter of `kind` for the period starting `start` has used (0
    before its first use): cents, minutes or days, as `kind` counts."""
    counter = CapCounter.objects.filter(
        programme=programme, user=who.user, child_key=who.child_key, kind=kind, period_start=start
    ).first()
    return counter.used if counter is not None else 0


def uncounted_days(
    programme: Programme, who: Beneficiary, kind: CapKind, period: str, days: list[date]
) -> list[date]:
    """Those of the Paris `days` not counted yet on the beneficiary's day counter of `kind`
    over `period` (a day counted on a counter of another period, before staff changed it,
    is not counted on this one)."""
    counted = set(
        CountedDay.objects.filter(
            counter__programme=programme,
            counter__user=who.user,
            counter__child_key=who.child_key,
            counter__kind=kind,
            day__in=days,
        ).values_list("day", "counter__period_start")
    )
    return [day for day in days if (day, period_start(period, day)) not in counted]


@dataclass(frozen=True)
class DayCounterState:
    """A day counter (a quota, or a days-per-month cap) as pricing reads it for one booking:
    `limit` and `used` in days (a multi-day booking, or one over several periods, is decided
    here day by day and told as one day left or none), and whether every day of the booking
    is already counted (`counted`: it costs no day)."""

    limit: int
    used: int
    counted: bool


def day_counter_state(
    programme: Programme,
    who: Beneficiary,
    kind: CapKind,
    period: str,
    limit: int,
    days: list[date],
    *,
    earlier: tuple[Set[date], Mapping[date, int]] = (frozenset(), {}),
) -> DayCounterState:
    """The beneficiary's counter of `kind` over `period` (limit `limit` days) for a booking
    on the Paris `days`. A day counts once per counter: a day counted on a counter of
    another period (before staff changed it) is not counted on this one. `earlier`: the
    days a series' earlier dates would count on it, and how many per period start."""
    earlier_days, earlier_used = earlier
    new = [d for d in uncounted_days(programme, who, kind, period, days) if d not in earlier_days]
    if limit == 0 or not new:
        return DayCounterState(limit, 0, not new)
    by_period = Counter(period_start(period, day) for day in new)
    fits = all(
        counter_used(programme, who, kind, start) + earlier_used.get(start, 0) + count <= limit
        for start, count in by_period.items()
    )
    return DayCounterState(limit, limit - 1 if fits else limit, False)


def offer_of(
    programme: Programme, who: Beneficiary, start: datetime, end: datetime
) -> pricing.Offer:
    """The programme's offer for a booking [start, end) of the beneficiary, with what is left
    of its envelope, the beneficiary's credit, caps and quota (read, not changed)."""
    days = booking_days(start, end)
    day = days[0]
    benefit: pricing.Benefit
    match programme.kind:
        case BenefitKind.PERCENT:
            benefit = pricing.PercentRate(int(programme.person_basis_points or 0))
        case BenefitKind.FIXED:
            benefit = pricing.FixedRate(
                programme.fixed_hour_cents,
                programme.fixed_half_day_cents,
                programme.fixed_day_cents,
            )
        case BenefitKind.FREE:
            benefit = pricing.FreeRate()
        case BenefitKind.CREDIT:
            benefit = pricing.Credit(credit_of(programme, who, day)[1])
        case _:
            quota = day_counter_state(
                programme,
                who,
                CapKind.QUOTA_DAYS,
                programme.quota_period,
                int(programme.quota_days or 0),
                days,
            )
            benefit = pricing.Quota(quota.limit, quota.used, day_already_counted=quota.counted)
    amount_cap = minutes_cap = days_cap = None
    days_counted_for_caps = False
    if programme.cap_cents is not None:
        start_of = period_start(programme.cap_period, day)
        used = counter_used(programme, who, CapKind.CENTS, start_of)
        amount_cap = pricing.Cap(int(programme.cap_cents), used)
    if programme.cap_minutes_per_year is not None:
        start_of = period_start(MINUTES_CAP_PERIOD, day)
        used = counter_used(programme, who, CapKind.MINUTES, start_of)
        minutes_cap = pricing.Cap(int(programme.cap_minutes_per_year), used)
    if programme.cap_days_per_month is not None:
        state = day_counter_state(
            programme, who, CapKind.DAYS, Period.MONTH, int(programme.cap_days_per_month), days
        )
        days_cap = pricing.Cap(state.limit, state.used)
        days_counted_for_caps = state.counted
    envelope = getattr(programme, "envelope", None)
    return pricing.Offer(
        programme_id=programme.pk,
        public_label=programme.public_label,
        rule=rule_of(programme),
        version=programme.version,
        priority=programme.priority,
        cumulative=programme.cumulative,
        benefit=benefit,
        envelope_left_cents=int(envelope.left_cents) if envelope is not None else 0,
        amount_cap=amount_cap,
        days_cap=days_cap,
        minutes_cap=minutes_cap,
        day_already_counted_for_caps=days_counted_for_caps,
    )


def price_basis(request: funding.QuoteRequest) -> pricing.PriceBasis:
    """What pricing splits for `request`: its list price, duration, seats and whether the
    space is booked whole."""
    return pricing.PriceBasis(
        list_cents=request.list_cents,
        duration=request.end - request.start,
        seats=request.seats,
        exclusive=SpaceKind(request.space_kind).is_exclusive,
    )


def notice(declined: pricing.Declined) -> str:
    """Why a programme the person holds did not apply, in French (never the category)."""
    return DECLINED[declined.reason].format(label=declined.public_label)


def quote(request: funding.QuoteRequest) -> funding.Quote:
    """The split of a booking's list price (funding.Funder.quote): reads, writes nothing."""
    who = Beneficiary(request.person, request.beneficiary_child_id or 0)
    day = booking_days(request.start, request.end)[0]
    programmes = eligible(who, request.place_id, request.space_kind, day, request.now)
    return split_quote(programmes, who, request.start, request.end, price_basis(request))


def split_quote(
    programmes: list[Programme],
    who: Beneficiary,
    start: datetime,
    end: datetime,
    basis: pricing.PriceBasis,
) -> funding.Quote:
    """The quote of `basis` (a booking's or a registration's list price, over [start, end))
    split between the beneficiary and `programmes` (those they may use: eligible,
    eligible_for_event), each offering what is left of its balances (offer_of): the one
    pricing rule for bookings and registrations. The list price alone when no programme
    applies or nothing is to pay. Reads, writes nothing."""
    if not programmes or basis.list_cents == 0:
        return funding.Quote(
            list_cents=basis.list_cents,
            person_cents=basis.list_cents,
            beneficiary_child_id=who.child,
        )
    offers = [offer_of(p, who, start, end) for p in programmes]
    return quote_of(pricing.split(basis, offers), who.child)


def list_price(request: funding.QuoteRequest) -> funding.Quote:
    """The quote where the person pays the whole list price (no programme applies)."""
    return funding.Quote(
        list_cents=request.list_cents,
        person_cents=request.list_cents,
        beneficiary_child_id=request.beneficiary_child_id,
    )


def quote_of(split: pricing.Split, child_id: int | None) -> funding.Quote:
    """The booking seam's quote of a pricing split (shares by public label, French notices of
    what was declined), for the person or their child `child_id`."""
    return funding.Quote(
        list_cents=split.list_cents,
        person_cents=split.person_cents,
        shares=tuple(
            funding.Share(s.programme_id, s.public_label, s.cents, s.rule, s.version)
            for s in split.shares
        ),
        notices=tuple(notice(d) for d in split.declined),
        beneficiary_child_id=child_id,
    )


# --- Consuming and giving back --------------------------------------------------------------


# Marked only when there is someone to warn: staff who add an address later are warned at
# the next crossing.
MARK_WARNED = """
UPDATE programmes_envelope SET warned_at = %s
WHERE id = %s AND warned_at IS NULL AND warn_email <> ''
RETURNING warn_email
"""


def _warn_if_crossed(state: balances.EnvelopeState, now: datetime) -> None:
    """Below its threshold for the first time since staff last set it: queue the warning to
    its address (once: the row is marked in the same statement that tells whether it was;
    not marked while there is no address)."""
    if state.warned or state.left_cents >= state.warn_below_cents:
        return
    with connection.cursor() as cursor:
        cursor.execute(MARK_WARNED, [now, state.id])
        row = cursor.fetchone()
    if row is not None and row[0]:
        alerts.envelope_crossed(state.id, row[0], now)


def day_counters(programme: Programme) -> list[tuple[CapKind, str, int]]:
    """The day counters the programme keeps: (kind, period, limit in days)."""
    kinds: list[tuple[CapKind, str, int]] = []
    if programme.kind == BenefitKind.QUOTA:
        kinds.append((CapKind.QUOTA_DAYS, programme.quota_period, int(programme.quota_days or 0)))
    if programme.cap_days_per_month is not None:
        kinds.append((CapKind.DAYS, Period.MONTH, int(programme.cap_days_per_month)))
    return kinds


def _movement(
    programme_id: int,
    funded: Funded,
    reason: Reason,
    actor: User | None,
    channel: str,
    now: datetime,
) -> Movement:
    """Who moves a programme's balances for `funded` (a booking or a registration), why and
    when (the ledger rows')."""
    return Movement(
        programme_id,
        funded.booking_id,
        reason,
        actor.pk if actor else None,
        channel,
        now,
        registration_id=funded.registration_id,
    )


def _consume(
    programme: Programme,
    share: BookingShare,
    who: Beneficiary,
    funded: Funded,
    movement: Movement,
) -> None:
    """Take one share (its BookingShare row, inserted) from the programme's balances as its
    settings are now (envelope, credit, caps, days), recording the days it counts (ShareDay)
    for _give_back to undo exactly those. `funded`: the booking or registration it pays
    for, whose days and minutes the caps count.

    Rows are locked (updated) in the one order every transaction moving balances follows
    (bookings' and registrations' alike), so that two of them never wait on each other: by
    programme (callers sort shares by programme id), then the envelope, the wallet, the
    amount and minutes counters by id, the day counters by (id, day); _give_back follows it
    too. A registration's transaction holds its event's and its own rows before (events
    .services), a booking's its booking's: never a balance's first."""
    days_met = booking_days(funded.start, funded.end)
    day = days_met[0]
    state = balances.move_envelope(movement, -share.cents)
    _warn_if_crossed(state, movement.at)
    if programme.kind == BenefitKind.CREDIT:
        start = period_start(programme.credit_period, day)
        wallet = balances.open_wallet(
            movement, who.user.pk, who.child_key, start, granted_for(programme, who, day)
        )
        balances.move_wallet(movement, wallet, -share.cents)
    caps: list[tuple[CapKind, date, int, int]] = []
    if programme.cap_cents is not None:
        start = period_start(programme.cap_period, day)
        caps.append((CapKind.CENTS, start, int(programme.cap_cents), share.cents))
    if programme.cap_minutes_per_year is not None:
        start = period_start(MINUTES_CAP_PERIOD, day)
        minutes = minutes_of(funded.start, funded.end)
        caps.append((CapKind.MINUTES, start, int(programme.cap_minutes_per_year), minutes))
    owner = (programme.pk, who.user.pk, who.child_key)
    for pk, kind, limit, amount in sorted(
        (balances.counter_id(*owner, kind, start, limit), kind, limit, amount)
        for kind, start, limit, amount in caps
    ):
        balances.use_counter(movement, pk, kind, amount, limit)
    days = sorted(
        (
            balances.counter_id(*owner, kind, period_start(period, counted), limit),
            counted,
            kind,
            limit,
        )
        for kind, period, limit in day_counters(programme)
        for counted in days_met
    )
    for pk, counted, kind, limit in days:
        if balances.count_day(share.pk, pk, counted):
            balances.use_counter(movement, pk, kind, 1, limit)


def take_shares(
    funded: Funded,
    quote: funding.Quote,
    who: Beneficiary,
    actor: User | None,
    channel: str,
    reason: Reason,
) -> None:
    """Consume the quote's shares for `funded` (a booking or a registration, written with
    its person's price), each as a BookingShare row and its ledger rows (`reason`,
    `channel`), by programme id (_consume's lock order), in the caller's transaction.
    Raises funding.FundingRefused when a programme's rule changed since the quote or a
    balance can no longer cover its share (the caller rolls back)."""
    now = timezone.now()
    programmes = Programme.objects.in_bulk([s.programme_id for s in quote.shares])
    for share in sorted(quote.shares, key=lambda s: s.programme_id):
        programme = programmes[share.programme_id]
        if programme.version != share.version:
            raise funding.FundingRefused(
                "programme", "les conditions du dispositif viennent de changer"
            )
        movement = _movement(programme.pk, funded, reason, actor, channel, now)
        taken = BookingShare.objects.create(
            booking_id=funded.booking_id,
            registration_id=funded.registration_id,
            programme=programme,
            public_label=share.public_label,
            cents=share.cents,
            rule=share.rule,
            version=share.version,
            late_rule=programme.late_rule,
            user=who.user,
            child_key=who.child_key,
        )
        _consume_or_refuse(programme, taken, who, funded, movement)


def commit(booking: Booking, quote: funding.Quote, actor: User | None, channel: Channel) -> None:
    """Consume the quote's shares for `booking` (inserted, with `person_price_cents` set), in
    the caller's transaction (funding.Funder.commit). Raises funding.FundingRefused naming the
    balance that can no longer cover its share (the caller rolls the booking back)."""
    who = Beneficiary(booking.user, quote.beneficiary_child_id or 0)
    take_shares(Funded.of_booking(booking), quote, who, actor, channel, Reason.BOOKING)


def _consume_or_refuse(
    programme: Programme,
    share: BookingShare,
    who: Beneficiary,
    funded: Funded,
    movement: Movement,
) -> None:
    """_consume, a balance that cannot cover it named by funding.FundingRefused."""
    try:
        _consume(programme, share, who, funded, movement)
    except Exhausted as exhausted:
        field, message = REFUSED_FIELD[exhausted.account]
        raise funding.FundingRefused(field, message) from exhausted


# What a share's booking or registration moved, per account (day counters apart: their
# days are the share's ShareDay rows). One of the first two parameters is NULL, which
# matches nothing.
SHARE_MOVED = """
SELECT l.account, l.account_id, SUM(l.amount)
FROM programmes_ledgerentry l
LEFT JOIN programmes_capcounter c ON l.account = 'cap' AND c.id = l.account_id
WHERE (l.booking_id = %s OR l.registration_id = %s) AND l.programme_id = %s
  AND (c.kind IS NULL OR c.kind NOT IN ('days', 'quota_days'))
GROUP BY l.account, l.account_id
ORDER BY CASE l.account WHEN 'envelope' THEN 0 WHEN 'wallet' THEN 1 ELSE 2 END, l.account_id
"""


def _give_back(share: BookingShare, funded: Funded, movement: Movement) -> None:
    """Undo exactly what the share took, whatever the programme's settings have become: the
    sums of its booking's or registration's ledger rows per account, and the days it holds
    (its ShareDay rows), each counter freed of a day only when no other share holds that
    day on it."""
    with connection.cursor() as cursor:
        cursor.execute(SHARE_MOVED, [funded.booking_id, funded.registration_id, share.programme_id])
        moves = cursor.fetchall()
    for account, account_id, amount in moves:
        if not amount:
            continue
        if account == "envelope":
            balances.move_envelope(movement, -int(amount))
        elif account == "wallet":
            balances.move_wallet(movement, int(account_id), -int(amount))
        else:
            balances.free_counter(movement, int(account_id), int(amount))
    held = ShareDay.objects.filter(share=share).order_by("counter_id", "day")
    for counter_id, day in held.values_list("counter_id", "day"):
        if balances.uncount_day(counter_id, day):
            balances.free_counter(movement, counter_id, 1)
    held.delete()


def give_back_shares(funded: Funded, *, late: bool, actor: User | None, channel: str) -> None:
    """`funded` (a booking or a registration) stopped holding its slot or seats: give back
    each share not given back yet (by programme id, _consume's lock order; the caller holds
    its row, so that no two give the same share back), unless `late` (a late cancellation
    or a no-show) and the late rule frozen with the share (the programme's when it was
    taken) keeps the place paid. In the caller's transaction."""
    shares = funded.shares.filter(released_at__isnull=True).order_by("programme_id")
    now = timezone.now()
    for share in shares:
        if late and share.late_rule == LateRule.PLACE_PAID:
            continue
        give_back_share(share, funded, actor=actor, channel=channel, now=now)


def give_back_share(
    share: BookingShare,
    funded: Funded,
    *,
    actor: User | None,
    channel: str,
    now: datetime | None = None,
    contested: bool = False,
) -> None:
    """Give back one share (not given back yet) of `funded`, whatever its late rule: its
    balances get back what it took, with ledger rows, and it is marked given back at `now`
    (for good when `contested`: take_back_shares leaves it). In the caller's transaction,
    which holds the booking's or registration's row."""
    now = now or timezone.now()
    movement = _movement(share.programme_id, funded, Reason.RELEASE, actor, channel, now)
    _give_back(share, funded, movement)
    BookingShare.objects.filter(pk=share.pk).update(
        released_at=now, contested_at=now if contested else None
    )


def release(booking: Booking, *, late: bool, actor: User | None, channel: Channel) -> None:
    """`booking` stopped holding its slot (funding.Funder.release): give_back_shares."""
    give_back_shares(Funded.of_booking(booking), late=late, actor=actor, channel=channel)


def take_back_shares(funded: Funded, *, actor: User | None, channel: str, reason: Reason) -> None:
    """`funded` (a booking or a registration) is paid for again after a release (a mistaken
    no-show or absence corrected): each share given back is taken again, as when it was
    first taken (the same rule, version and amount; ledger rows for `reason`), by programme
    id, in the caller's transaction. Raises funding.FundingRefused when a balance cannot
    cover it any more. A share contested by staff stays given back."""
    shares = (
        funded.shares.filter(released_at__isnull=False, contested_at__isnull=True)
        .select_related("programme", "user")
        .order_by("programme_id")
    )
    now = timezone.now()
    for share in shares:
        movement = _movement(share.programme_id, funded, reason, actor, channel, now)
        who = Beneficiary(share.user, share.child_key)
        _consume_or_refuse(share.programme, share, who, funded, movement)
        BookingShare.objects.filter(pk=share.pk).update(released_at=None)


def reinstate(booking: Booking, *, actor: User | None, channel: Channel) -> None:
    """`booking` holds its slot again (funding.Funder.reinstate): take_back_shares."""
    take_back_shares(
        Funded.of_booking(booking), actor=actor, channel=channel, reason=Reason.BOOKING
    )


class ProgrammeFunder:
    """The funding.Funder programmes register with booking (ProgrammesConfig.ready)."""

    def quote(self, request: funding.QuoteRequest) -> funding.Quote:
        return quote(request)

    def commit(
        self, booking: Booking, quote: funding.Quote, actor: User | None, channel: Channel
    ) -> None:
        commit(booking, quote, actor, channel)

    def release(
        self, booking: Booking, *, late: bool, actor: User | None, channel: Channel
    ) -> None:
        release(booking, late=late, actor=actor, channel=channel)

    def reinstate(self, booking: Booking, *, actor: User | None, channel: Channel) -> None:
        reinstate(booking, actor=actor, channel=channel)


# --- Staff and managers ---------------------------------------------------------------------


STAFF_CHANGE = """
UPDATE programmes_envelope
SET budget_cents = budget_cents + %s, left_cents = left_cents + %s
WHERE programme_id = %s
RETURNING id
"""


def change_envelope(
    actor: User, programme: Programme, amount_cents: int, *, channel: Channel
) -> Envelope:
    """Staff add `amount_cents` to a programme's budget (negative: take back what is left),
    as a ledger row; the warning is armed again when what is left is back over the
    threshold. Raises ValidationError (field «amount_cents») when it would leave less than
    nothing, PermissionDenied for anyone but staff."""
    if not has_departement_rights(actor):
        raise PermissionDenied("Seule l'équipe du Département gère les enveloppes.")
    if amount_cents == 0:
        raise ValidationError({"amount_cents": "Le montant ne peut pas être nul."})
    if abs(amount_cents) > MAX_BUDGET_CENTS:  # beyond any envelope (and any database integer)
        raise ValidationError(
            {"amount_cents": f"Le budget d'une enveloppe ne dépasse pas {euros(MAX_BUDGET_CENTS)}."}
        )
    with transaction.atomic():
        Envelope.objects.get_or_create(programme=programme)
        movement = Movement(programme.pk, None, Reason.STAFF, actor.pk, channel, timezone.now())
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(STAFF_CHANGE, [amount_cents, amount_cents, programme.pk])
                pk = int(cursor.fetchone()[0])
        except IntegrityError as error:  # envelope_left_within_budget or envelope_budget_range
            envelope = Envelope.objects.get(programme=programme)
            message = (
                f"Le budget d'une enveloppe ne dépasse pas {euros(MAX_BUDGET_CENTS)} : on peut "
                f"l'abonder de {euros(MAX_BUDGET_CENTS - envelope.budget_cents)} au plus."
                if amount_cents > 0
                else "On ne peut retirer plus que ce qui reste de l'enveloppe "
                f"({euros(envelope.left_cents)})."
            )
            raise ValidationError({"amount_cents": message}) from error
        balances.record(movement, Account.ENVELOPE, pk, amount_cents)
        Envelope.objects.filter(pk=pk, left_cents__gte=F("warn_below_cents")).update(warned_at=None)
        return Envelope.objects.get(pk=pk)


def join(actor: User, programme: Programme, place: Place) -> ProgrammePlace:
    """A manager of `place` (or staff) accepts the programme's terms: the place joins (again,
    after leaving: the same row, its dates renewed). Raises PermissionDenied otherwise, and
    ValidationError (field «programme») for a programme that has ended (its `valid_until`
    before today, Paris)."""
    if not permissions.can_edit_place(actor, place):
        raise PermissionDenied("Seuls les gestionnaires du lieu peuvent l'engager.")
    now = timezone.now()
    if programme.valid_until < now.astimezone(PARIS).date():
        raise ValidationError(
            {
                "programme": f"Ce dispositif a pris fin le {long_date(programme.valid_until)} : "
                "un lieu ne peut plus y adhérer."
            }
        )
    with transaction.atomic():
        membership, created = ProgrammePlace.objects.select_for_update(of=("self",)).get_or_create(
            programme=programme,
            place=place,
            defaults={"joined_at": now, "joined_by": actor},
        )
        if not created and membership.left_at is not None:
            membership.joined_at, membership.joined_by, membership.left_at = now, actor, None
            membership.save()
    return membership


def leave(actor: User, programme: Programme, place: Place) -> ProgrammePlace:
    """A manager of `place` (or staff) leaves the programme for bookings made from now on
    (those made before keep their shares). Raises PermissionDenied, or ValidationError when
    the place is not in the programme."""
    if not permissions.can_edit_place(actor, place):
        raise PermissionDenied("Seuls les gestionnaires du lieu peuvent l'engager.")
    with transaction.atomic():
        membership = (
            ProgrammePlace.objects.select_for_update(of=("self",))
            .filter(programme=programme, place=place, left_at__isnull=True)
            .first()
        )
        if membership is None:
            raise ValidationError({"programme": "Ce lieu ne participe pas à ce dispositif."})
        membership.left_at = timezone.now()
        membership.save()
    return membership
