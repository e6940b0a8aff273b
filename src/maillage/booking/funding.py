"""Who pays for a booking besides the person: the seam between booking and the programmes
(social rates, passes, employer-paid telework), which live in a higher app and register a
Funder here when they are ready (as places' closure guards do).

Booking asks the funder for a Quote before it books (pages, API, search), has it commit the
quote's shares inside the booking's own transaction, and tells it when a booking stops holding
its slot. With no funder registered the person pays the list price.

All amounts are integer euro cents; instants are aware datetimes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from maillage.accounts.models import User
    from maillage.booking.models import Booking, Channel


@dataclass(frozen=True)
class Share:
    """What one programme or employer pays of a booking, under its public label (never the
    category that made the person eligible): `rule` and `version` name the rule applied."""

    programme_id: int
    public_label: str
    cents: int
    rule: str
    version: int
    # For a booking made: the child profile it was for (None: the booker), and whether it was
    # given back (the booking stopped holding its slot and the programme's rule gave it back).
    child_id: int | None = None
    given_back: bool = False


@dataclass(frozen=True)
class Quote:
    """A booking's price split: `person_cents` plus the shares add up to `list_cents`.
    `notices` say, in French, why a programme the person holds did not apply (envelope spent,
    cap reached, credit exhausted), for the person to be told."""

    list_cents: int
    person_cents: int
    shares: tuple[Share, ...] = ()
    notices: tuple[str, ...] = ()
    beneficiary_child_id: int | None = None

    def __post_init__(self) -> None:
        if self.person_cents + sum(share.cents for share in self.shares) != self.list_cents:
            raise ValueError("a quote's shares must add up to the list price")
        if self.person_cents < 0 or any(share.cents <= 0 for share in self.shares):
            raise ValueError("no share of a quote is negative")

    @property
    def is_reduced(self) -> bool:
        return bool(self.shares)


@dataclass(frozen=True)
class QuoteRequest:
    """What a quote is asked for: `person` books space `space_id` of `place_id` (kind
    `space_kind`) over [start, end) for `seats`, at `list_cents`, at `now`; for one of their
    children's profiles when `beneficiary_child_id` is set."""

    person: User
    space_id: int
    place_id: int
    space_kind: str
    start: datetime
    end: datetime
    seats: int
    list_cents: int
    now: datetime
    beneficiary_child_id: int | None = None


class FundingRefused(Exception):
    """A quote can no longer be honoured at commit (a balance changed under it): `field`
    and the French `message` name which (envelope, cap, credit, quota); the booking is refused
    and the person may book again at the new price."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Funder(Protocol):
    def quote(self, request: QuoteRequest) -> Quote:
        """The split for `request`, reading balances without changing them."""
        ...

    def commit(self, booking: Booking, quote: Quote, actor: User | None, channel: Channel) -> None:
        """Consume the quote's shares for `booking` (already inserted), in the caller's
        transaction. Raises FundingRefused when a balance cannot cover a share any more."""
        ...

    def release(
        self, booking: Booking, *, late: bool, actor: User | None, channel: Channel
    ) -> None:
        """`booking` stopped holding its slot (cancelled, refused, expired; `late` for a
        cancellation past the place's notice or a no-show): give back what the programme's
        rule says, in the caller's transaction."""
        ...

    def reinstate(self, booking: Booking, *, actor: User | None, channel: Channel) -> None:
        """`booking` holds its slot again after a release (a manager corrects a mistaken
        no-show): take back what was given back, in the caller's transaction. Raises
        FundingRefused when a balance cannot cover it any more."""
        ...


_funder: Funder | None = None
# Quotes many bookings at once (a search's results), in a number of queries that does not
# grow with them; answers what Funder.quote answers for each.
BatchQuote = Callable[[Sequence[QuoteRequest]], list[Quote]]
_quote_many: BatchQuote | None = None
# The shares programmes pay of bookings, by booking id, in one read: those not given back,
# or all of them when the second argument is true.
SharesOf = Callable[[Sequence[int], bool], dict[int, tuple[Share, ...]]]
_shares_of: SharesOf | None = None
# Quotes a series' dates one after another, each as it will be once the earlier ones are
# booked (what they would take of a credit, caps, quota days or an envelope deducted).
SeriesQuote = Callable[[Sequence[QuoteRequest]], list[Quote]]
_quote_series: SeriesQuote | None = None


def register_funder(
    funder: Funder,
    quote_many: BatchQuote | None = None,
    shares_of: SharesOf | None = None,
    *,
    quote_series: SeriesQuote | None = None,
) -> None:
    """Have `funder` split every booking's price (the last one registered wins),
    `quote_many` quote many at once for pages listing prices (None: one quote after the
    other), `shares_of` tell the pages what programmes pay of bookings made, and
    `quote_series` quote a series' dates one after another (None: the funder's quotes do not
    depend on the bookings made before, each date is quoted alone)."""
    global _funder, _quote_many, _shares_of, _quote_series
    _funder = funder
    _quote_many = quote_many
    _shares_of = shares_of
    _quote_series = quote_series


def quote(request: QuoteRequest) -> Quote:
    """The registered funder's quote, or the list price for the person alone."""
    if _funder is None:
        return Quote(list_cents=request.list_cents, person_cents=request.list_cents)
    return _funder.quote(request)


def quote_many(requests: Sequence[QuoteRequest]) -> list[Quote]:
    """The quotes of `requests` (one person's bookings, e.g. a search's results), in order:
    the registered batch quoter's, or each request's quote."""
    if _funder is not None and _quote_many is not None:
        return _quote_many(requests)
    return [quote(request) for request in requests]


def quote_series(requests: Sequence[QuoteRequest]) -> list[Quote]:
    """The quotes of a series' dates `requests` (one person's, for one beneficiary, in date
    order), each the price booking it will get once the earlier dates are booked, in the
    same transaction: the registered series quoter's, or each request's quote."""
    if _funder is not None and _quote_series is not None:
        return _quote_series(requests)
    return [quote(request) for request in requests]


def shares_of(
    booking_ids: Sequence[int], *, given_back: bool = False
) -> dict[int, tuple[Share, ...]]:
    """What programmes pay of each of `booking_ids` (shares not given back; also those given
    back, flagged `given_back`, when `given_back` is true), by booking id; a booking no
    programme pays for is left out (all of them without a funder)."""
    if _shares_of is None or not booking_ids:
        return {}
    return _shares_of(booking_ids, given_back)


def commit(booking: Booking, quote: Quote, actor: User | None, channel: Channel) -> None:
    """Funder.commit, when a funder is registered and the quote has shares."""
    if _funder is not None and quote.shares:
        _funder.commit(booking, quote, actor, channel)


def release(booking: Booking, *, late: bool, actor: User | None, channel: Channel) -> None:
    """Funder.release, when a funder is registered."""
    if _funder is not None:
        _funder.release(booking, late=late, actor=actor, channel=channel)


def reinstate(booking: Booking, *, actor: User | None, channel: Channel) -> None:
    """Funder.reinstate, when a funder is registered."""
    if _funder is not None:
        _funder.reinstate(booking, actor=actor, channel=channel)
