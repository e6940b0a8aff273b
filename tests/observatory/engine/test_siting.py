import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from maillage.observatory.engine import (
    Demand,
    EngineInputError,
    Sites,
    build_instance,
    lscp,
    mclp,
    p_center,
    p_median,
)
from tests.observatory.engine.cases import combos, dense, random_case

seeds = st.integers(min_value=0, max_value=10**6)
few = settings(max_examples=40, deadline=None)


def covered_matrix(demand, candidates, existing, radius):
    return dense(demand, candidates) <= radius, (dense(demand, existing) <= radius).any(axis=1)


def brute_mclp(demand, candidates, existing, p, radius):
    cover, by_existing = covered_matrix(demand, candidates, existing, radius)
    return max(
        demand.weight[(cover[:, list(c)].any(axis=1) | by_existing) & ~by_existing].sum()
        for c in combos(len(candidates), p)
    )


@few
@given(seed=seeds, p=st.integers(0, 4), radius=st.sampled_from([100.0, 200.0, 250.0, 400.0]))
def test_mclp_matches_brute_force(seed, p, radius):
    demand, candidates, existing = random_case(seed)
    instance = build_instance(demand, candidates, existing, max_m=500)
    result = mclp(instance, p, radius)
    assert result.optimal and result.gap == 0
    assert len(result.selected) == p
    assert result.objective == pytest.approx(brute_mclp(demand, candidates, existing, p, radius))
    # The reported selection really achieves the objective.
    cover, by_existing = covered_matrix(demand, candidates, existing, radius)
    reached = cover[:, list(result.selected_index)].any(axis=1) | by_existing
    assert result.covered_weight == pytest.approx(demand.weight[reached].sum())


@few
@given(seed=seeds, p=st.integers(1, 4), radius=st.sampled_from([150.0, 300.0]))
def test_presolve_does_not_change_the_optimum(seed, p, radius):
    demand, candidates, existing = random_case(seed, n=40, m=8, integer=False)
    instance = build_instance(demand, candidates, existing, max_m=500)
    on, off = mclp(instance, p, radius), mclp(instance, p, radius, presolve=False)
    assert on.objective == pytest.approx(off.objective)
    try:
        on = lscp(instance, radius, 0.3)
    except EngineInputError:
        return  # target out of reach here; that rule has its own test
    assert on.objective == lscp(instance, radius, 0.3, presolve=False).objective


def brute_lscp(demand, candidates, existing, radius, share):
    cover, by_existing = covered_matrix(demand, candidates, existing, radius)
    need = share * demand.weight.sum()
    for k in range(len(candidates) + 1):
        for c in combos(len(candidates), k):
            reached = cover[:, list(c)].any(axis=1) | by_existing
            if demand.weight[reached].sum() >= need - 1e-9:
                return k
    return None


@few
@given(
    seed=seeds, share=st.sampled_from([0.2, 0.5, 0.8, 1.0]), radius=st.sampled_from([300.0, 500.0])
)
def test_lscp_matches_brute_force(seed, share, radius):
    demand, candidates, existing = random_case(seed, m=6)
    instance = build_instance(demand, candidates, existing, max_m=600)
    expected = brute_lscp(demand, candidates, existing, radius, share)
    if expected is None:
        with pytest.raises(EngineInputError, match="objectif de couverture inatteignable"):
            lscp(instance, radius, share)
        return
    result = lscp(instance, radius, share)
    assert result.optimal
    assert result.objective == expected == len(result.selected)
    assert result.covered_weight >= share * demand.weight.sum() - 1e-9


def brute_p_median(demand, candidates, existing, p, cap):
    d_c, d_e = dense(demand, candidates), dense(demand, existing)
    best = np.inf
    for c in combos(len(candidates), p):
        nearest = np.min(np.column_stack([d_e, d_c[:, list(c)]]), axis=1, initial=np.inf)
        best = min(best, demand.weight @ np.minimum(nearest, cap))
    return best / demand.weight.sum()


@few
@given(
    seed=seeds,
    p=st.integers(1, 3),
    cap=st.sampled_from([200.0, 400.0, 2000.0]),
    existing=st.integers(0, 2),
)
def test_p_median_matches_brute_force(seed, p, cap, existing):
    demand, candidates, sites = random_case(seed, e=existing, integer=False)
    instance = build_instance(demand, candidates, sites, max_m=cap)
    result = p_median(instance, p)
    assert result.optimal
    assert result.objective == pytest.approx(brute_p_median(demand, candidates, sites, p, cap))


def brute_p_center(demand, candidates, existing, p):
    d_c, d_e = dense(demand, candidates), dense(demand, existing)
    positive = demand.weight > 0
    return min(
        np.min(np.column_stack([d_e, d_c[:, list(c)]]), axis=1)[positive].max()
        for c in combos(len(candidates), p)
    )


@few
@given(seed=seeds, p=st.integers(1, 4), existing=st.integers(0, 2))
def test_p_center_matches_brute_force(seed, p, existing):
    demand, candidates, sites = random_case(seed, e=existing)
    instance = build_instance(demand, candidates, sites, max_m=2000)
    result = p_center(instance, p)
    assert result.optimal
    assert result.objective == pytest.approx(brute_p_center(demand, candidates, sites, p))


def line(xs, weights=None, prefix="d"):
    xs = np.asarray(xs, dtype=float)
    return xs, np.zeros_like(xs), np.ones_like(xs) if weights is None else np.asarray(weights)


def test_radius_is_inclusive():
    # A 3-4-5 triangle: the point is exactly 500 m from the candidate.
    demand = Demand(ids=["a"], x=[300.0], y=[400.0], weight=[7.0])
    candidates = Sites(ids=["c"], x=[0.0], y=[0.0])
    instance = build_instance(demand, candidates, max_m=500)
    assert mclp(instance, 1, 500).objective == 7
    assert mclp(instance, 1, 499.999999).objective == 0


