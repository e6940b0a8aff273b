"""Greedy heuristics: starting solutions and bounds handed to the exact solver."""

from __future__ import annotations

import heapq

import numpy as np
from scipy import sparse


def greedy_cover(
    matrix: sparse.csr_array,
    weight: np.ndarray,
    *,
    max_count: int | None = None,
    target: float | None = None,
) -> list[int]:
    """Lazy greedy on a coverage matrix: repeatedly take the column covering the most
    uncovered weight, until max_count columns are taken or `target` weight is covered.

    Gains only shrink as rows get covered, so a stale heap entry is an upper bound and
    each pick needs few recomputations.
    """
    columns = sparse.csc_array(matrix)
    indptr, indices = columns.indptr, columns.indices
    covered = np.zeros(matrix.shape[0], dtype=bool)
    gains = np.asarray(columns.T @ weight, dtype=float)
    heap = [(-gain, j) for j, gain in enumerate(gains) if gain > 0]
    heapq.heapify(heap)
    chosen: list[int] = []
    covered_weight = 0.0
    while heap and (max_count is None or len(chosen) < max_count):
        if target is not None and covered_weight >= target:
            break
        _, j = heapq.heappop(heap)
        rows = indices[indptr[j] : indptr[j + 1]]
        fresh = rows[~covered[rows]]
        gain = float(weight[fresh].sum())
        if heap and gain < -heap[0][0]:
            if gain > 0:
                heapq.heappush(heap, (-gain, j))
            continue
        if gain <= 0:
            break
        chosen.append(j)
        covered[fresh] = True
        covered_weight += gain
    return chosen


def greedy_median(
    rows: np.ndarray,
    cols: np.ndarray,
    cost: np.ndarray,
    weight: np.ndarray,
    fallback: np.ndarray,
    n_columns: int,
    p: int,
) -> list[int]:
    """Greedy p-median: add the column that lowers the weighted cost most, p times.

    `fallback` is each row's cost with nothing opened (its nearest existing site, or the
    cost cap).
    """
    current = fallback.astype(float).copy()
    chosen: list[int] = []
    for _ in range(p):
        saving = np.bincount(
            cols, weights=weight[rows] * np.maximum(current[rows] - cost, 0.0), minlength=n_columns
        )
        saving[chosen] = -1.0
        best = int(np.argmax(saving))
        chosen.append(best)
        here = cols == best
        np.minimum.at(current, rows[here], cost[here])
    return chosen
