"""Reductions for the coverage models (MCLP, LSCP) that keep the optimum unchanged.

Applied in order on the uncapacitated coverage matrix (demand x candidates):
1. drop demand already covered by an existing site (nothing to gain there),
2. drop demand no candidate covers and demand of weight zero,
3. drop dominated candidates: one whose covered set is inside another's (ties: keep the
   first in input order); swapping it for its dominator never loses coverage,
4. merge demand rows covered by exactly the same candidates, summing their weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class CoverageCore:
    """The reduced problem: rows are merged demand, columns are kept candidates."""

    matrix: sparse.csr_array  # bool, rows x kept candidates, sorted indices
    weight: np.ndarray  # merged weight per row
    columns: np.ndarray  # original candidate index of each column
    covered_by_existing: float  # weight already covered before any candidate
    uncoverable: float  # positive weight no candidate nor existing site covers
    demand_rows: int  # rows before merging (after steps 1-2)


def reduce_coverage(
    cover: sparse.csr_array,
    weight: np.ndarray,
    existing_cover: sparse.csr_array,
    *,
    presolve: bool = True,
) -> CoverageCore:
    """Steps 1-4 above; with presolve=False only steps 1-2 (the model needs them anyway)."""
    by_existing = np.diff(sparse.csr_array(existing_cover).indptr) > 0
    cover = sparse.csr_array(cover)
    reachable = np.diff(cover.indptr) > 0
    positive = weight > 0
    keep_rows = positive & ~by_existing & reachable
    matrix = cover[keep_rows]
    row_weight = weight[keep_rows]
    columns = np.arange(cover.shape[1])
    if presolve and matrix.shape[0]:
        keep_cols = undominated_columns(matrix)
        matrix = matrix[:, keep_cols]
        columns = columns[keep_cols]
    demand_rows = matrix.shape[0]
    if presolve and matrix.shape[0]:
        matrix, row_weight = merge_identical_rows(matrix, row_weight)
    matrix = sparse.csr_array(matrix)
    matrix.sort_indices()
    return CoverageCore(
        matrix=matrix,
        weight=row_weight,
        columns=columns,
        covered_by_existing=float(weight[by_existing].sum()),
        uncoverable=float(weight[positive & ~by_existing & ~reachable].sum()),
        demand_rows=demand_rows,
    )


def undominated_columns(matrix: sparse.csr_array) -> np.ndarray:
    """Indices of the columns whose row set is not inside another column's.

    Column j is dropped when some k has rows(j) <= rows(k) and either strictly more rows
    or, on equal sets, a smaller index: a strict order, so every dropped column has a kept
    dominator. Empty columns are dropped.
    """
    incidence = sparse.csc_array(matrix, dtype=np.int32)
    size = np.diff(incidence.indptr)
    overlap = sparse.coo_array(incidence.T @ incidence)
    j, k, shared = overlap.row, overlap.col, overlap.data
    dominated_by = (j != k) & (shared == size[j]) & ((size[k] > size[j]) | (k < j))
    dropped = np.zeros(matrix.shape[1], dtype=bool)
    dropped[j[dominated_by]] = True
    dropped |= size == 0
    return np.flatnonzero(~dropped)


def merge_identical_rows(
    matrix: sparse.csr_array, weight: np.ndarray
) -> tuple[sparse.csr_array, np.ndarray]:
    """One row per distinct column set, weights summed. Rows must be non-empty.

    Rows are grouped by (length, two random 64-bit xor hashes of the set), then each row is
    checked entry by entry against its group's first row, so the grouping is exact.
    """
    matrix = sparse.csr_array(matrix)
    matrix.sort_indices()
    n_rows, n_cols = matrix.shape
    indptr, indices = matrix.indptr, matrix.indices
    lengths = np.diff(indptr)
    rng = np.random.default_rng(20240611)
    keys = [lengths.astype(np.uint64)]
    for _ in range(2):
        tokens = rng.integers(
            0, np.iinfo(np.uint64).max, size=n_cols, dtype=np.uint64, endpoint=True
        )
        keys.append(np.bitwise_xor.reduceat(tokens[indices], indptr[:-1]))
    _, first, group = np.unique(
        np.column_stack(keys), axis=0, return_index=True, return_inverse=True
    )
    group = group.ravel()
    representative = first[group]
    offsets = np.arange(indices.size) - np.repeat(indptr[:-1], lengths)
    same = indices == indices[np.repeat(indptr[representative], lengths) + offsets]
    if not same.all():  # a hash collision: astronomically rare, fall back to exact keys
        exact: dict[bytes, int] = {}
        group = np.array(
            [
                exact.setdefault(indices[indptr[i] : indptr[i + 1]].tobytes(), len(exact))
                for i in range(n_rows)
            ]
        )
        first = np.unique(group, return_index=True)[1]
    merged_weight = np.bincount(group, weights=weight, minlength=len(first))
    return matrix[first], merged_weight
