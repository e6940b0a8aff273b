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
from maillage.places.kinds import SpaceKind
from maillage.programmes import pricing, services
from maillage.programmes.models import (
    BenefitKind,
    CapCounter,
    CapKind,
    CountedDay,
    Programme,
)
from maillage.programmes.periods import booking_days, minutes_of, period_start


@dataclasses.dataclass
class _Taken:
    """What the earlier dates of the series would take from one beneficiary's balances:
    cents by programme (envelope) and by (programme, period start) (credit); a counter's use
    by (programme, kind, period start); the days counted, by programme."""

    envelope: Counter[int] = dataclasses.field(default_factory=Counter)
    wallet: Counter[tuple[int, date]] = dataclasses.field(default_factory=Counter)
    counters: Counter[tuple[int, str, date]] = dataclasses.field(default_factory=Counter)
    days: defaultdict[int, set[date]] = dataclasses.field(default_factory=lambda: defaultdict(set))

    def touches(self, programme_id: int) -> bool:
        """Whether an earlier date has a share of the programme (each takes envelope cents)."""
        return self.envelope[programme_id] > 0


def _db_used(programme: Programme, who: services.Beneficiary, kind: str, start: date) -> int:
    counter = CapCounter.objects.filter(
        programme=programme, user=who.user, child_key=who.child_key, kind=kind, period_start=start
    ).first()
    return int(counter.used) if counter is not None else 0


def _new_days(
    programme: Programme, who: services.Beneficiary, days: list[date], taken: _Taken
) -> list[date]:
    """The days of a booking neither counted in the database nor by an earlier date."""
    counted = set(
        CountedDay.objects.filter(
            programme=programme, user=who.user, child_key=who.child_key, day__in=days
        ).values_list("day", flat=True)
    )
    return [day for day in days if day not in counted and day not in taken.days[programme.pk]]


def _fits(
    programme: Programme,
    who: services.Beneficiary,
    kind: str,
    period: str,
    new: list[date],
    limit: int,
    taken: _Taken,
) -> bool:
    """Whether counting the `new` days keeps each period's counter (its use in the database
    plus the earlier dates') within `limit`."""
    by_period = Counter(period_start(period, day) for day in new)
    return all(
        _db_used(programme, who, kind, start) + taken.counters[(programme.pk, kind, start)] + n
        <= limit
        for start, n in by_period.items()
    )


def _as_counter(limit: int, fits: bool, counted: bool) -> tuple[int, int]:
    """(limit, used) telling pricing whether the days fit (services' encoding: one day left,
    or none)."""
    if limit == 0 or counted:
        return limit, 0
    return limit, limit - 1 if fits else limit


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
        used = offer.amount_cap.used + taken.counters[(pk, CapKind.CENTS, start)]
        changes["amount_cap"] = pricing.Cap(offer.amount_cap.limit, used)
    if offer.minutes_cap is not None:
        start = period_start(services.MINUTES_CAP_PERIOD, day)
        used = offer.minutes_cap.used + taken.counters[(pk, CapKind.MINUTES, start)]
        changes["minutes_cap"] = pricing.Cap(offer.minutes_cap.limit, used)
    counters = services.day_counters(programme)
    if counters:
        new = _new_days(programme, who, booking_days(request.start, request.end), taken)
        changes["day_already_counted_for_caps"] = not new
        for kind, period, limit in counters:
            fits = _fits(programme, who, kind, period, new, limit, taken)
            counter = _as_counter(limit, fits, not new)
            if kind == CapKind.QUOTA_DAYS:
                changes["benefit"] = pricing.Quota(*counter, day_already_counted=not new)
            else:
                changes["days_cap"] = pricing.Cap(*counter)
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
        taken.counters[(pk, CapKind.CENTS, period_start(programme.cap_period, day))] += share.cents
    if programme.cap_minutes_per_year is not None:
        start = period_start(services.MINUTES_CAP_PERIOD, day)
        taken.counters[(pk, CapKind.MINUTES, start)] += minutes_of(request.start, request.end)
    counters = services.day_counters(programme)
    if counters:
        for counted in _new_days(programme, who, days, taken):
            taken.days[pk].add(counted)
            for kind, period, _limit in counters:
                taken.counters[(pk, kind, period_start(period, counted))] += 1


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
        whole = funding.Quote(
            list_cents=request.list_cents,
            person_cents=request.list_cents,
            beneficiary_child_id=request.beneficiary_child_id,
        )
        programmes = (
            services.eligible(who, request.place_id, request.space_kind, day, request.now)
            if request.list_cents
            else []
        )
        if not programmes:
            quotes.append(whole)
            continue
        offers = [_offer_after(p, who, request, taken) for p in programmes]
        split = pricing.split(
            pricing.PriceBasis(
                list_cents=request.list_cents,
                duration=request.end - request.start,
                seats=request.seats,
                exclusive=SpaceKind(request.space_kind).is_exclusive,
            ),
            offers,
        )
        quote = services.quote_of(split, request.beneficiary_child_id)
        by_id = {p.pk: p for p in programmes}
        for share in quote.shares:
            _take(by_id[share.programme_id], share, request, who, taken)
        quotes.append(quote)
    return quotes
