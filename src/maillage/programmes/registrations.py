"""What programmes pay of priced event registrations: the EventFunder programmes register with
events (ProgrammesConfig.ready), as services.ProgrammeFunder is for bookings.

A programme applies to a registration when staff marked it as covering events
(Programme.covers_events; never an employer's quota, a CHECK), the event's place has joined
it, and the person meets its conditions on the event's day (services.eligible_for_event:
the same conditions as for bookings, services.meets). The price is split by the one pricing
rule (services.split_quote: pricing.split over services.offer_of's offers): the list price
is the event's price × seats, the duration the event's, one unit per seat. The shares are
BookingShare rows naming the registration; the envelope, the credit and the caps move
through programmes.balances with ledger rows naming it (reason «event»), by the same
functions as bookings' (services.take_shares, services.give_back_shares), in the same lock
order, inside events.services' transaction.

The beneficiary is the person registered, or the child profile they registered
(Registration.child, the request's beneficiary_child_id): then the child's pass and
balances pay, as for a booking made for a child.
Ledger rows name the channel «page»: events' use cases are asked from the public site and
the managers' space. Amounts are integer cents; days are Paris days.
"""

from __future__ import annotations

from collections.abc import Sequence

from maillage.accounts.models import User
from maillage.booking.models import Channel
from maillage.events import funding
from maillage.events.models import Registration
from maillage.programmes import pricing, quotes, services
from maillage.programmes.models import Reason
from maillage.programmes.periods import booking_days

# The channel of the ledger rows events' use cases write.
CHANNEL = Channel.PAGE


def quote(request: funding.RegistrationQuoteRequest) -> funding.Quote:
    """The split of a registration's list price between the person and the programmes they
    may use for the event (funding.EventFunder.quote). Reads, writes nothing."""
    who = services.Beneficiary(request.person, request.beneficiary_child_id or 0)
    day = booking_days(request.start, request.end)[0]
    programmes = (
        services.eligible_for_event(who, request.place_id, day, request.now)
        if request.list_cents
        else []
    )
    basis = pricing.PriceBasis(
        list_cents=request.list_cents,
        duration=request.end - request.start,
        seats=request.seats,
        exclusive=False,
    )
    return services.split_quote(programmes, who, request.start, request.end, basis)


def commit(registration: Registration, quote: funding.Quote, actor: User | None) -> None:
    """Consume the quote's shares for `registration` (written with its prices, holding its
    seats, its event loaded), in the caller's transaction (funding.EventFunder.commit).
    Raises funding.FundingRefused naming the balance that can no longer cover its share, or
    a programme whose rule changed since the quote."""
    who = services.Beneficiary(registration.user, registration.child_id or 0)
    funded = services.Funded.of_registration(registration)
    services.take_shares(funded, quote, who, actor, CHANNEL, Reason.EVENT)


def release(registration: Registration, *, late: bool, actor: User | None) -> None:
    """`registration` stopped holding its seats, or its person was marked absent
    (funding.EventFunder.release): each share not given back yet is given back, unless
    `late` (an absence, or the person cancelled once registration had closed) and the late
    rule frozen with it keeps the place paid. In the caller's transaction, which holds the
    registration's row."""
    funded = services.Funded.of_registration(registration)
    services.give_back_shares(funded, late=late, actor=actor, channel=CHANNEL)


def reinstate(registration: Registration, actor: User | None) -> None:
    """`registration`'s person, marked absent, is marked present again
    (funding.EventFunder.reinstate): each share given back is taken again, as when it was
    first taken. Raises funding.FundingRefused when a balance cannot cover it any more."""
    funded = services.Funded.of_registration(registration)
    services.take_back_shares(funded, actor=actor, channel=CHANNEL, reason=Reason.EVENT)


def shares_of(
    registration_ids: Sequence[int], given_back: bool
) -> dict[int, tuple[funding.Share, ...]]:
    """What programmes pay of each of `registration_ids`, by registration id (those given
    back too, flagged, when `given_back`): funding.EventFunder.shares. One query."""
    return quotes.frozen_shares("registration_id", registration_ids, given_back)


class RegistrationFunder:
    """The funding.EventFunder programmes register with events (ProgrammesConfig.ready)."""

    def quote(self, request: funding.RegistrationQuoteRequest) -> funding.Quote:
        return quote(request)

    def commit(self, registration: Registration, quote: funding.Quote, actor: User | None) -> None:
        commit(registration, quote, actor)

    def release(self, registration: Registration, *, late: bool, actor: User | None) -> None:
        release(registration, late=late, actor=actor)

    def reinstate(self, registration: Registration, actor: User | None) -> None:
        reinstate(registration, actor)

    def shares(
        self, registration_ids: Sequence[int], given_back: bool
    ) -> dict[int, tuple[funding.Share, ...]]:
        return shares_of(registration_ids, given_back)
