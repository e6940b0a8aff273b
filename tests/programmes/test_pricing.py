"""Properties of the pricing core (programmes.pricing) on arbitrary bookings and offers: the
split is exact to the cent, balances and caps are never exceeded, a cap of 0 suspends, the
priority and cumulative rule holds, and every refusal is reported with its true reason."""

import math
from dataclasses import replace
from datetime import timedelta
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.booking.pricing import booking_price_cents
from maillage.programmes.pricing import (
    Cap,
    Credit,
    FixedRate,
    FreeRate,
    Offer,
    PercentRate,
    PriceBasis,
    Quota,
    Split,
    offer_pays,
    split,
)

cents = st.integers(min_value=0, max_value=30_000)
unit_cents = st.one_of(st.none(), st.integers(min_value=0, max_value=5_000))

bases = st.builds(
    PriceBasis,
    list_cents=cents,
    duration=st.integers(min_value=1, max_value=16 * 60).map(lambda m: timedelta(minutes=m)),
    seats=st.integers(min_value=1, max_value=5),
    exclusive=st.booleans(),
)
fixed_rates = (
    st.tuples(unit_cents, unit_cents, unit_cents)
    .filter(lambda amounts: amounts != (None, None, None))
    .map(lambda amounts: FixedRate(*amounts))
)
benefits = st.one_of(
    st.builds(PercentRate, st.integers(min_value=0, max_value=10_000)),
    st.sampled_from([PercentRate(0), PercentRate(2500), PercentRate(10_000)]),
    fixed_rates,
    st.just(FreeRate()),
    st.builds(Credit, cents),
    st.builds(Quota, st.integers(0, 5), st.integers(0, 6), st.booleans()),
)


def caps(most: int) -> st.SearchStrategy[Cap | None]:
    """No cap half of the time (for offers to pay often), else a cap often reached."""
    return st.one_of(
        st.none(),
        st.none(),
        st.builds(Cap, st.integers(0, most), st.integers(0, most)),
        st.just(Cap(0, 0)),
    )


@st.composite
def offers_of(draw: st.DrawFn, programme_id: int) -> Offer:
    return Offer(
        programme_id=programme_id,
        public_label=f"Dispositif {programme_id}",
        rule=f"rule:{programme_id}",
        version=draw(st.integers(1, 3)),
        priority=draw(st.integers(0, 3)),  # few values: ties are frequent
        cumulative=draw(st.booleans()),
        benefit=draw(benefits),
        envelope_left_cents=draw(st.one_of(st.none(), cents)),
        amount_cap=draw(caps(20_000)),
        days_cap=draw(caps(4)),
        minutes_cap=draw(caps(1_200)),
        day_already_counted_for_caps=draw(st.booleans()),
    )


offer_lists = st.lists(st.integers(1, 50), max_size=6, unique=True).flatmap(
    lambda ids: st.tuples(*(offers_of(i) for i in ids)).map(list)
)
single_offers = st.integers(1, 50).flatmap(offers_of)


def ordered(offers: list[Offer]) -> list[Offer]:
    return sorted(offers, key=lambda offer: (-offer.priority, offer.programme_id))


@settings(max_examples=300)
@given(bases, offer_lists)
def test_shares_and_the_person_add_up_to_the_list_price_none_negative(basis, offers):
    result = split(basis, offers)
    assert result.list_cents == basis.list_cents
    assert result.person_cents + sum(line.cents for line in result.shares) == basis.list_cents
    assert 0 <= result.person_cents <= basis.list_cents
    assert all(line.cents > 0 for line in result.shares)
    assert len({line.programme_id for line in result.shares}) == len(result.shares)


@settings(max_examples=300)
@given(bases, offer_lists)
def test_consuming_the_shares_exceeds_no_balance_cap_or_quota(basis, offers):
    """What programmes' services will consume from each share stays within every balance."""
    by_id = {offer.programme_id: offer for offer in offers}
    for line in split(basis, offers).shares:
        offer = by_id[line.programme_id]
        assert (line.public_label, line.rule, line.version) == (
            offer.public_label,
            offer.rule,
            offer.version,
        )
        if offer.envelope_left_cents is not None:
            assert offer.envelope_left_cents - line.cents >= 0
        if offer.amount_cap is not None:
            assert offer.amount_cap.used + line.cents <= offer.amount_cap.limit
        if offer.minutes_cap is not None:
            assert offer.minutes_cap.used + basis.minutes <= offer.minutes_cap.limit
        if offer.days_cap is not None:
            assert offer.days_cap.limit > 0
            if not offer.day_already_counted_for_caps:
                assert offer.days_cap.used + 1 <= offer.days_cap.limit
        if isinstance(offer.benefit, Credit):
            assert line.cents <= offer.benefit.left_cents
        if isinstance(offer.benefit, Quota):
            quota = offer.benefit
            assert quota.days_limit > 0
            assert quota.day_already_counted or quota.days_used + 1 <= quota.days_limit


