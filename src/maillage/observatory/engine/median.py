"""Uncapacitated p-median on sparse pairs: fast interchange and Lagrangian bound.

The pairs are (demand row, candidate column, cost), only those cheaper than the row's
fallback (its nearest existing site or the cost cap), sorted by row then cost. A row
with no open candidate pays its fallback. Together these prove most real instances
optimal without any MIP: the interchange finds the optimum, the Lagrangian bound (equal
to the LP bound at its best) closes every candidate in or out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

# A bound must beat the incumbent by this share before it fixes anything: float sums of
# the same terms in another order differ far less than this.
_FIXING_MARGIN = 1e-10


@dataclass(frozen=True)
class MedianPairs:
    rows: np.ndarray
    cols: np.ndarray
    cost: np.ndarray
    weight: np.ndarray  # per row, positive
    fallback: np.ndarray  # per row, may be inf
    n_columns: int

    @classmethod
    def sorted(cls, rows, cols, cost, weight, fallback, n_columns: int) -> MedianPairs:
        order = np.lexsort((cost, rows))
        return cls(rows[order], cols[order], cost[order], weight, fallback, n_columns)

    def nearest_two(self, is_open: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row: cost of the nearest open column (or the fallback), that column (-1 for
        the fallback), and the cost of the second nearest (or the fallback)."""
        here = is_open[self.cols]
        rows, cols, cost = self.rows[here], self.cols[here], self.cost[here]
        first = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
        nearest, column = self.fallback.astype(float), np.full(len(self.weight), -1)
        nearest[rows[first]], column[rows[first]] = cost[first], cols[first]
        second = self.fallback.astype(float)
        after = first + 1
        same = after < len(rows)
        same[same] = rows[after[same]] == rows[first[same]]
        second[rows[first[same]]] = cost[after[same]]
        return nearest, column, second

    def total(self, chosen: np.ndarray) -> float:
        is_open = np.zeros(self.n_columns, dtype=bool)
        is_open[chosen] = True
        return float(self.weight @ self.nearest_two(is_open)[0])


def interchange(pairs: MedianPairs, chosen: list[int] | np.ndarray) -> np.ndarray:
    """Teitz-Bart interchange, best swap first, evaluated all at once as in Whitaker's
    fast interchange: swapping out r and in c changes the cost by
    loss(r) - gain(c) - extra(c, r), where extra only involves rows served by r that c
    would serve better than their second nearest."""
    is_open = np.zeros(pairs.n_columns, dtype=bool)
    is_open[np.asarray(chosen, dtype=np.int64)] = True
    if is_open.all() or not is_open.any():
        return np.flatnonzero(is_open)
    rows, cols, cost, weight = pairs.rows, pairs.cols, pairs.cost, pairs.weight
    # An unserved row costs "big" here: a finite stand-in for an infinite fallback.
    big = 2 * float(np.max(cost, initial=0.0)) + 1
    while True:
        nearest, column, second = pairs.nearest_two(is_open)
        nearest, second = np.minimum(nearest, big), np.minimum(second, big)
        saving = weight[rows] * np.maximum(nearest[rows] - cost, 0.0)
        gain = np.bincount(cols, weights=saving, minlength=len(is_open))
        served = column >= 0
        loss = np.bincount(
            column[served],
            weights=weight[served] * (second[served] - nearest[served]),
            minlength=len(is_open),
        )
        opened = np.flatnonzero(is_open)
        slot = np.full(len(is_open), -1)
        slot[opened] = np.arange(len(opened))
        near = (column[rows] >= 0) & (cost < second[rows])
        r = rows[near]
        extra = np.zeros((len(is_open), len(opened)))
        np.add.at(
            extra,
            (cols[near], slot[column[r]]),
            weight[r] * (second[r] - np.maximum(cost[near], nearest[r])),
        )
        delta = loss[opened][None, :] - gain[:, None] - extra
        delta[opened] = np.inf
        c, k = np.unravel_index(np.argmin(delta), delta.shape)
        # Stop on no real improvement; the tolerance keeps float noise from cycling.
        if delta[c, k] >= -1e-12 * max(float(weight @ nearest), 1.0):
            return opened
        is_open[opened[k]] = False
        is_open[c] = True


