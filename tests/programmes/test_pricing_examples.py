"""The pricing core on the Département's own schemes (issue 10): the RSA social rate, the
Pass+ collégien, the agents' telework quota, and their envelopes and caps."""

from dataclasses import replace
from datetime import timedelta

import pytest

from maillage.booking.pricing import booking_price_cents
from maillage.programmes.pricing import (
    Cap,
    Credit,
    Declined,
    FixedRate,
    FreeRate,
    Offer,
    PercentRate,
    PriceBasis,
    Quota,
    ShareLine,
    Split,
    offer_pays,
    split,
)

RSA, HANDICAP, PASS_PLUS, AGENTS, INDEPENDANTS = 1, 2, 3, 4, 5


def desk(list_cents: int, hours: float = 3, seats: int = 1) -> PriceBasis:
    return PriceBasis(list_cents, timedelta(hours=hours), seats, exclusive=False)


def tarif_solidaire_rsa(**changes: object) -> Offer:
    """The RSA beneficiaries pay 25 % of the list price."""
    offer = Offer(
        programme_id=RSA,
        public_label="Tarif solidaire",
        rule="rate:percent:2500",
        version=1,
        priority=10,
        cumulative=False,
        benefit=PercentRate(2500),
        envelope_left_cents=1_000_000,
    )
    return replace(offer, **changes)


def pass_plus(left_cents: int) -> Offer:
    """The Pass+ collégien: a credit per school year, cumulative with the rates."""
    return Offer(
        programme_id=PASS_PLUS,
        public_label="Pass+ tiers-lieux",
        rule="credit:school_year",
        version=1,
        priority=5,
        cumulative=True,
        benefit=Credit(left_cents),
        envelope_left_cents=5_000_000,
    )


# Civil servants telework at most 3 days a week (décret n° 2016-151 du 11 février 2016, art. 3).
TELEWORK_DAYS_A_WEEK = 3


def teletravail_agents(days_used: int, day_already_counted: bool = False) -> Offer:
    """The Département pays its agents' telework days, 3 a week at most."""
    return Offer(
        programme_id=AGENTS,
        public_label="Télétravail des agents du Département",
        rule="quota:week:3",
        version=1,
        priority=20,
        cumulative=False,
        benefit=Quota(TELEWORK_DAYS_A_WEEK, days_used, day_already_counted),
    )


def test_rsa_beneficiary_pays_a_quarter_of_the_list_price():
    # «Tarif solidaire : 2,00 € au lieu de 8,00 €»
    result = split(desk(800), [tarif_solidaire_rsa()])
    assert result == Split(
        list_cents=800,
        person_cents=200,
        shares=(ShareLine(RSA, "Tarif solidaire", 600, "rate:percent:2500", 1),),
    )


def test_the_programme_never_pays_the_cent_a_quarter_rounds_up():
    # 25 % of 7,99 € is 1,9975 €: the person pays 2,00 €, the programme 5,99 €.
    result = split(desk(799), [tarif_solidaire_rsa()])
    assert (result.person_cents, result.shares[0].cents) == (200, 599)
    # 25 % of 1 cent: the person pays it, the programme pays nothing and is not listed.
    assert split(desk(1), [tarif_solidaire_rsa()]) == Split(1, 1)


def test_a_free_space_needs_no_programme():
    assert split(desk(0), [tarif_solidaire_rsa(), pass_plus(8000)]) == Split(0, 0)
    # Nor is the person told that their pass is spent or their quota used up.
    assert split(desk(0), [pass_plus(0), teletravail_agents(days_used=3)]) == Split(0, 0)


def test_pass_plus_credit_pays_the_whole_booking_while_it_lasts():
    # 80 € a school year (8 000 cents); a 25 € day at the fablab.
    result = split(desk(2500, hours=8), [pass_plus(8000)])
    assert result.person_cents == 0
    assert result.shares == (
        ShareLine(PASS_PLUS, "Pass+ tiers-lieux", 2500, "credit:school_year", 1),
    )


def test_pass_plus_bursary_holder_has_more_credit():
    # A bursary holder's 100 € pays a 90 € booking that 80 € would not.
    assert split(desk(9000), [pass_plus(10_000)]).person_cents == 0
    assert split(desk(9000), [pass_plus(8000)]).person_cents == 1000


def test_pass_plus_credit_almost_spent_pays_what_is_left():
    result = split(desk(2500), [pass_plus(1000)])
    assert (result.person_cents, result.shares[0].cents) == (1500, 1000)
    assert result.declined == ()


def test_pass_plus_credit_exhausted_is_declined_and_the_person_pays_the_list_price():
    result = split(desk(2500), [pass_plus(0)])
    assert result == Split(2500, 2500, (), (Declined(PASS_PLUS, "Pass+ tiers-lieux", "credit"),))


def test_pass_plus_pays_what_the_social_rate_leaves():
    # Cumulative: the rate first (the person's 25 % of 12 € is 3 €), then the credit pays it.
    result = split(desk(1200), [pass_plus(200), tarif_solidaire_rsa()])
    assert [(line.programme_id, line.cents) for line in result.shares] == [
        (RSA, 900),
        (PASS_PLUS, 200),
    ]
    assert result.person_cents == 100


def test_only_the_highest_priority_rate_applies():
    handicap = tarif_solidaire_rsa(
        programme_id=HANDICAP, priority=30, benefit=PercentRate(5000), rule="rate:percent:5000"
    )
    result = split(desk(800), [tarif_solidaire_rsa(), handicap])
    assert [(line.programme_id, line.cents) for line in result.shares] == [(HANDICAP, 400)]