@given(bases, offer_lists, st.data())
def test_a_cap_of_zero_suspends_the_offer(basis, offers, data):
    if not offers:
        return
    suspended = data.draw(st.sampled_from(offers))
    zero = data.draw(
        st.sampled_from(
            [
                {"amount_cap": Cap(0, 0)},
                {"days_cap": Cap(0, 0), "day_already_counted_for_caps": True},
                {"days_cap": Cap(0, 0)},
                {"minutes_cap": Cap(0, 0)},
            ]
        )
    )
    offers = [replace(o, **zero) if o is suspended else o for o in offers]
    result = split(basis, offers)
    assert suspended.programme_id not in {line.programme_id for line in result.shares}


@given(bases, offer_lists, st.randoms(use_true_random=False))
def test_the_order_offers_are_given_in_does_not_matter(basis, offers, random):
    shuffled = list(offers)
    random.shuffle(shuffled)
    assert split(basis, shuffled) == split(basis, offers)


@settings(max_examples=300)
@given(bases, offer_lists)
def test_one_non_cumulative_offer_then_the_cumulative_ones_on_what_is_left(basis, offers):
    """Each share and each refusal is what the offer alone does with what is left at its turn:
    the first non-cumulative offer (by priority) that pays applies to the list price, those
    before it are reported when refused; then the cumulative ones, in priority order, until the
    person has nothing left to pay."""
    result = split(basis, offers)
    expected_shares: list[tuple[int, int]] = []
    expected_declined: list[tuple[int, str]] = []
    left = basis.list_cents
    for offer in ordered([o for o in offers if not o.cumulative]):
        if left == 0:
            break
        outcome = offer_pays(offer, basis, left)
        if isinstance(outcome, str):
            expected_declined.append((offer.programme_id, outcome))
        elif outcome > 0:
            expected_shares.append((offer.programme_id, outcome))
            left -= outcome
            break
    for offer in ordered([o for o in offers if o.cumulative]):
        if left == 0:
            break
        outcome = offer_pays(offer, basis, left)
        if isinstance(outcome, str):
            expected_declined.append((offer.programme_id, outcome))
        elif outcome > 0:
            expected_shares.append((offer.programme_id, outcome))
            left -= outcome
    assert [(line.programme_id, line.cents) for line in result.shares] == expected_shares
    rank = {o.programme_id: (-o.priority, o.programme_id) for o in offers}
    assert [(d.programme_id, d.reason) for d in result.declined] == sorted(
        expected_declined, key=lambda pair: rank[pair[0]]
    )
    assert result.person_cents == left
    non_cumulative = [o.programme_id for o in offers if not o.cumulative]
    assert sum(line.programme_id in non_cumulative for line in result.shares) <= 1
    assert all(line.programme_id in non_cumulative for line in result.shares[:1]) or all(
        line.programme_id not in non_cumulative for line in result.shares
    )


@given(bases, offer_lists)
def test_a_declined_offer_pays_nothing(basis, offers):
    result = split(basis, offers)
    paying = {line.programme_id for line in result.shares}
    assert not paying & {declined.programme_id for declined in result.declined}
    labels = {offer.programme_id: offer.public_label for offer in offers}
    assert all(
        declined.public_label == labels[declined.programme_id] for declined in result.declined
    )


# The unit of the split: what one offer does with the share left to it.

shares_left = st.integers(min_value=0, max_value=30_000)


@given(single_offers, bases, shares_left)
def test_an_offer_pays_between_nothing_and_the_share(offer, basis, share):
    outcome = offer_pays(offer, basis, share)
    assert isinstance(outcome, str) or 0 <= outcome <= share


def without_limits(offer: Offer) -> Offer:
    return replace(
        offer, envelope_left_cents=None, amount_cap=None, days_cap=None, minutes_cap=None
    )


@settings(max_examples=300)
@given(bases, shares_left, st.integers(min_value=0, max_value=10_000))
def test_a_percent_rate_rounds_the_persons_part_up_to_the_cent(basis, share, basis_points):
    offer = Offer(1, "Tarif solidaire", "rate:percent", 1, 0, False, PercentRate(basis_points))
    paid = offer_pays(offer, basis, share)
    assert isinstance(paid, int)
    person = share - paid
    assert person == math.ceil(Fraction(share * basis_points, 10_000))
    # The programme pays at most its exact part, and less than a cent under it.
    exact = Fraction(share * (10_000 - basis_points), 10_000)
    assert paid <= exact < paid + 1


