"""Who pays what of a booking's list price: the person, and each programme (dispositif) or
employer whose offer applies (pure: no Django; the models and balances live in programmes'
services, which build the offers from them and consume what the split says).

Source of the rules: issue 10 («Social rates, passes and employer-paid telework at booking
time») and its design note (ISSUE10.md, «Pricing core»):

- One programme applies to a booking, the eligible one with the highest priority, unless a
  programme is marked cumulative: it then applies to the share left. Here: offers are taken by
  priority (highest first, then programme id); the first non-cumulative offer that can pay
  something applies to the list price, then every cumulative offer, in that order, applies to
  what is still left to the person.
- A rate: the person pays a percentage of the list price, or a fixed amount per hour, half-day
  or day (never more than the list price), or nothing; the programme pays the rest.
- A credit (pass, e.g. the Pass+ collégien: about 80 € a school year, 100 € for bursary
  holders): spent on bookings until it runs out.
- A quota: days per week or month paid by an employer for its members; a day is a calendar day
  with at least one booking under the quota (the civil service allows at most 3 telework days a
  week: décret n° 2016-151 du 11 février 2016, art. 3).
- Caps per beneficiary (days per month, hours per year, amount per period); a cap of zero
  suspends the benefit. The budget envelope can never be overspent.

All amounts are integer euro cents; durations are `timedelta`s, counted in whole minutes for
the minutes cap. Nothing here rounds a fraction of a cent: shares and the person's price always
add up to the list price exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, assert_never

from maillage.booking.pricing import booking_price_cents

# Basis points in a whole (10 000 bp = 100 %).
WHOLE_BASIS_POINTS = 10_000

MINUTE = timedelta(minutes=1)

DeclineReason = Literal["envelope", "days_cap", "minutes_cap", "amount_cap", "credit", "quota"]


def _check_cents(name: str, value: int | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{name} must be at least 0 cents, not {value}")


@dataclass(frozen=True)
class PriceBasis:
    """What a booking costs at list price and what it is made of: `list_cents` (integer cents,
    ≥ 0: the space's price for the booking, booking.pricing.booking_price_cents), `duration`
    (positive), `seats` (≥ 1) and `exclusive` (a whole space priced once, whatever the seats).

    Raises ValueError on a negative price, a non-positive duration or fewer than one seat."""

    list_cents: int
    duration: timedelta
    seats: int
    exclusive: bool

    def __post_init__(self) -> None:
        _check_cents("list_cents", self.list_cents)
        if self.duration <= timedelta(0):
            raise ValueError(f"duration must be positive, not {self.duration}")
        if self.seats < 1:
            raise ValueError(f"seats must be at least 1, not {self.seats}")

    @property
    def units(self) -> int:
        """How many times a unit price counts: 1 for an exclusive space, else the seats."""
        return 1 if self.exclusive else self.seats

    @property
    def minutes(self) -> int:
        """The duration in minutes (a started minute counts), what a minutes cap counts."""
        return math.ceil(self.duration / MINUTE)


@dataclass(frozen=True)
class PercentRate:
    """A rate: the person pays `person_basis_points` / 10 000 of the share (0..10 000; 2 500 =
    25 %), rounded up to the cent — the programme never pays a fraction of a cent."""

    person_basis_points: int

    def __post_init__(self) -> None:
        if not 0 <= self.person_basis_points <= WHOLE_BASIS_POINTS:
            raise ValueError(
                f"person_basis_points must be within 0..{WHOLE_BASIS_POINTS}, "
                f"not {self.person_basis_points}"
            )


@dataclass(frozen=True)
class FixedRate:
    """A rate: the person pays fixed amounts (cents, ≥ 0, at least one set) per hour, half-day
    and day, per seat unless the space is exclusive, combined into the cheapest cover of the
    duration as list prices are (booking.pricing.booking_price_cents) — never more than the
    share."""

    hour_cents: int | None
    half_day_cents: int | None
    day_cents: int | None

    def __post_init__(self) -> None:
        if self.hour_cents is None and self.half_day_cents is None and self.day_cents is None:
            raise ValueError("a fixed rate needs an hour, half-day or day amount")
        _check_cents("hour_cents", self.hour_cents)
        _check_cents("half_day_cents", self.half_day_cents)
        _check_cents("day_cents", self.day_cents)

    def person_cents(self, basis: PriceBasis) -> int:
        """The fixed amounts' cheapest cover of `basis` (cents), before the cap at the share."""
        return booking_price_cents(
            basis.duration, basis.units, self.hour_cents, self.half_day_cents, self.day_cents
        )


@dataclass(frozen=True)
class FreeRate:
    """A rate: the person pays nothing, the programme pays the whole share."""


@dataclass(frozen=True)
class Credit:
    """A credit (pass): `left_cents` (≥ 0) is what is left of the beneficiary's credit for the
    period; it pays min(left, share). An exhausted credit declines the offer («credit»)."""

    left_cents: int

    def __post_init__(self) -> None:
        _check_cents("left_cents", self.left_cents)


@dataclass(frozen=True)
class Quota:
    """An employer's quota of `days_limit` days (≥ 0) per week or month (3 a week at most for
    a civil servant, décret n° 2016-151 art. 3: the employer sets it), of which `days_used`
    (≥ 0) are counted already; `day_already_counted` when the booking's day is one of them (a
    day counts once, whatever the bookings on it). It pays the whole share when the day is
    counted already or a day is left; otherwise, or with a limit of 0, the offer is declined
    («quota»)."""

    days_limit: int
    days_used: int
    day_already_counted: bool

    def __post_init__(self) -> None:
        if self.days_limit < 0 or self.days_used < 0:
            raise ValueError("days_limit and days_used must be at least 0")

    @property
    def days_left(self) -> int:
        return max(0, self.days_limit - self.days_used)

    @property
    def covers_the_day(self) -> bool:
        return self.days_limit > 0 and (self.day_already_counted or self.days_left > 0)


Benefit = PercentRate | FixedRate | FreeRate | Credit | Quota


@dataclass(frozen=True)
class Cap:
    """A cap per beneficiary: `limit` (≥ 0; cents, days or minutes) and `used` (≥ 0) in the
    current period. A limit of 0 suspends the offer."""

    limit: int
    used: int

    def __post_init__(self) -> None:
        if self.limit < 0 or self.used < 0:
            raise ValueError("a cap's limit and used must be at least 0")

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


@dataclass(frozen=True)
class Offer:
    """A programme's or employer's offer for one booking, with what is left of its balances.

    - `programme_id`, `public_label` (never the eligibility category), `rule` (e.g.
      "rate:percent:2500") and `version`: copied onto the share it pays.
    - `priority` (higher first) and `cumulative` (applies to what is left after the others).
    - `benefit`: the rate, credit or quota.
    - `envelope_left_cents`: what is left of the programme's budget envelope (None: no
      envelope); a share larger than it declines the offer («envelope»), never a partial share.
    - `amount_cap` (cents per period): limits the share (partial); `days_cap` (days per month):
      the offer is declined when the booking's day would be one too many — it is not when
      `day_already_counted_for_caps`; `minutes_cap` (minutes per year): declined when the
      booking's minutes exceed what is left. None: no such cap; a cap of 0 suspends the offer.
    """

    programme_id: int
    public_label: str
    rule: str
    version: int
    priority: int
    cumulative: bool
    benefit: Benefit
    envelope_left_cents: int | None = None
    amount_cap: Cap | None = None
    days_cap: Cap | None = None
    minutes_cap: Cap | None = None
    day_already_counted_for_caps: bool = False

    def __post_init__(self) -> None:
        _check_cents("envelope_left_cents", self.envelope_left_cents)
        if self.version < 1:
            raise ValueError(f"version must be at least 1, not {self.version}")

    @property
    def order(self) -> tuple[int, int]:
        """Sort key: highest priority first, then the lowest programme id."""
        return (-self.priority, self.programme_id)


@dataclass(frozen=True)
class ShareLine:
    """What one programme pays of a booking (`cents` > 0), under its public label, rule and
    version (the fields of booking.funding.Share, in the same order)."""

    programme_id: int
    public_label: str
    cents: int
    rule: str
    version: int


@dataclass(frozen=True)
class Declined:
    """An offer that would have paid something but did not, and why: its envelope is spent
    («envelope»), a cap is reached or suspended («days_cap», «minutes_cap», «amount_cap»), the
    credit is exhausted («credit») or the quota's days are used up («quota»)."""

    programme_id: int
    public_label: str
    reason: DeclineReason


@dataclass(frozen=True)
class Split:
    """A booking's price split: `person_cents` plus the shares' cents add up to `list_cents`
    exactly; `shares` in the order they applied (the non-cumulative one first); `declined`,
    the offers that could not apply, in priority order, for the person to be told.

    Raises ValueError when the amounts do not add up or one is negative (a bug, not input)."""

    list_cents: int
    person_cents: int
    shares: tuple[ShareLine, ...] = ()
    declined: tuple[Declined, ...] = ()

    def __post_init__(self) -> None:
        if self.person_cents + sum(share.cents for share in self.shares) != self.list_cents:
            raise ValueError("a split's shares must add up to the list price")
        if self.person_cents < 0 or any(share.cents <= 0 for share in self.shares):
            raise ValueError("no share of a split is negative or zero")


@dataclass(frozen=True)
class _Paid:
    cents: int


@dataclass(frozen=True)
class _Refused:
    reason: DeclineReason


def _benefit_pays(benefit: Benefit, basis: PriceBasis, share: int) -> _Paid | _Refused:
    """What `benefit` alone would pay of `share` cents (0..share), before caps and envelope."""
    if isinstance(benefit, PercentRate):
        person = -(-share * benefit.person_basis_points // WHOLE_BASIS_POINTS)  # ceil
        return _Paid(share - person)
    if isinstance(benefit, FixedRate):
        return _Paid(share - min(share, benefit.person_cents(basis)))
    if isinstance(benefit, FreeRate):
        return _Paid(share)
    if isinstance(benefit, Credit):
        return _Paid(min(benefit.left_cents, share)) if benefit.left_cents else _Refused("credit")
    if isinstance(benefit, Quota):
        return _Paid(share) if benefit.covers_the_day else _Refused("quota")
    assert_never(benefit)


def offer_pays(offer: Offer, basis: PriceBasis, share: int) -> int | DeclineReason:
    """What `offer` pays (cents, 0..share) of the `share` cents still left to the person for
    the booking `basis`, or why it is declined.

    In this order: the benefit (an exhausted credit or quota declines it; a rate that is not
    cheaper pays 0, which is no refusal); then, when it would pay something, the minutes cap,
    the days cap, the amount cap (which limits the share), and the envelope (all or nothing).
    Raises ValueError when `share` is negative."""
    if share < 0:
        raise ValueError(f"share must be at least 0 cents, not {share}")
    paid = _benefit_pays(offer.benefit, basis, share)
    if isinstance(paid, _Refused):
        return paid.reason
    cents = paid.cents
    if cents == 0:
        return 0
    if offer.minutes_cap is not None and basis.minutes > offer.minutes_cap.left:
        return "minutes_cap"
    if offer.days_cap is not None and (
        offer.days_cap.limit == 0
        or (not offer.day_already_counted_for_caps and offer.days_cap.left == 0)
    ):
        return "days_cap"
    if offer.amount_cap is not None:
        if offer.amount_cap.left == 0:
            return "amount_cap"
        cents = min(cents, offer.amount_cap.left)
    if offer.envelope_left_cents is not None and cents > offer.envelope_left_cents:
        return "envelope"
    return cents


def split(basis: PriceBasis, offers: Sequence[Offer]) -> Split:
    """Split `basis.list_cents` between the person and `offers` (any order; one per programme).

    The offers are taken by priority (highest first, then programme id). The first
    non-cumulative one that pays something (offer_pays) applies to the list price; the
    non-cumulative ones before it that were declined are reported, those after it are not
    considered. Then every cumulative offer, in the same order, applies to what is still left
    to the person, until nothing is. A free booking (0 cents) has no share and no refusal.
    Raises ValueError when two offers share a programme id."""
    ids = [offer.programme_id for offer in offers]
    if len(set(ids)) != len(ids):
        raise ValueError("one offer per programme")
    ordered = sorted(offers, key=lambda offer: offer.order)
    left = basis.list_cents
    shares: list[ShareLine] = []
    declined: list[Declined] = []

    def apply(offer: Offer) -> bool:
        nonlocal left
        paid = offer_pays(offer, basis, left)
        if isinstance(paid, str):
            declined.append(Declined(offer.programme_id, offer.public_label, paid))
            return False
        if paid == 0:
            return False
        shares.append(
            ShareLine(offer.programme_id, offer.public_label, paid, offer.rule, offer.version)
        )
        left -= paid
        return True

    if left == 0:
        return Split(0, 0)  # nothing to pay: no offer applies, none is refused
    for offer in ordered:
        if not offer.cumulative and apply(offer):
            break
    for offer in ordered:
        if left == 0:
            break
        if offer.cumulative:
            apply(offer)
    rank = {offer.programme_id: offer.order for offer in offers}
    declined.sort(key=lambda line: rank[line.programme_id])
    return Split(basis.list_cents, left, tuple(shares), tuple(declined))
