"""The p-median building blocks against brute force on small random instances."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.observatory.engine import build_instance, mclp, p_median
from maillage.observatory.engine.median import MedianPairs, interchange, lagrangian_bound
from maillage.observatory.engine.milp import Milp
from maillage.observatory.engine.siting import _fix_columns
from tests.observatory.engine.cases import combos, dense, random_case

seeds = st.integers(min_value=0, max_value=10**6)
few = settings(max_examples=40, deadline=None)


def pairs_of(seed, cap, existing, n=30, m=8):
    """MedianPairs as p_median builds them: pairs cheaper than each row's fallback."""
    demand, candidates, sites = random_case(seed, n=n, m=m, e=existing, integer=seed % 2 == 0)
    instance = build_instance(demand, candidates, sites, max_m=cap)
    fallback = np.minimum(instance.existing.nearest()[0], cap)
    rows, cols, cost = (
        instance.candidates.rows(),
        instance.candidates.indices,
        instance.candidates.cost,
    )
    useful = cost < fallback[rows]
    weight = demand.weight + 1.0  # positive, as p_median keeps only positive rows
    return MedianPairs.sorted(rows[useful], cols[useful], cost[useful], weight, fallback, m)


def all_totals(pairs, p):
    return {c: pairs.total(np.array(c, dtype=np.int64)) for c in combos(pairs.n_columns, p)}


@few
@given(seed=seeds, p=st.integers(1, 4), cap=st.sampled_from([250.0, 3000.0]))
def test_interchange_ends_on_a_local_optimum(seed, p, cap):
    pairs = pairs_of(seed, cap, existing=seed % 2)
    start = list(range(p))
    found = interchange(pairs, start)
    assert len(found) == p
    value = pairs.total(found)
    assert value <= pairs.total(np.array(start)) + 1e-9
    for out in found:
        for add in set(range(pairs.n_columns)) - set(found):
            swapped = np.r_[np.setdiff1d(found, [out]), add]
            assert pairs.total(swapped) >= value - 1e-6 * max(value, 1.0)


@few
@given(seed=seeds, p=st.integers(1, 4), cap=st.sampled_from([250.0, 600.0, 3000.0]))
def test_lagrangian_bound_and_fixing_keep_every_optimum(seed, p, cap):
    pairs = pairs_of(seed, cap, existing=seed % 3)
    totals = all_totals(pairs, p)
    best = min(totals.values())
    incumbent = interchange(pairs, list(range(p)))
    upper = pairs.total(incumbent)
    bound = lagrangian_bound(pairs, p, incumbent, upper)
    assert bound.value <= best + 1e-9 * max(best, 1.0)
    assert not (bound.fixed_open & bound.fixed_closed).any()
    # Whatever breaks a fixing costs more than the incumbent, so no optimum is lost.
    opened, closed = np.flatnonzero(bound.fixed_open), np.flatnonzero(bound.fixed_closed)
    for chosen, total in totals.items():
        if not set(opened) <= set(chosen) or set(closed) & set(chosen):
            assert total > upper


@few
@given(seed=seeds, p=st.integers(1, 4), data=st.data())
def test_fixed_problem_prices_every_consistent_choice_exactly(seed, p, data):
    pairs = pairs_of(seed, 600.0, existing=1)
    m = pairs.n_columns
    state = np.array(data.draw(st.lists(st.sampled_from("ofc"), min_size=m, max_size=m)))
    fixed_open, free = state == "o", state == "f"
    reduced = _fix_columns(pairs, fixed_open, free)
    k = p - int(fixed_open.sum())
    if k < 0 or k > int(free.sum()):
        return
    columns = np.flatnonzero(free)
    for chosen in combos(int(free.sum()), k):
        full = np.r_[np.flatnonzero(fixed_open), columns[list(chosen)]].astype(np.int64)
        assert reduced.total(np.array(chosen, dtype=np.int64)) == pytest.approx(pairs.total(full))


@settings(max_examples=60, deadline=None)
@given(seed=seeds, p=st.integers(1, 5), cap=st.sampled_from([200.0, 400.0, 3000.0]))
def test_p_median_on_more_candidates_matches_brute_force(seed, p, cap):
    # Enough candidates that interchange, bound, fixing and the MIP on free columns all
    # take their turn; the 10 m lattice makes ties, where fixing stops short.
    demand, candidates, sites = random_case(seed, n=40, m=10, e=seed % 3)
    instance = build_instance(demand, candidates, sites, max_m=cap)
    result = p_median(instance, p)
    assert result.optimal and len(result.selected) == p
    d_c, d_e = dense(demand, candidates), dense(demand, sites)
    brute = min(
        demand.weight @ np.minimum(np.min(np.c_[d_e, d_c[:, list(c)]], axis=1), cap)
        for c in combos(len(candidates), p)
    )
    assert result.objective * demand.weight.sum() == pytest.approx(brute, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize(("seed", "p", "radius"), [(12, 2, 400.0), (23, 3, 200.0), (31, 2, 250.0)])
def test_mclp_with_a_fractional_lp_goes_on_to_the_mip(seed, p, radius, monkeypatch):
    # These cases have a fractional LP optimum: the MIP must run and still be exact.
    mips = []
    solve = Milp.solve

    def counting(self, *args, **kwargs):
        mips.append(bool(self.integer.any()))
        return solve(self, *args, **kwargs)

    monkeypatch.setattr(Milp, "solve", counting)
    demand, candidates, existing = random_case(seed)
    result = mclp(build_instance(demand, candidates, existing, max_m=500), p, radius)
    assert mips == [False, True]
    cover = dense(demand, candidates) <= radius
    by_existing = (dense(demand, existing) <= radius).any(axis=1)
    brute = max(
        demand.weight[cover[:, list(c)].any(axis=1) & ~by_existing].sum()
        for c in combos(len(candidates), p)
    )
    assert result.optimal and result.objective == pytest.approx(brute)