def test_a_spent_envelope_hands_over_to_the_next_programme_and_the_person_is_told():
    # The disability rate's envelope has 3,00 € left, its share would be 4,00 €: declined as a
    # whole (never a partial share); the RSA rate, next in priority, applies.
    handicap = tarif_solidaire_rsa(
        programme_id=HANDICAP,
        public_label="Tarif solidaire handicap",
        priority=30,
        benefit=PercentRate(5000),
        envelope_left_cents=300,
    )
    result = split(desk(800), [tarif_solidaire_rsa(), handicap])
    assert result.shares == (ShareLine(RSA, "Tarif solidaire", 600, "rate:percent:2500", 1),)
    assert result.declined == (Declined(HANDICAP, "Tarif solidaire handicap", "envelope"),)


def test_the_last_cents_of_an_envelope_are_spent():
    assert split(desk(800), [tarif_solidaire_rsa(envelope_left_cents=600)]).person_cents == 200
    assert split(desk(800), [tarif_solidaire_rsa(envelope_left_cents=599)]).person_cents == 800


def test_agents_telework_quota_three_days_a_week():
    day = desk(1500, hours=8)
    assert split(day, [teletravail_agents(days_used=2)]).person_cents == 0
    fourth_day = split(day, [teletravail_agents(days_used=3)])
    assert fourth_day.person_cents == 1500
    assert fourth_day.declined == (
        Declined(AGENTS, "Télétravail des agents du Département", "quota"),
    )
    # A second booking on a day already counted (the afternoon after the morning) is paid.
    assert split(day, [teletravail_agents(days_used=3, day_already_counted=True)]).person_cents == 0


def test_independants_fixed_rate_per_hour_half_day_and_day():
    # Independents pay 2 € an hour, 6 € a half-day, 10 € a day, per seat.
    independants = Offer(
        programme_id=INDEPENDANTS,
        public_label="Découverte des tiers-lieux",
        rule="rate:fixed:200:600:1000",
        version=2,
        priority=10,
        cumulative=False,
        benefit=FixedRate(hour_cents=200, half_day_cents=600, day_cents=1000),
    )
    three_hours = booking_price_cents(timedelta(hours=3), 2, 2500, 8000, 15000)
    result = split(desk(three_hours, hours=3, seats=2), [independants])
    assert (result.list_cents, result.person_cents) == (15000, 1200)  # 2 seats × 3 h × 2 €
    seven_hours = PriceBasis(15000, timedelta(hours=7), 4, exclusive=True)  # a meeting room
    assert split(seven_hours, [independants]).person_cents == 1000
    # Never more than the list price: a 1,50 € hour stays 1,50 €, and nothing is paid for it.
    assert split(desk(150, hours=1), [independants]) == Split(150, 150)


def test_free_rate_with_a_monthly_days_cap():
    gratuit = Offer(
        programme_id=RSA,
        public_label="Accès solidaire",
        rule="rate:free",
        version=1,
        priority=1,
        cumulative=False,
        benefit=FreeRate(),
        days_cap=Cap(limit=4, used=4),
    )
    assert split(desk(800), [gratuit]).declined == (Declined(RSA, "Accès solidaire", "days_cap"),)
    same_day = split(desk(800), [replace(gratuit, day_already_counted_for_caps=True)])
    assert same_day.person_cents == 0


def test_hours_per_year_cap():
    capped = tarif_solidaire_rsa(minutes_cap=Cap(limit=100 * 60, used=98 * 60))
    assert split(desk(800, hours=2), [capped]).person_cents == 200
    assert split(desk(900, hours=3), [capped]).declined == (
        Declined(RSA, "Tarif solidaire", "minutes_cap"),
    )


def test_amount_cap_limits_the_share():
    capped = tarif_solidaire_rsa(amount_cap=Cap(limit=5000, used=4800))
    assert split(desk(800), [capped]).person_cents == 600  # the programme pays its last 2 €
    spent = tarif_solidaire_rsa(amount_cap=Cap(limit=5000, used=5000))
    assert split(desk(800), [spent]).declined == (Declined(RSA, "Tarif solidaire", "amount_cap"),)


def test_a_cap_of_zero_suspends_the_programme():
    # Staff set the days cap to 0: even a day already counted is no longer paid.
    suspended = tarif_solidaire_rsa(days_cap=Cap(0, 0), day_already_counted_for_caps=True)
    assert split(desk(800), [suspended]).declined == (Declined(RSA, "Tarif solidaire", "days_cap"),)
    suspended_quota = replace(teletravail_agents(0), benefit=Quota(0, 0, day_already_counted=True))
    assert split(desk(800), [suspended_quota]).declined[0].reason == "quota"


@pytest.mark.parametrize(
    "build",
    [
        lambda: PriceBasis(-1, timedelta(hours=1), 1, False),
        lambda: PriceBasis(100, timedelta(0), 1, False),
        lambda: PriceBasis(100, timedelta(hours=1), 0, False),
        lambda: PercentRate(10_001),
        lambda: PercentRate(-1),
        lambda: FixedRate(None, None, None),
        lambda: FixedRate(-1, None, None),
        lambda: Credit(-1),
        lambda: Quota(-1, 0, False),
        lambda: Cap(3, -1),
        lambda: tarif_solidaire_rsa(envelope_left_cents=-1),
        lambda: tarif_solidaire_rsa(version=0),
        lambda: Split(100, 40, (ShareLine(RSA, "x", 50, "r", 1),)),
        lambda: Split(100, 100, (ShareLine(RSA, "x", 0, "r", 1),)),
        lambda: split(desk(800), [tarif_solidaire_rsa(), tarif_solidaire_rsa()]),
        lambda: offer_pays(tarif_solidaire_rsa(), desk(800), -1),
    ],
)
def test_bad_arguments_raise_value_error(build):
    with pytest.raises(ValueError):
        build()
