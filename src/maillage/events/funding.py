"""Who pays for an event registration besides the person: the seam between events and the
programmes (social rates, passes), which live in a higher app and register an EventFunder
here when they are ready, as they do for bookings (booking.funding).

events.services asks the funder for a Quote (booking.funding's: the person's price and the
programmes' shares) when a registration starts holding seats (registering with seats free,
or accepting seats offered from the waiting list), has it commit the quote's shares inside
the registration's own transaction, and tells it when a registration whose shares were
committed stops holding its seats (cancelled, declined, the event cancelled). With no funder
registered the person pays the list price: the event's price × seats.

All amounts are integer euro cents; instants are aware datetimes.
"""

from __future__ import annotations

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
    "release",
]


@dataclass(frozen=True)
class RegistrationQuoteRequest:
    """What a quote is asked for: `person` takes `seats` seats of event `event_id` (held in
    place `place_id`, for audience `audience`, starting at `start`) at `list_cents` (the
    event's price × seats), at `now`."""

    person: User
    event_id: int
    place_id: int
    audience: str
    start: datetime
    seats: int
    list_cents: int
    now: datetime


class EventFunder(Protocol):
    """What a higher app (programmes) implements to pay for registrations: quote, commit,
    release (see the module's docstring)."""

    def quote(self, request: RegistrationQuoteRequest) -> Quote:
        """The split for `request`, reading balances without changing them."""
        ...

    def commit(self, registration: Registration, quote: Quote, actor: User | None) -> None:
        """Consume the quote's shares for `registration` (already written, holding its
        seats), in the caller's transaction. Raises FundingRefused when a balance cannot
        cover a share any more: the registration is then refused."""
        ...

    def release(self, registration: Registration, actor: User | None) -> None:
        """`registration`, whose shares were committed, stopped holding its seats: give back
        what the programme's rule says, in the caller's transaction."""
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
        return Quote(list_cents=request.list_cents, person_cents=request.list_cents)
    return _funder.quote(request)


def commit(registration: Registration, quote: Quote, actor: User | None) -> None:
    """EventFunder.commit, when a funder is registered and the quote has shares."""
    if _funder is not None and quote.shares:
        _funder.commit(registration, quote, actor)


def release(registration: Registration, actor: User | None) -> None:
    """EventFunder.release, when a funder is registered."""
    if _funder is not None:
        _funder.release(registration, actor)
