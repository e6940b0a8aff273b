"""Exact siting models on an Instance: MCLP, LSCP, p-median, p-center (HiGHS).

Existing sites are always open. Coverage is cost <= radius (see access.py). Every model
returns a SiteSelection whose objective is recomputed from the chosen sites on the full,
unreduced instance, so presolve can never leak into the figures.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from maillage.core.text import french_number

from .errors import EngineInputError
from .greedy import greedy_cover, greedy_median
from .instance import Instance
from .median import MedianPairs, interchange, lagrangian_bound
from .milp import Milp
from .presolve import merge_identical_rows, reduce_coverage

Progress = Callable[[str], None]

# Primal simplex from the greedy start, no presolve: the fastest way HiGHS solved the
# coverage LPs we measured (Hauts-de-Seine and Île-de-France benchmarks).
_PRIMAL_SIMPLEX: dict[str, bool | int | float | str] = {
    "solver": "simplex",
    "simplex_strategy": 4,
    "presolve": "off",
}
# Interchanges from a Lagrangian solution before the MIP takes over.
_LAGRANGIAN_RESTARTS = 3
# HiGHS's own MIP feasibility tolerance: an LP value this close to 0 or 1 is integral.
_INTEGRALITY_TOLERANCE = 1e-6


@dataclass(frozen=True)
class SiteSelection:
    """A model's answer.

    objective: MCLP newly covered weight (beyond existing sites); LSCP number of sites;
    p-median weighted mean cost over all demand; p-center worst cost over positive demand.
    covered_weight: weight served (coverage models: within the radius and, when capacitated,
    within capacity; p-median and p-center: with an open site within max_cost).
    selected: chosen candidate ids, in input order. optimal: proved by the solver (gap 0).
    """

    model: str
    objective: float
    covered_weight: float
    selected: tuple[str, ...]
    selected_index: tuple[int, ...]
    optimal: bool
    gap: float
    seconds: float
    total_weight: float
    stats: dict[str, float] = field(default_factory=dict)


def _silent(_: str) -> None:
    pass


def _percent(share: float) -> str:
    return f"{french_number(100 * share, 1)} %"


def _check_p(p: int, instance: Instance) -> None:
    if p < 0:
        raise EngineInputError(f"p doit être positif ou nul (reçu {p})")
    if p > instance.n_candidates:
        raise EngineInputError(
            f"p = {p} dépasse le nombre de sites candidats ({instance.n_candidates})"
        )


def _remaining(began: float, time_limit: float | None) -> float | None:
    return None if time_limit is None else time_limit - (time.perf_counter() - began)


def _remaining_after(time_limit: float | None, spent: float) -> float | None:
    return None if time_limit is None else time_limit - spent


def _fill(chosen: np.ndarray, p: int, n: int) -> np.ndarray:
    """Complete a selection to exactly p sites with the first unused candidates; they add
    nothing (dominated or useless), but a model asked for p sites answers with p."""
    chosen = np.unique(np.asarray(chosen, dtype=np.int64))
    if len(chosen) >= p:
        return chosen
    unused = np.setdiff1d(np.arange(n), chosen)[: p - len(chosen)]
    return np.sort(np.concatenate([chosen, unused]))


def _selection(
    model: str,
    instance: Instance,
    chosen: np.ndarray,
    objective: float,
    covered: float,
    optimal: bool,
    gap: float,
    began: float,
    stats: dict[str, float],
) -> SiteSelection:
    chosen = np.sort(np.asarray(chosen, dtype=np.int64))
    return SiteSelection(
        model=model,
        objective=float(objective),
        covered_weight=float(covered),
        selected=tuple(str(instance.candidate_ids[j]) for j in chosen),
        selected_index=tuple(int(j) for j in chosen),
        optimal=optimal,
        gap=0.0 if optimal and gap < 1e-9 else gap,
        seconds=time.perf_counter() - began,
        total_weight=float(instance.weight.sum()),
        stats=stats,
    )


def _covered_mask(cover: sparse.csr_array, chosen: np.ndarray, existing: sparse.csr_array):
    reached = np.diff(sparse.csr_array(existing).indptr) > 0
    if len(chosen):
        reached |= np.diff(sparse.csr_array(cover[:, np.asarray(chosen)]).indptr) > 0
    return reached


# -- MCLP ------------------------------------------------------------------------------


def mclp(
    instance: Instance,
    p: int,
    radius: float,
    *,
    time_limit: float | None = None,
    presolve: bool = True,
    mip_gap: float = 0.0,
    progress: Progress | None = None,
) -> SiteSelection:
    """Maximal covering: open p candidates to cover the most weight not yet covered."""
    began = time.perf_counter()
    progress = progress or _silent
    _check_p(p, instance)
    if instance.capacitated:
        return _capacitated_coverage(
            "mclp",
            instance,
            radius,
            p=p,
            target_share=None,
            time_limit=time_limit,
            mip_gap=mip_gap,
            began=began,
            progress=progress,
        )
    cover = instance.candidates.within(radius)
    existing = instance.existing.within(radius)
    core = reduce_coverage(cover, instance.weight, existing, presolve=presolve)
    rows, cols = core.matrix.shape
    stats = _core_stats(instance, core)
    progress(
        f"MCLP : {instance.n_demand} points → {rows} lignes, "
        f"{instance.n_candidates} → {cols} candidats utiles"
    )
    optimal, gap = True, 0.0
    if cols <= p:
        chosen_cols = np.arange(cols)
    else:
        start_cols = greedy_cover(core.matrix, core.weight, max_count=p)
        stats["greedy_objective"] = float(
            core.weight[np.diff(core.matrix[:, start_cols].indptr) > 0].sum()
        )
        progress(f"MCLP : solution gloutonne {stats['greedy_objective']:.0f}, résolution exacte")
        chosen_cols, optimal, gap = _solve_max_cover(
            core.matrix, core.weight, p, start_cols, _remaining(began, time_limit), mip_gap
        )
    chosen = _fill(core.columns[chosen_cols], p, instance.n_candidates)
    reached = _covered_mask(cover, chosen, existing)
    by_existing = np.diff(existing.indptr) > 0
    objective = instance.weight[reached & ~by_existing].sum()
    progress(f"MCLP : terminé, {'optimal' if optimal else f'écart {_percent(gap)}'}")
    return _selection(
        "mclp",
        instance,
        chosen,
        objective,
        instance.weight[reached].sum(),
        optimal,
        gap,
        began,
        stats,
    )


def _core_stats(instance: Instance, core) -> dict[str, float]:
    return {
        "demand_points": instance.n_demand,
        "demand_rows": core.demand_rows,
        "merged_rows": core.matrix.shape[0],
        "candidates": instance.n_candidates,
        "useful_candidates": core.matrix.shape[1],
        "covered_by_existing": core.covered_by_existing,
        "uncoverable": core.uncoverable,
    }


def _solve_max_cover(
    matrix: sparse.csr_array,
    weight: np.ndarray,
    p: int,
    start_cols: list[int],
    time_limit: float | None,
    mip_gap: float,
) -> tuple[np.ndarray, bool, float]:
    # Variables: y (one per column, binary) then z (one per row, in [0, 1]).
    # z_i <= sum of y over the columns covering row i; sum y = p; maximise sum w z.
    rows, cols = matrix.shape
    link = sparse.hstack([-sparse.csr_array(matrix, dtype=float), sparse.eye_array(rows)])
    count = sparse.csr_array(np.r_[np.ones(cols), np.zeros(rows)][None, :])
    start_y = np.zeros(cols)
    start_y[start_cols] = 1.0
    start = np.r_[start_y, np.minimum(matrix @ start_y, 1.0)]
    integer = np.r_[np.ones(cols, dtype=bool), np.zeros(rows, dtype=bool)]
    problem = Milp(
        cost=np.r_[np.zeros(cols), weight],
        matrix=sparse.vstack([link, count]).tocsr(),
        row_lower=np.r_[np.full(rows, -np.inf), p],
        row_upper=np.r_[np.zeros(rows), p],
        col_lower=np.zeros(cols + rows),
        col_upper=np.ones(cols + rows),
        integer=np.zeros_like(integer),
        maximize=True,
    )
    # Real coverage LPs are most often integral: an integral LP optimum is the MIP optimum,
    # found in a fraction of the MIP's time (no MIP presolve, probing, cuts or heuristics).
    relaxed = problem.solve(time_limit, 0.0, start, _PRIMAL_SIMPLEX)
    if relaxed.optimal and relaxed.x is not None:
        y = relaxed.x[:cols]
        chosen = np.flatnonzero(y > 0.5)
        reached = float(weight[np.diff(matrix[:, chosen].indptr) > 0].sum())
        integral = np.all(np.minimum(y, 1.0 - y) <= _INTEGRALITY_TOLERANCE)
        if integral and reached >= relaxed.objective - _INTEGRALITY_TOLERANCE * max(
            abs(relaxed.objective), 1.0
        ):
            return chosen, True, 0.0
    problem.integer = integer
    solution = problem.solve(_remaining_after(time_limit, relaxed.seconds), mip_gap, start)
    if solution.x is None:
        return np.asarray(start_cols, dtype=np.int64), False, float("inf")
    return np.flatnonzero(solution.x[:cols] > 0.5), solution.optimal, solution.gap


# -- LSCP ------------------------------------------------------------------------------


def lscp(
    instance: Instance,
    radius: float,
    target_share: float = 1.0,
    *,
    time_limit: float | None = None,
    presolve: bool = True,
    mip_gap: float = 0.0,
    progress: Progress | None = None,
) -> SiteSelection:
    """Location set covering: the fewest candidates so that at least target_share of the
    weight is covered (existing sites included). An unreachable target is an input error."""
    began = time.perf_counter()
    progress = progress or _silent
    if not 0 < target_share <= 1:
        raise EngineInputError(
            f"la part de population à couvrir doit être entre 0 et 1 (reçu {target_share:g})"
        )
    if instance.capacitated:
        return _capacitated_coverage(
            "lscp",
            instance,
            radius,
            p=None,
            target_share=target_share,
            time_limit=time_limit,
            mip_gap=mip_gap,
            began=began,
            progress=progress,
        )
    cover = instance.candidates.within(radius)
    existing = instance.existing.within(radius)
    core = reduce_coverage(cover, instance.weight, existing, presolve=presolve)
    total = float(instance.weight.sum())
    # Float sums of the same weights in another order differ in the last bits: allow that.
    slack = 1e-9 * max(total, 1.0)
    need = target_share * total - core.covered_by_existing
    reachable = core.covered_by_existing + float(core.weight.sum())
    if target_share * total > reachable + slack:
        raise EngineInputError(
            f"objectif de couverture inatteignable : {_percent(target_share)} demandé, "
            f"au plus {_percent(reachable / total if total else 0.0)} atteignable "
            f"avec tous les sites candidats dans un rayon de {radius:g}"
        )
    stats = _core_stats(instance, core)
    progress(f"LSCP : {core.matrix.shape[0]} lignes, {core.matrix.shape[1]} candidats utiles")
    optimal, gap = True, 0.0
    if need <= slack:
        chosen_cols = np.empty(0, dtype=np.int64)
    else:
        start_cols = greedy_cover(core.matrix, core.weight, target=need - slack)
        stats["greedy_objective"] = len(start_cols)
        chosen_cols, optimal, gap = _solve_set_cover(
            core.matrix,
            core.weight,
            need - slack,
            start_cols,
            _remaining(began, time_limit),
            mip_gap,
        )
    chosen = core.columns[chosen_cols]
    reached = _covered_mask(cover, chosen, existing)
    return _selection(
        "lscp",
        instance,
        chosen,
        len(chosen),
        instance.weight[reached].sum(),
        optimal,
        gap,
        began,
        stats,
    )


def _solve_set_cover(
    matrix: sparse.csr_array,
    weight: np.ndarray,
    need: float,
    start_cols: list[int],
    time_limit: float | None,
    mip_gap: float,
) -> tuple[np.ndarray, bool, float]:
    rows, cols = matrix.shape
    start_y = np.zeros(cols)
    start_y[start_cols] = 1.0
    covers = sparse.csr_array(matrix, dtype=float)
    if need >= float(weight.sum()) - 1e-9 * max(float(weight.sum()), 1.0):
        # Everything must be covered: plain set cover rows, the tightest form.
        problem = Milp(
            cost=np.ones(cols),
            matrix=covers,
            row_lower=np.ones(rows),
            row_upper=np.full(rows, np.inf),
            col_lower=np.zeros(cols),
            col_upper=np.ones(cols),
            integer=np.ones(cols, dtype=bool),
        )
        start = start_y
    else:
        # Partial cover: y then z; z_i <= sum y over row i; sum w z >= need.
        link = sparse.hstack([-covers, sparse.eye_array(rows)])
        share = sparse.csr_array(np.r_[np.zeros(cols), weight][None, :])
        problem = Milp(
            cost=np.r_[np.ones(cols), np.zeros(rows)],
            matrix=sparse.vstack([link, share]).tocsr(),
            row_lower=np.r_[np.full(rows, -np.inf), need],
            row_upper=np.r_[np.zeros(rows), np.inf],
            col_lower=np.zeros(cols + rows),
            col_upper=np.ones(cols + rows),
            integer=np.r_[np.ones(cols, dtype=bool), np.zeros(rows, dtype=bool)],
        )
        start = np.r_[start_y, np.minimum(covers @ start_y, 1.0)]
    solution = problem.solve(time_limit, mip_gap, start)
    if solution.x is None:
        return np.asarray(start_cols, dtype=np.int64), False, float("inf")
    return np.flatnonzero(solution.x[:cols] > 0.5), solution.optimal, solution.gap


# -- capacitated coverage (MCLP and LSCP) ---------------------------------------------


def _capacitated_coverage(
    model: str,
    instance: Instance,
    radius: float,
    *,
    p: int | None,
    target_share: float | None,
    time_limit: float | None,
    mip_gap: float,
    began: float,
    progress: Progress,
) -> SiteSelection:
    """Coverage with capacities: demand is served (fractionally) by open sites within the
    radius, each serving at most its capacity. Existing sites also have limited room, so
    here demand near them is not presolved away."""
    cap_c, cap_e = instance.capacities()
    m = instance.n_candidates
    both = sparse.hstack(
        [instance.candidates.within(radius), instance.existing.within(radius)]
    ).tocsr()
    keep = (instance.weight > 0) & (np.diff(both.indptr) > 0)
    pattern, weight = both[keep], instance.weight[keep]
    if pattern.shape[0]:
        pattern, weight = merge_identical_rows(pattern, weight)
    progress(f"{model.upper()} avec capacités : {pattern.shape[0]} lignes")
    served_p = _served_model(pattern, weight, m, cap_c, cap_e)
    total = float(instance.weight.sum())
    if model == "mclp":
        assert p is not None  # mclp always names p
        baseline = served_p.solve_with(np.zeros(m), exact_count=0, time_limit=None, mip_gap=0)
        solution = served_p.solve_with(
            None, exact_count=p, time_limit=_remaining(began, time_limit), mip_gap=mip_gap
        )
        served = solution.objective
        objective = served - baseline.objective
    else:
        assert target_share is not None  # lscp always names its share
        need = target_share * total
        solution = served_p.solve_min_sites(
            need * (1 - 1e-12), _remaining(began, time_limit), mip_gap
        )
        if solution.infeasible:
            best = served_p.solve_with(np.ones(m), exact_count=None, time_limit=None, mip_gap=0)
            raise EngineInputError(
                f"objectif de couverture inatteignable : {_percent(target_share)} demandé, "
                f"au plus {_percent(best.objective / total if total else 0.0)} atteignable "
                f"avec tous les sites candidats et leurs capacités"
            )
        served = served_p.served(solution.x)
    if solution.x is None:
        raise EngineInputError("aucune solution trouvée dans le temps imparti")
    chosen = np.flatnonzero(solution.x[:m] > 0.5)
    if model == "mclp" and p is not None:
        chosen = _fill(chosen, p, m)
    else:
        objective = len(chosen)
    return _selection(
        model,
        instance,
        chosen,
        objective,
        served,
        solution.optimal,
        solution.gap,
        began,
        {"rows": pattern.shape[0]},
    )


@dataclass(frozen=True)
class _ServedModel:
    """Variables: y (candidates, binary), then x (one per demand-site pair within reach,
    the share of the row's weight served there). Rows: each demand row served at most
    once; x <= y on candidate pairs; served weight within each finite capacity."""

    matrix: sparse.csr_array
    row_upper: np.ndarray
    n_candidates: int
    pair_weight: np.ndarray

    def _problem(self, cost, col_lower, col_upper, extra=None, lower=None, upper=None) -> Milp:
        matrix, row_lower, row_upper = (
            self.matrix,
            np.full(len(self.row_upper), -np.inf),
            self.row_upper,
        )
        if extra is not None:
            matrix = sparse.vstack([matrix, sparse.csr_array(extra[None, :])]).tocsr()
            row_lower, row_upper = np.r_[row_lower, lower], np.r_[row_upper, upper]
        integer = np.zeros(len(cost), dtype=bool)
        integer[: self.n_candidates] = True
        return Milp(
            cost=cost,
            matrix=matrix,
            row_lower=row_lower,
            row_upper=row_upper,
            col_lower=col_lower,
            col_upper=col_upper,
            integer=integer,
            maximize=False,
        )

    def served(self, x: np.ndarray | None) -> float:
        return 0.0 if x is None else float(self.pair_weight @ x[self.n_candidates :])

    def solve_with(self, fixed_y, *, exact_count, time_limit, mip_gap):
        m = self.n_candidates
        n_cols = m + len(self.pair_weight)
        lower, upper = np.zeros(n_cols), np.ones(n_cols)
        if fixed_y is not None:
            lower[:m] = upper[:m] = fixed_y
        count = np.r_[np.ones(m), np.zeros(len(self.pair_weight))]
        problem = self._problem(
            np.r_[np.zeros(m), self.pair_weight],
            lower,
            upper,
            count if exact_count is not None else None,
            exact_count,
            exact_count,
        )
        problem.maximize = True
        return problem.solve(time_limit, mip_gap)

    def solve_min_sites(self, need, time_limit, mip_gap):
        m = self.n_candidates
        n_cols = m + len(self.pair_weight)
        problem = self._problem(
            np.r_[np.ones(m), np.zeros(len(self.pair_weight))],
            np.zeros(n_cols),
            np.ones(n_cols),
            np.r_[np.zeros(m), self.pair_weight],
            need,
            np.inf,
        )
        return problem.solve(time_limit, mip_gap)


def _served_model(pattern, weight, m, cap_c, cap_e) -> _ServedModel:
    pattern = sparse.coo_array(pattern)
    pair_row, pair_site = pattern.row.astype(np.int64), pattern.col.astype(np.int64)
    n_rows, n_pairs = pattern.shape[0], len(pair_row)
    pair_weight = weight[pair_row]
    x = m + np.arange(n_pairs)
    blocks_r, blocks_c, blocks_v, upper = [], [], [], []
    # sum_j x_ij <= 1
    blocks_r.append(pair_row)
    blocks_c.append(x)
    blocks_v.append(np.ones(n_pairs))
    upper.append(np.ones(n_rows))
    offset = n_rows
    # x_ij - y_j <= 0 for candidate pairs
    on_candidate = np.flatnonzero(pair_site < m)
    k = np.arange(len(on_candidate)) + offset
    blocks_r += [k, k]
    blocks_c += [x[on_candidate], pair_site[on_candidate]]
    blocks_v += [np.ones(len(k)), -np.ones(len(k))]
    upper.append(np.zeros(len(k)))
    offset += len(k)
    # sum_i w_i x_ij - C_j y_j <= 0 (candidates), sum_i w_i x_ij <= C_j (existing)
    capacity = np.r_[cap_c, cap_e]
    limited = np.flatnonzero(np.isfinite(capacity))
    row_of_site = np.full(len(capacity), -1)
    row_of_site[limited] = offset + np.arange(len(limited))
    in_limited = row_of_site[pair_site] >= 0
    blocks_r.append(row_of_site[pair_site[in_limited]])
    blocks_c.append(x[in_limited])
    blocks_v.append(pair_weight[in_limited])
    limited_candidates = limited[limited < m]
    blocks_r.append(row_of_site[limited_candidates])
    blocks_c.append(limited_candidates)
    blocks_v.append(-capacity[limited_candidates])
    upper.append(np.where(limited < m, 0.0, capacity[limited]))
    offset += len(limited)
    matrix = sparse.csr_array(
        (np.concatenate(blocks_v), (np.concatenate(blocks_r), np.concatenate(blocks_c))),
        shape=(offset, m + n_pairs),
    )
    return _ServedModel(
        matrix=matrix, row_upper=np.concatenate(upper), n_candidates=m, pair_weight=pair_weight
    )


# -- p-median --------------------------------------------------------------------------


def p_median(
    instance: Instance,
    p: int,
    *,
    time_limit: float | None = None,
    mip_gap: float = 0.0,
    progress: Progress | None = None,
) -> SiteSelection:
    """Open p candidates to minimise the weighted mean cost to the nearest open site.

    Costs are capped at the instance's max_cost: a demand point with no open site within
    it counts at max_cost (its true cost is at least that) and is not in covered_weight.
    With max_cost beyond every distance this is the classic p-median. Without capacities
    each point goes to its nearest open site; with capacities, to open sites with room.
    """
    began = time.perf_counter()
    progress = progress or _silent
    _check_p(p, instance)
    m = instance.n_candidates
    cap = instance.max_cost
    rows = instance.candidates.rows()
    cols = instance.candidates.indices
    cost = instance.candidates.cost
    if instance.capacitated:
        cap_c, cap_e = instance.capacities()
        fallback = np.full(instance.n_demand, cap)
        rows = np.r_[rows, instance.existing.rows()]
        cols = np.r_[cols, instance.existing.indices + m]
        cost = np.r_[cost, instance.existing.cost]
        capacity = np.r_[cap_c, cap_e]
    else:
        # Existing sites are always open: a point's fallback is its nearest existing site
        # (or the cap), and only candidates strictly nearer than that matter.
        nearest_existing, _ = instance.existing.nearest()
        fallback = np.minimum(nearest_existing, cap)
        useful = cost < fallback[rows]
        rows, cols, cost = rows[useful], cols[useful], cost[useful]
        capacity = np.full(m, np.inf)
    positive = instance.weight > 0
    has_pair = np.bincount(rows, minlength=instance.n_demand) > 0
    if np.any(positive & ~has_pair & ~np.isfinite(fallback)):
        raise EngineInputError(
            "un point de demande n'a aucun site accessible : donnez un coût maximal fini"
        )
    # Points with no useful pair keep their fallback cost whatever is opened: constants.
    active = positive & has_pair
    pair_ok = active[rows]
    rows, cols, cost = rows[pair_ok], cols[pair_ok], cost[pair_ok]
    row_ids = np.flatnonzero(active)
    new_row = np.full(instance.n_demand, -1)
    new_row[row_ids] = np.arange(len(row_ids))
    progress(f"p-médiane : {len(row_ids)} points, {len(rows)} couples point-site")
    stats: dict[str, float] = {"pairs": len(rows), "rows": len(row_ids)}
    if instance.capacitated:
        x, optimal, gap = _solve_median(
            new_row[rows],
            cols,
            cost,
            instance.weight[row_ids],
            fallback[row_ids],
            capacity,
            m,
            p,
            _remaining(began, time_limit),
            mip_gap,
            started=False,
        )
        chosen = np.flatnonzero(x[:m] > 0.5)
    else:
        pairs = MedianPairs.sorted(
            new_row[rows], cols, cost, instance.weight[row_ids], fallback[row_ids], m
        )
        chosen, optimal, gap = _solve_median_uncapacitated(
            pairs, p, began, time_limit, mip_gap, progress, stats
        )
    total = float(instance.weight.sum())
    if instance.capacitated:
        n_pairs = len(rows)
        weight = instance.weight[row_ids]
        unserved = np.ones(instance.n_demand)
        unserved[row_ids] = x[m + n_pairs :]
        weighted = float(
            (weight[new_row[rows]] * cost) @ x[m : m + n_pairs]
            + (instance.weight * np.where(np.isfinite(fallback), fallback, 0.0)) @ unserved
        )
        served = total - float(instance.weight @ unserved)
    else:
        nearest = _nearest_open(instance, chosen, capped=False)
        weighted = float(instance.weight[positive] @ np.minimum(nearest, cap)[positive])
        served = float(instance.weight[nearest <= cap].sum())
    objective = weighted / total if total else 0.0
    return _selection(
        "p-median",
        instance,
        chosen,
        objective,
        served,
        optimal,
        gap,
        began,
        stats,
    )


def _solve_median_uncapacitated(
    pairs: MedianPairs,
    p: int,
    began: float,
    time_limit: float | None,
    mip_gap: float,
    progress: Progress,
    stats: dict[str, float],
) -> tuple[np.ndarray, bool, float]:
    """Greedy then interchange for an incumbent, the Lagrangian bound to prove it or fix
    columns, and the exact MIP only on the columns left free."""
    m = pairs.n_columns
    if p == 0 or p >= m:
        return np.arange(min(p, m)), True, 0.0
    big = np.where(
        np.isfinite(pairs.fallback), pairs.fallback, np.max(pairs.cost, initial=0.0) * 2 + 1
    )
    start = greedy_median(pairs.rows, pairs.cols, pairs.cost, pairs.weight, big, m, p)
    stats["greedy_objective"] = pairs.total(np.asarray(start))
    incumbent = interchange(pairs, start)
    upper = pairs.total(incumbent)
    stats["interchange_objective"] = upper
    if not np.isfinite(upper):  # some row unserved at an infinite cost: no bound to use
        return _solve_median_free(pairs, p, began, time_limit, mip_gap, progress)
    deadline = None if time_limit is None else began + time_limit
    bound = lagrangian_bound(pairs, p, incumbent, upper, target_gap=mip_gap, deadline=deadline)
    iterations = bound.iterations
    free = ~(bound.fixed_open | bound.fixed_closed)
    # Lagrangian heuristic: a bound that stalls short of the incumbent often means the
    # incumbent is poor; interchange from the Lagrangian solution, and go on from the
    # best multipliers with the better target.
    for _ in range(_LAGRANGIAN_RESTARTS):
        if not free.any() or _gap(upper, bound.value) <= mip_gap:
            break
        better = interchange(pairs, bound.chosen)
        if pairs.total(better) >= upper:
            break
        incumbent, upper = better, pairs.total(better)
        bound = lagrangian_bound(
            pairs,
            p,
            incumbent,
            upper,
            target_gap=mip_gap,
            deadline=deadline,
            multipliers=bound.multipliers,
        )
        iterations += bound.iterations
        free = ~(bound.fixed_open | bound.fixed_closed)
    stats["lagrangian_objective"] = upper
    stats["lagrangian_bound"] = bound.value
    stats["lagrangian_iterations"] = iterations
    gap = _gap(upper, bound.value)
    stats["free_candidates"] = int(free.sum())
    progress(
        f"p-médiane : solution {upper:.6g}, borne {bound.value:.6g}, "
        f"{int(free.sum())} candidats non fixés"
    )
    if not free.any() or gap <= mip_gap:
        return incumbent, True, 0.0 if not free.any() else gap
    chosen, optimal, gap = _solve_median_free(
        _fix_columns(pairs, bound.fixed_open, free),
        p - int(bound.fixed_open.sum()),
        began,
        time_limit,
        mip_gap,
        progress,
    )
    chosen = np.sort(np.r_[np.flatnonzero(bound.fixed_open), np.flatnonzero(free)[chosen]])
    if not optimal and pairs.total(incumbent) < pairs.total(chosen):
        return incumbent, False, gap
    return chosen, optimal, gap


def _gap(upper: float, lower: float) -> float:
    return max(upper - lower, 0.0) / upper if upper > 0 else 0.0


def _fix_columns(pairs: MedianPairs, fixed_open: np.ndarray, free: np.ndarray) -> MedianPairs:
    """The problem on the free columns only (renumbered): the columns fixed open become
    part of each row's fallback, and pairs no cheaper than it go."""
    fallback = pairs.fallback.astype(float)
    here = fixed_open[pairs.cols]
    np.minimum.at(fallback, pairs.rows[here], pairs.cost[here])
    keep = free[pairs.cols] & (pairs.cost < fallback[pairs.rows])
    number = np.cumsum(free) - 1
    return MedianPairs(
        pairs.rows[keep],
        number[pairs.cols[keep]],
        pairs.cost[keep],
        pairs.weight,
        fallback,
        int(free.sum()),
    )


def _solve_median_free(
    pairs: MedianPairs,
    p: int,
    began: float,
    time_limit: float | None,
    mip_gap: float,
    progress: Progress,
) -> tuple[np.ndarray, bool, float]:
    """Exact p-median on these pairs with HiGHS. Rows without pairs pay their fallback
    whatever is opened: constants, left out."""
    m = pairs.n_columns
    if p == 0 or p >= m:
        return np.arange(min(p, m)), True, 0.0
    rows_used = np.unique(pairs.rows)
    number = np.full(len(pairs.weight), -1)
    number[rows_used] = np.arange(len(rows_used))
    x, optimal, gap = _solve_median_nearest(
        number[pairs.rows],
        pairs.cols,
        pairs.cost,
        pairs.weight[rows_used],
        pairs.fallback[rows_used],
        m,
        p,
        began,
        time_limit,
        mip_gap,
        progress,
    )
    return np.flatnonzero(x[:m] > 0.5), optimal, gap


def _solve_median_nearest(
    rows: np.ndarray,
    cols: np.ndarray,
    cost: np.ndarray,
    weight: np.ndarray,
    fallback: np.ndarray,
    m: int,
    p: int,
    began: float,
    time_limit: float | None,
    mip_gap: float,
    progress: Progress,
) -> tuple[np.ndarray, bool, float]:
    """Uncapacitated p-median on each point's k nearest candidates, widened until exact.

    Keeping a point's k nearest pairs and pricing "none of them open" at the (k+1)-th cost
    gives a lower bound of the full problem. When the chosen sites cost exactly that bound
    on the full pairs, they are optimal for the full problem; otherwise the points whose
    true cost exceeds their bound get twice the pairs and the model is solved again.
    """
    order = np.lexsort((cost, rows))
    rows, cols, cost = rows[order], cols[order], cost[order]
    starts = np.searchsorted(rows, np.arange(len(weight)))
    rank = np.arange(len(rows)) - starts[rows]
    length = np.bincount(rows, minlength=len(weight))
    k = np.minimum(length, max(4, -(-2 * m // max(p, 1))))
    while True:
        keep = rank < k[rows]
        # Cost of the first pair left out, or the fallback when every pair is kept.
        bound = np.where(k < length, cost[np.minimum(starts + k, len(cost) - 1)], fallback)
        bound = np.minimum(bound, fallback)
        x, optimal, gap = _solve_median(
            rows[keep],
            cols[keep],
            cost[keep],
            weight,
            bound,
            np.full(m, np.inf),
            m,
            p,
            _remaining(began, time_limit),
            mip_gap,
            started=True,
        )
        if not optimal:
            return x, optimal, gap
        is_open = x[:m] > 0.5
        true_cost = fallback.astype(float).copy()
        open_pair = is_open[cols]
        np.minimum.at(true_cost, rows[open_pair], cost[open_pair])
        relaxed = bound.astype(float).copy()
        open_kept = open_pair & keep
        np.minimum.at(relaxed, rows[open_kept], cost[open_kept])
        short = true_cost > relaxed
        if not short.any():
            return x, True, 0.0
        k = np.where(short, np.minimum(length, 2 * k), k)
        progress(f"p-médiane : {int(short.sum())} points élargis, {int(k.sum())} couples")


def _nearest_open(instance: Instance, chosen: np.ndarray, capped: bool = True) -> np.ndarray:
    """Cost from each point to its nearest open site (existing or chosen), inf if none
    within max_cost, capped at max_cost when asked."""
    best, _ = instance.existing.nearest()
    rows = instance.candidates.rows()
    is_open = np.zeros(instance.n_candidates, dtype=bool)
    is_open[chosen] = True
    here = is_open[instance.candidates.indices]
    np.minimum.at(best, rows[here], instance.candidates.cost[here])
    return np.minimum(best, instance.max_cost) if capped else best


def _solve_median(
    rows: np.ndarray,
    cols: np.ndarray,
    cost: np.ndarray,
    weight: np.ndarray,
    fallback: np.ndarray,
    capacity: np.ndarray,
    m: int,
    p: int,
    time_limit: float | None,
    mip_gap: float,
    *,
    started: bool,
) -> tuple[np.ndarray, bool, float]:
    # Variables: y (m candidates, binary), x (one per pair), u (one per row: unserved, at
    # the fallback cost). sum_j x_ij + u_i = 1; x_ij <= y_j on candidate pairs;
    # capacity rows where finite; sum y = p. Minimise sum w (c x + f u).
    n_rows, n_pairs = len(weight), len(rows)
    x = m + np.arange(n_pairs)
    u = m + n_pairs + np.arange(n_rows)
    on_candidate = np.flatnonzero(cols < m)
    k = n_rows + np.arange(len(on_candidate))
    limited = np.flatnonzero(np.isfinite(capacity))
    cap_row = np.full(len(capacity), -1)
    cap_row[limited] = n_rows + len(k) + np.arange(len(limited))
    in_limited = cap_row[cols] >= 0
    count_row = n_rows + len(k) + len(limited)
    limited_candidates = limited[limited < m]
    r = np.concatenate(
        [
            rows,
            np.arange(n_rows),
            k,
            k,
            cap_row[cols[in_limited]],
            cap_row[limited_candidates],
            np.full(m, count_row),
        ]
    )
    c = np.concatenate(
        [x, u, x[on_candidate], cols[on_candidate], x[in_limited], limited_candidates, np.arange(m)]
    )
    v = np.concatenate(
        [
            np.ones(n_pairs),
            np.ones(n_rows),
            np.ones(len(k)),
            -np.ones(len(k)),
            weight[rows[in_limited]],
            -capacity[limited_candidates],
            np.ones(m),
        ]
    )
    matrix = sparse.csr_array((v, (r, c)), shape=(count_row + 1, m + n_pairs + n_rows))
    finite_fallback = np.isfinite(fallback)
    problem = Milp(
        cost=np.r_[
            np.zeros(m),
            weight[rows] * cost,
            np.where(finite_fallback, weight * np.where(finite_fallback, fallback, 0), 0),
        ],
        matrix=matrix,
        row_lower=np.r_[np.ones(n_rows), np.full(len(k) + len(limited), -np.inf), p],
        row_upper=np.r_[
            np.ones(n_rows), np.zeros(len(k)), np.where(limited < m, 0.0, capacity[limited]), p
        ],
        col_lower=np.zeros(m + n_pairs + n_rows),
        col_upper=np.r_[np.ones(m + n_pairs), finite_fallback.astype(float)],
        integer=np.r_[np.ones(m, dtype=bool), np.zeros(n_pairs + n_rows, dtype=bool)],
    )
    start = None
    if started:
        big = np.where(finite_fallback, fallback, np.max(cost, initial=0.0) * 2 + 1)
        chosen = greedy_median(rows, cols, cost, weight, big, m, p)
        start = _median_start(rows, cols, cost, fallback, chosen, m, n_rows)
    solution = problem.solve(time_limit, mip_gap, start)
    if solution.x is None:
        if start is None:
            raise EngineInputError("aucune solution trouvée dans le temps imparti")
        return start, False, float("inf")
    return solution.x, solution.optimal, solution.gap


def _median_start(rows, cols, cost, fallback, chosen, m, n_rows) -> np.ndarray:
    """Assign each row to its nearest chosen column, or to the fallback when none is
    nearer, as a full start vector for the solver."""
    n_pairs = len(rows)
    start = np.zeros(m + n_pairs + n_rows)
    start[chosen] = 1.0
    is_open = start[:m][cols] > 0
    best = fallback.astype(float).copy()
    np.minimum.at(best, rows[is_open], cost[is_open])
    pick = np.full(n_rows, -1)
    candidates = np.flatnonzero(is_open & (cost == best[rows]) & (cost < fallback[rows]))
    pick[rows[candidates[::-1]]] = candidates[::-1]  # first pair per row wins
    served = pick >= 0
    start[m + pick[served]] = 1.0
    start[m + n_pairs + np.flatnonzero(~served)] = 1.0
    return start


# -- p-center --------------------------------------------------------------------------


def p_center(
    instance: Instance,
    p: int,
    *,
    time_limit: float | None = None,
    progress: Progress | None = None,
) -> SiteSelection:
    """Open p candidates to minimise the worst cost from a point of positive weight to its
    nearest open site. Binary search on the sorted distinct costs; a radius is feasible
    when a set cover with at most p candidates exists (greedy first, then exact)."""
    began = time.perf_counter()
    progress = progress or _silent
    _check_p(p, instance)
    if instance.capacitated:
        raise EngineInputError("le p-centre ne prend pas en compte les capacités des sites")
    positive = instance.weight > 0
    total = float(instance.weight.sum())
    nearest = np.minimum(instance.candidates.nearest()[0], instance.existing.nearest()[0])
    if np.any(~np.isfinite(nearest[positive])):
        raise EngineInputError(
            f"des points de demande n'ont aucun site à moins de {instance.max_cost:g} : "
            "augmentez le coût maximal"
        )
    if not positive.any():
        return _selection(
            "p-center",
            instance,
            _fill(np.empty(0), p, instance.n_candidates),
            0.0,
            total,
            True,
            0.0,
            began,
            {},
        )
    lower = float(nearest[positive].max())  # no answer beats every point's nearest site
    values = np.unique(np.r_[instance.candidates.cost, instance.existing.cost])
    values = values[values >= lower]
    proven = True

    def feasible(radius: float) -> np.ndarray | None:
        nonlocal proven
        weight = positive.astype(float)  # every positive point counts the same here
        core = reduce_coverage(
            instance.candidates.within(radius), weight, instance.existing.within(radius)
        )
        if core.uncoverable > 0:
            return None
        if core.matrix.shape[0] == 0:
            return np.empty(0, dtype=np.int64)
        start = greedy_cover(core.matrix, core.weight)
        if len(start) <= p:
            return core.columns[start]
        cols, optimal, _ = _solve_set_cover(
            core.matrix,
            core.weight,
            float(core.weight.sum()),
            start,
            _remaining(began, time_limit),
            0.0,
        )
        proven = proven and optimal
        return core.columns[cols] if len(cols) <= p else None

    lo, hi = 0, len(values) - 1
    best = feasible(values[hi])
    if best is None:
        raise EngineInputError(
            f"aucun choix de {p} sites ne dessert tous les points à moins de "
            f"{instance.max_cost:g} : augmentez le coût maximal ou p"
        )
    while lo < hi:
        mid = (lo + hi) // 2
        found = feasible(values[mid])
        if found is None:
            lo = mid + 1
        else:
            best, hi = found, mid
        progress(f"p-centre : rayon entre {values[lo]:g} et {values[hi]:g}")
    chosen = _fill(best, p, instance.n_candidates)
    objective = float(_nearest_open(instance, chosen, capped=False)[positive].max())
    return _selection(
        "p-center",
        instance,
        chosen,
        objective,
        total,
        proven,
        0.0 if proven else float("inf"),
        began,
        {"radii": len(values)},
    )