@dataclass(frozen=True)
class MedianBound:
    """Lower bound on the weighted cost, and the columns it proves open or closed in
    every solution at least as good as the incumbent."""

    value: float
    fixed_open: np.ndarray  # bool per column
    fixed_closed: np.ndarray
    iterations: int
    multipliers: np.ndarray  # the best u, to start again from
    chosen: np.ndarray  # the p columns of the Lagrangian solution at the best u


def lagrangian_bound(
    pairs: MedianPairs,
    p: int,
    incumbent: np.ndarray,
    upper: float,
    *,
    target_gap: float = 0.0,
    max_iterations: int = 500,
    deadline: float | None = None,
    multipliers: np.ndarray | None = None,
) -> MedianBound:
    """Subgradient on the Lagrangian that relaxes "each row is served once".

    For multipliers u, L(u) = sum u_i + the p most negative column sums
    rho_j = sum_i min(0, w_i c_ij - u_i): a lower bound for every u. u_i is capped at
    w_i times a cost beyond the incumbent's second nearest column, so only pairs up to
    that cost can be negative and the rest are never read. Polyak steps towards the
    incumbent's value; the step halves (from the best u) after 10 steps without progress.
    Stops when every column is fixed, the gap is within target_gap, or the step vanishes.
    multipliers, when given, is where u starts (capped as above).
    """
    m = pairs.n_columns
    is_open = np.zeros(m, dtype=bool)
    is_open[incumbent] = True
    _, _, second = pairs.nearest_two(is_open)
    kept = pairs.cost <= second[pairs.rows]
    rows, cols = pairs.rows[kept], pairs.cols[kept]
    weighted = pairs.weight[rows] * pairs.cost[kept]
    cap = pairs.fallback.astype(float)  # the first cost left out, or the fallback
    np.minimum.at(cap, pairs.rows[~kept], pairs.cost[~kept])
    highest = np.zeros(len(pairs.weight))
    np.maximum.at(highest, rows, pairs.cost[kept])
    cap = pairs.weight * cap
    if multipliers is None:
        multipliers = pairs.weight * np.where(np.isfinite(second), second, highest)
    u = np.minimum(multipliers, cap)
    best_value, best_u, best_chosen = -np.inf, u, np.asarray(incumbent)
    fixed_open = fixed_closed = np.zeros(m, dtype=bool)
    step, stalled, iterations = 2.0, 0, 0
    margin = _FIXING_MARGIN * abs(upper)
    while iterations < max_iterations:
        iterations += 1
        rho = np.bincount(cols, weights=np.minimum(weighted - u[rows], 0.0), minlength=m)
        order = np.argpartition(rho, (p - 1, p))
        chosen = order[:p]
        value = float(u.sum() + rho[chosen].sum())
        if value > best_value + margin:
            best_value, best_u, best_chosen, stalled = value, u, chosen, 0
            # Bounds with one column forced the other way: swap it with the p-th or
            # (p+1)-th most negative column.
            in_set = np.zeros(m, dtype=bool)
            in_set[chosen] = True
            forced_open = value - rho[order[p - 1]] + rho
            forced_closed = value - rho + rho[order[p]]
            fixed_closed = ~in_set & (forced_open > upper + margin)
            fixed_open = in_set & (forced_closed > upper + margin)
            if (fixed_open | fixed_closed).all() or upper - value <= target_gap * abs(upper):
                break
        else:
            stalled += 1
            if stalled >= 10:
                step, stalled, u = step / 2, 0, best_u
                if step < 1e-3:
                    break
                continue
        if deadline is not None and time.perf_counter() > deadline:
            break
        served = np.zeros(m, dtype=bool)
        served[chosen] = True
        below = served[cols] & (weighted < u[rows])
        direction = 1.0 - np.bincount(rows, weights=below.astype(float), minlength=len(u))
        direction[(direction > 0) & (u >= cap)] = 0.0
        norm = float(direction @ direction)
        if norm == 0.0:
            break
        u = np.minimum(u + step * (upper - value) / norm * direction, cap)
    return MedianBound(
        best_value, fixed_open, fixed_closed, iterations, best_u, np.sort(best_chosen)
    )
