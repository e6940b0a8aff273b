"""Who pays for an event registration besides the person: the seam between events and the
programmes (social rates, passes), which live in a higher app and register an EventFunder
here when they are ready, as they do for bookings (booking.funding).

events.services asks the funder for a Quote (booking.funding's: the person's price and the
programmes' shares) when a registration starts holding seats (registering with seats free,
or accepting seats offered from the waiting list), has it commit the quote's shares inside
the registration's own transaction, and tells it when a registration whose shares were
committed stops holding its seats (cancelled, declined, the event cancelled) or its person
is marked absent, saying whether that is late (a person's own cancellation once
registration has closed: their seats can no longer go to anyone, as a booking's
cancellation past the place's notice; an absence), for the programme's late rule to decide
what is given back; and has it take that back when an absence mark is corrected
(reinstate). Pages read what programmes pay of registrations made through shares_of
(events.price_lines). With no funder registered the person pays the list price: the
event's price × seats.

All amounts are integer euro cents; instants are aware datetimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from maillage.booking.funding import FundingRefused, Quote, Share

if TYPE_CHECKING:
    from maillage.accounts.models import User
    from maillage.events.models import Registration

__all__ = [
    "EventFunder",
    "FundingRefused",
    "Quote",
    "RegistrationQuoteRequest",
    "Share",
    "commit",
    "quote",
    "register_funder",
    "reinstate",
    "release",
    "shares_of",
]


@dataclass(frozen=True)
class RegistrationQuoteRequest:
    """What a quote is asked for: `person` takes `seats` seats of event `event_id` (held in
    place `place_id`, for audience `audience`, over [start, end)) at `list_cents` (the
    event's price × seats), at `now`; for one of their child profiles (whose pass pays) when
    `beneficiary_child_id` is set."""

    person: User
    event_id: int
    place_id: int
    audience: str
    start: datetime
    end: datetime
    seats: int
    list_cents: int
    now: datetime
    beneficiary_child_id: int | None = None


class EventFunder(Protocol):
    """What a higher app (programmes) implements to pay for registrations: quote, commit,
    release, reinstate, and the shares for the pages (see the module's docstring)."""

    def quote(self, request: RegistrationQuoteRequest) -> Quote:
        """The split for `request`, reading balances without changing them."""
        ...

    def commit(self, registration: Registration, quote: Quote, actor: User | None) -> None:
        """Consume the quote's shares for `registration` (already written, holding its
        seats), in the caller's transaction. Raises FundingRefused when a balance cannot
        cover a share any more: the registration is then refused."""
        ...

    def release(self, registration: Registration, *, late: bool, actor: User | None) -> None:
        """`registration`, whose shares were committed, stopped holding its seats, or its
        person was marked absent (`late`: an absence, or the person cancelled once
        registration had closed): give back what the programme's late rule says, in the
        caller's transaction."""
        ...

    def reinstate(self, registration: Registration, actor: User | None) -> None:
        """`registration`'s person, marked absent, is marked present again (or not marked):
        take back what the release gave back, in the caller's transaction. Raises
        FundingRefused when a balance cannot cover it any more."""
        ...

    def shares(
        self, registration_ids: Sequence[int], given_back: bool
    ) -> dict[int, tuple[Share, ...]]:
        """What programmes pay of each of `registration_ids`, by registration id: the
        shares not given back, or all of them (flagged `given_back`) when `given_back`;
        a registration no programme pays for is left out. Reads only."""
        ...


_funder: EventFunder | None = None


def register_funder(funder: EventFunder | None) -> None:
    """Have `funder` split every registration's price (the last one registered wins; None:
    none, the person pays the list price)."""
    global _funder
    _funder = funder


def quote(request: RegistrationQuoteRequest) -> Quote:
    """The registered funder's quote, or the list price for the person alone."""
    if _funder is None:
        return Quote(
            list_cents=request.list_cents,
            person_cents=request.list_cents,
            beneficiary_child_id=request.beneficiary_child_id,
        )
    return _funder.quote(request)


def commit(registration: Registration, quote: Quote, actor: User | None) -> None:
    """EventFunder.commit, when a funder is registered and the quote has shares."""
    if _funder is not None and quote.shares:
        _funder.commit(registration, quote, actor)


def release(registration: Registration, *, late: bool, actor: User | None) -> None:
    """EventFunder.release, when a funder is registered."""
    if _funder is not None:
        _funder.release(registration, late=late, actor=actor)


def reinstate(registration: Registration, actor: User | None) -> None:
    """EventFunder.reinstate, when a funder is registered."""
    if _funder is not None:
        _funder.reinstate(registration, actor)


def shares_of(
    registration_ids: Sequence[int], *, given_back: bool = False
) -> dict[int, tuple[Share, ...]]:
    """EventFunder.shares: what programmes pay of each of `registration_ids` (those given
    back too, flagged, when `given_back`), by registration id; empty without a funder."""
    if _funder is None or not registration_ids:
        return {}
    return _funder.shares(registration_ids, given_back)