def test_existing_sites_are_fixed_and_their_demand_not_counted_as_new():
    demand = Demand(ids=["a", "b", "c"], x=[0.0, 1000, 2000], y=[0.0, 0, 0], weight=[5, 3, 4])
    candidates = Sites(ids=["near-a", "near-b", "near-c"], x=[10.0, 1010, 2010], y=[0.0, 0, 0])
    existing = Sites(ids=["open"], x=[0.0], y=[0.0])
    instance = build_instance(demand, candidates, existing, max_m=100)
    result = mclp(instance, 1, 100)
    assert result.selected == ("near-c",)
    assert result.objective == 4
    assert result.covered_weight == 9
    assert lscp(instance, 100, 1.0).selected == ("near-b", "near-c")
    # p-median: "a" is on the open site, so opening near-a would gain nothing.
    assert p_median(instance, 2).selected == ("near-b", "near-c")


def test_capacity_limits_what_a_site_serves():
    demand = Demand(ids=["a", "b"], x=[0.0, 50], y=[0.0, 0], weight=[10, 10])
    candidates = Sites(ids=["small", "big"], x=[0.0, 40], y=[0.0, 0], capacity=[5.0, 12.0])
    instance = build_instance(demand, candidates, max_m=100)
    result = mclp(instance, 1, 100)
    assert result.selected == ("big",)
    assert result.objective == pytest.approx(12)
    both = mclp(instance, 2, 100)
    assert both.objective == pytest.approx(17)
    assert lscp(instance, 100, 0.8).selected == ("small", "big")
    with pytest.raises(EngineInputError, match="inatteignable"):
        lscp(instance, 100, 0.9)


def served_with_capacity(weight, reach, capacity):
    """Max weight served by open sites within reach and capacity, by an LP."""
    pairs = np.argwhere(reach)
    if len(pairs) == 0:
        return 0.0
    n, m = reach.shape
    a = np.zeros((n + m, len(pairs)))
    a[pairs[:, 0], np.arange(len(pairs))] = 1
    a[n + pairs[:, 1], np.arange(len(pairs))] = weight[pairs[:, 0]]
    rhs = np.r_[np.ones(n), capacity]
    res = linprog(-weight[pairs[:, 0]], A_ub=a, b_ub=rhs, bounds=(0, 1), method="highs")
    return -res.fun


@settings(max_examples=20, deadline=None)
@given(seed=seeds, p=st.integers(1, 3))
def test_capacitated_mclp_matches_brute_force(seed, p):
    demand, candidates, existing = random_case(seed, n=12, m=5)
    rng = np.random.default_rng(seed)
    candidates = Sites(
        ids=candidates.ids,
        x=candidates.x,
        y=candidates.y,
        capacity=rng.integers(0, 40, len(candidates)).astype(float),
    )
    existing = Sites(ids=existing.ids, x=existing.x, y=existing.y, capacity=[15.0])
    radius = 350.0
    instance = build_instance(demand, candidates, existing, max_m=radius)
    reach = np.column_stack([dense(demand, candidates), dense(demand, existing)]) <= radius
    capacity = np.r_[candidates.capacity, existing.capacity]

    def served(open_candidates):
        columns = list(open_candidates) + [len(candidates)]
        return served_with_capacity(demand.weight, reach[:, columns], capacity[columns])

    baseline = served([])
    best = max(served(c) for c in combos(len(candidates), p))
    result = mclp(instance, p, radius)
    assert result.covered_weight == pytest.approx(best, abs=1e-6)
    assert result.objective == pytest.approx(best - baseline, abs=1e-6)


def test_p_larger_than_candidates_is_an_input_error(case):
    *_, instance = case
    with pytest.raises(EngineInputError, match="p = 8 dépasse le nombre de sites candidats"):
        mclp(instance, 8, 200)
    with pytest.raises(EngineInputError, match="p doit être positif"):
        p_median(instance, -1)


def test_infeasible_lscp_target_names_the_reachable_share():
    demand = Demand(ids=["a", "b"], x=[0.0, 5000], y=[0.0, 0], weight=[3, 1])
    candidates = Sites(ids=["c"], x=[0.0], y=[0.0])
    instance = build_instance(demand, candidates, max_m=100)
    with pytest.raises(EngineInputError) as error:
        lscp(instance, 100, 0.9)
    assert "90,0 % demandé, au plus 75,0 % atteignable" in str(error.value)
    assert lscp(instance, 100, 0.75).selected == ("c",)


def test_p_median_counts_demand_beyond_max_cost_at_the_cap():
    demand = Demand(ids=["a", "far"], x=[0.0, 10_000], y=[0.0, 0], weight=[1, 1])
    candidates = Sites(ids=["c"], x=[100.0], y=[0.0])
    result = p_median(build_instance(demand, candidates, max_m=1000), 1)
    assert result.objective == pytest.approx((100 + 1000) / 2)
    assert result.covered_weight == 1


def test_p_center_needs_reachable_demand():
    demand = Demand(ids=["a", "far"], x=[0.0, 10_000], y=[0.0, 0], weight=[1, 1])
    candidates = Sites(ids=["c"], x=[100.0], y=[0.0])
    with pytest.raises(EngineInputError, match="augmentez le coût maximal"):
        p_center(build_instance(demand, candidates, max_m=1000), 1)


def test_selection_is_in_input_order_and_time_limit_is_accepted(case):
    *_, instance = case
    result = mclp(instance, 3, 300, time_limit=5)
    assert list(result.selected_index) == sorted(result.selected_index)
    assert result.seconds >= 0
