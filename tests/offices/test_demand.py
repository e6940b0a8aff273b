"""The pure sums of the demand per commune (offices.demand): each request counts once in
each commune it names, the median budget leaves out those without one, supply is counted
from the offers."""

import statistics

from hypothesis import given
from hypothesis import strategies as st

from maillage.offices.demand import (
    CommuneDemand,
    OfferFacts,
    RequestFacts,
    by_commune,
    median_cents,
    totals,
)

COMMUNES = {"92012": "Boulogne-Billancourt", "92050": "Nanterre", "92004": "Asnières-sur-Seine"}


def asked(*communes, workstations=1, budget=None, answered=False) -> RequestFacts:
    return RequestFacts(frozenset(communes), workstations, budget, answered)


def test_a_request_counts_in_each_commune_it_names_and_once_in_the_totals():
    requests = [
        asked("92012", "92050", workstations=3, budget=60_000, answered=True),
        asked("92012", workstations=2, budget=90_000),
        asked("92012", workstations=5),
    ]
    offers = [OfferFacts("92050", 8), OfferFacts("92050", None), OfferFacts("92012", 2)]
    rows = by_commune(COMMUNES, requests, offers)
    assert rows == [
        CommuneDemand("92012", "Boulogne-Billancourt", 3, 10, 75_000, 1, 1, 2),
        CommuneDemand("92050", "Nanterre", 1, 3, 60_000, 1, 2, 8),
        CommuneDemand("92004", "Asnières-sur-Seine", 0, 0, None, 0, 0, 0),
    ]
    whole = totals(requests, offers)
    assert (whole.requests, whole.workstations, whole.median_budget_cents) == (3, 10, 75_000)
    assert (whole.answered, whole.offers, whole.offered_workstations) == (1, 3, 10)


def test_communes_without_requests_keep_the_given_order_and_others_are_left_out():
    rows = by_commune(COMMUNES, [asked("75056"), asked("92004")], [OfferFacts("75056", 4)])
    assert [row.code for row in rows] == ["92004", "92012", "92050"]
    assert sum(row.requests for row in rows) == 1 and sum(row.offers for row in rows) == 0


def test_the_median_rounds_half_a_cent_up_and_is_none_without_values():
    assert median_cents([]) is None
    assert median_cents([100]) == 100
    assert median_cents([100, 201]) == 151  # 150.5
    assert median_cents([300, 100, 200]) == 200


@given(st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=1, max_size=40))
def test_the_median_is_the_statistics_median_to_the_cent(values):
    expected = statistics.median(values)
    assert abs(median_cents(values) - expected) <= 0.5
    assert min(values) <= median_cents(values) <= max(values)


@given(
    st.lists(
        st.tuples(
            st.sets(st.sampled_from(sorted(COMMUNES)), max_size=3),
            st.integers(min_value=1, max_value=500),
            st.one_of(st.none(), st.integers(min_value=0, max_value=10_000_000)),
            st.booleans(),
        ),
        max_size=30,
    )
)
def test_each_commune_counts_exactly_the_requests_naming_it(facts):
    requests = [
        asked(*communes, workstations=w, budget=b, answered=a) for communes, w, b, a in facts
    ]
    rows = {row.code: row for row in by_commune(COMMUNES, requests, [])}
    for code, row in rows.items():
        naming = [request for request in requests if code in request.communes]
        assert row.requests == len(naming)
        assert row.workstations == sum(request.workstations for request in naming)
        assert row.answered == sum(request.answered for request in naming)
    assert sum(row.requests for row in rows.values()) == sum(len(r.communes) for r in requests)
    assert totals(requests, []).requests == len(requests)