@given(bases, shares_left, fixed_rates)
def test_a_fixed_rate_charges_its_cheapest_cover_never_above_the_share(basis, share, rate):
    offer = Offer(1, "Tarif négocié", "rate:fixed", 1, 0, False, rate)
    paid = offer_pays(offer, basis, share)
    assert isinstance(paid, int)
    fixed = booking_price_cents(
        basis.duration, basis.units, rate.hour_cents, rate.half_day_cents, rate.day_cents
    )
    assert share - paid == min(share, fixed)


@given(single_offers, bases, shares_left)
def test_free_rate_credit_and_quota_before_limits(offer, basis, share):
    outcome = offer_pays(without_limits(offer), basis, share)
    benefit = offer.benefit
    if isinstance(benefit, FreeRate):
        assert outcome == share
    elif isinstance(benefit, Credit):
        assert outcome == (min(share, benefit.left_cents) if benefit.left_cents else "credit")
    elif isinstance(benefit, Quota):
        covered = benefit.days_limit > 0 and (
            benefit.day_already_counted or benefit.days_used < benefit.days_limit
        )
        assert outcome == (share if covered else "quota")


def near(value: int) -> st.SearchStrategy[int]:
    """Integers ≥ 0 within 2 of `value`: where off-by-one mistakes show."""
    return st.integers(max(0, value - 2), value + 2)


@settings(max_examples=300)
@given(single_offers, bases, shares_left, st.data())
def test_the_envelope_is_all_or_nothing(offer, basis, share, data):
    offer = data.draw(st.sampled_from([offer, without_limits(offer)]))
    unbounded = offer_pays(replace(offer, envelope_left_cents=None), basis, share)
    edge = near(unbounded if isinstance(unbounded, int) else 0)
    envelopes = st.one_of(st.none(), cents, edge, edge)
    offer = replace(offer, envelope_left_cents=data.draw(envelopes))
    outcome = offer_pays(offer, basis, share)
    envelope = offer.envelope_left_cents
    if isinstance(unbounded, int) and envelope is not None and unbounded > envelope:
        assert outcome == "envelope"
    else:
        assert outcome == unbounded  # the last cents of an envelope are spent too


@settings(max_examples=300)
@given(single_offers, bases, shares_left, st.data())
def test_the_amount_cap_limits_the_share(offer, basis, share, data):
    offer = replace(offer, envelope_left_cents=None)
    uncapped = offer_pays(replace(offer, amount_cap=None), basis, share)
    used = data.draw(st.integers(0, 20_000))
    limit = data.draw(st.one_of(st.integers(0, 20_000), near(used), near(used + share)))
    cap = data.draw(st.sampled_from([None, Cap(limit, used)]))
    outcome = offer_pays(replace(offer, amount_cap=cap), basis, share)
    if cap is None or not isinstance(uncapped, int) or uncapped == 0:
        assert outcome == uncapped
    elif cap.used >= cap.limit:
        assert outcome == "amount_cap"
    else:
        assert outcome == min(uncapped, cap.limit - cap.used)


@settings(max_examples=300)
@given(single_offers, bases, shares_left, st.data())
def test_days_and_minutes_caps_refuse_the_booking_they_cannot_hold(offer, basis, share, data):
    before = offer_pays(replace(offer, days_cap=None, minutes_cap=None), basis, share)
    minutes_used = data.draw(st.integers(0, 1_200))
    minutes_limit = data.draw(st.one_of(near(minutes_used + basis.minutes), st.integers(0, 1_200)))
    minutes = data.draw(st.sampled_from([None, Cap(minutes_limit, minutes_used)]))
    days_used = data.draw(st.integers(0, 4))
    days = data.draw(st.sampled_from([None, Cap(data.draw(near(days_used)), days_used)]))
    offer = replace(offer, minutes_cap=minutes, days_cap=days)
    outcome = offer_pays(offer, basis, share)
    too_long = minutes is not None and minutes.used + basis.minutes > minutes.limit
    too_many_days = days is not None and (
        days.limit == 0 or (not offer.day_already_counted_for_caps and days.used + 1 > days.limit)
    )
    if before == "credit" or before == "quota" or before == 0:
        assert outcome == before  # nothing to pay: no cap to tell about
    elif too_long:
        assert outcome == "minutes_cap"
    elif too_many_days:
        assert outcome == "days_cap"
    else:
        assert outcome == before


@given(single_offers, bases)
def test_nothing_to_pay_is_never_refused(offer, basis):
    assert offer_pays(offer, basis, 0) in (0, "credit", "quota")
    free = replace(basis, list_cents=0)
    assert split(free, [offer]) == Split(0, 0)
