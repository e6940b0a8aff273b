"""A weekly series' prices, quoted date after date on a running copy of the balances: each
date's quote is the one booking it will get once the earlier dates are booked (in the same
transaction, book_series commits them one after another), so the preview's total is what the
person is charged. Registered with the Funder (ProgrammesConfig.ready) as funding's series
quoter.

The running copy mirrors what services.commit takes for each share (services._consume): the
envelope and the credit lose the share's cents, an amount cap counts them, a minutes cap the
booking's minutes, and each day not counted yet counts once in the quota and days caps.
Amounts are integer cents; days are Paris days. Reads only, writes nothing.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from maillage.booking import funding
from maillage.programmes import pricing, services
from maillage.programmes.models import BenefitKind, CapKind, Programme
from maillage.programmes.periods import booking_days, minutes_of, period_start


@dataclasses.dataclass
class _Taken:
    """What the earlier dates of the series would take from one beneficiary's balances:
    cents by programme (envelope) and by (programme, period start) (credit); a counter's use
    by (programme, kind), per period start; the days each day counter would count, by
    (programme, kind)."""

    envelope: Counter[int] = dataclasses.field(default_factory=Counter)
    wallet: Counter[tuple[int, date]] = dataclasses.field(default_factory=Counter)
    counters: defaultdict[tuple[int, str], Counter[date]] = dataclasses.field(
        default_factory=lambda: defaultdict(Counter)
    )
    days: defaultdict[tuple[int, str], set[date]] = dataclasses.field(
        default_factory=lambda: defaultdict(set)
    )

    def touches(self, programme_id: int) -> bool:
        """Whether an earlier date has a share of the programme (each takes envelope cents)."""
        return self.envelope[programme_id] > 0

    def on_counter(self, programme_id: int, kind: str) -> tuple[set[date], Counter[date]]:
        """The days the earlier dates count on the programme's day counter of `kind`, and
        its use per period start (services.day_counter_state's `earlier`)."""
        return self.days[(programme_id, kind)], self.counters[(programme_id, kind)]


def _offer_after(
    programme: Programme,
    who: services.Beneficiary,
    request: funding.QuoteRequest,
    taken: _Taken,
) -> pricing.Offer:
    """services.offer_of, less what the earlier dates of the series would take."""
    offer = services.offer_of(programme, who, request.start, request.end)
    if not taken.touches(programme.pk):
        return offer
    day = booking_days(request.start, request.end)[0]
    pk = programme.pk
    changes: dict[str, object] = {}
    if offer.envelope_left_cents is not None:
        changes["envelope_left_cents"] = max(0, offer.envelope_left_cents - taken.envelope[pk])
    benefit = offer.benefit
    if isinstance(benefit, pricing.Credit):
        spent = taken.wallet[(pk, period_start(programme.credit_period, day))]
        changes["benefit"] = pricing.Credit(max(0, benefit.left_cents - spent))
    if offer.amount_cap is not None:
        start = period_start(programme.cap_period, day)
        used = offer.amount_cap.used + taken.counters[(pk, CapKind.CENTS)][start]
        changes["amount_cap"] = pricing.Cap(offer.amount_cap.limit, used)
    if offer.minutes_cap is not None:
        start = period_start(services.MINUTES_CAP_PERIOD, day)
        used = offer.minutes_cap.used + taken.counters[(pk, CapKind.MINUTES)][start]
        changes["minutes_cap"] = pricing.Cap(offer.minutes_cap.limit, used)
    days = booking_days(request.start, request.end)
    for kind, period, limit in services.day_counters(programme):
        state = services.day_counter_state(
            programme, who, kind, period, limit, days, earlier=taken.on_counter(pk, kind)
        )
        if kind == CapKind.QUOTA_DAYS:
            changes["benefit"] = pricing.Quota(
                state.limit, state.used, day_already_counted=state.counted
            )
        else:
            changes["days_cap"] = pricing.Cap(state.limit, state.used)
            changes["day_already_counted_for_caps"] = state.counted
    return dataclasses.replace(offer, **changes)  # type: ignore[arg-type]


def _take(
    programme: Programme,
    share: funding.Share,
    request: funding.QuoteRequest,
    who: services.Beneficiary,
    taken: _Taken,
) -> None:
    """Count what committing `share` would take (services._consume, on the running copy)."""
    pk = programme.pk
    days = booking_days(request.start, request.end)
    day = days[0]
    taken.envelope[pk] += share.cents
    if programme.kind == BenefitKind.CREDIT:
        taken.wallet[(pk, period_start(programme.credit_period, day))] += share.cents
    if programme.cap_cents is not None:
        start = period_start(programme.cap_period, day)
        taken.counters[(pk, CapKind.CENTS)][start] += share.cents
    if programme.cap_minutes_per_year is not None:
        start = period_start(services.MINUTES_CAP_PERIOD, day)
        taken.counters[(pk, CapKind.MINUTES)][start] += minutes_of(request.start, request.end)
    for kind, period, _limit in services.day_counters(programme):
        earlier_days, used = taken.on_counter(pk, kind)
        for counted in services.uncounted_days(programme, who, kind, period, days):
            if counted not in earlier_days:
                earlier_days.add(counted)
                used[period_start(period, counted)] += 1


def quote_series(requests: Sequence[funding.QuoteRequest]) -> list[funding.Quote]:
    """The quotes of a series' dates `requests` (one person's, for one beneficiary, in date
    order), each as services.quote will answer it once the earlier dates are booked: the
    first equals services.quote's; each later one reads what is left of the envelope, the
    credit, the caps and the quota days after the earlier dates' shares. Writes nothing."""
    quotes: list[funding.Quote] = []
    taken = _Taken()
    for request in requests:
        who = services.Beneficiary(request.person, request.beneficiary_child_id or 0)
        day = booking_days(request.start, request.end)[0]
        programmes = (
            services.eligible(who, request.place_id, request.space_kind, day, request.now)
            if request.list_cents
            else []
        )
        if not programmes:
            quotes.append(services.list_price(request))
            continue
        offers = [_offer_after(p, who, request, taken) for p in programmes]
        split = pricing.split(services.price_basis(request), offers)
        quote = services.quote_of(split, request.beneficiary_child_id)
        by_id = {p.pk: p for p in programmes}
        for share in quote.shares:
            _take(by_id[share.programme_id], share, request, who, taken)
        quotes.append(quote)
    return quotes
