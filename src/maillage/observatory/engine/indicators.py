"""Access indicators from each demand point's cost to its nearest open site.

All functions take `access`, the nearest-site cost per point (minutes, inf where no site
is reachable), e.g. metres_to_minutes(nearest_distance(demand, sites)[0]) or
CostMatrix.nearest()[0] for an imported travel-time matrix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from .components import label_cells


def share_within(
    access: np.ndarray, weight: np.ndarray, thresholds: Sequence[float]
) -> dict[float, float]:
    """Share of the weight with access <= T, for each threshold T (inclusive)."""
    total = float(weight.sum())
    return {
        float(t): (float(weight[access <= t].sum()) / total if total else 0.0) for t in thresholds
    }


def share_within_by_group(
    access: np.ndarray, weight: np.ndarray, group: np.ndarray, thresholds: Sequence[float]
) -> dict[str, dict[float, float]]:
    """share_within per group label (commune, EPT...)."""
    labels, inverse = np.unique(np.asarray(group, dtype=str), return_inverse=True)
    totals = np.bincount(inverse, weights=weight, minlength=len(labels))
    shares: dict[str, dict[float, float]] = {str(label): {} for label in labels}
    for t in thresholds:
        inside = np.bincount(inverse, weights=weight * (access <= t), minlength=len(labels))
        for k, label in enumerate(labels):
            shares[str(label)][float(t)] = float(inside[k] / totals[k]) if totals[k] else 0.0
    return shares


@dataclass(frozen=True)
class AccessSummary:
    mean: float  # population-weighted mean access cost over reachable points
    p90: float  # population-weighted 90th percentile (inverted CDF: inf if >10 % unreachable)
    unreachable_weight: float  # weight with no site at all (access = inf)


def access_summary(access: np.ndarray, weight: np.ndarray) -> AccessSummary:
    """Weighted mean and 90th percentile of the access cost.

    The percentile is the smallest cost c such that at least 90 % of the weight has
    access <= c (numpy's weighted "inverted_cdf"), so it is a cost some person really has.
    """
    reachable = np.isfinite(access)
    unreachable = float(weight[~reachable].sum())
    positive = weight > 0
    if not positive.any():
        return AccessSummary(mean=float("nan"), p90=float("nan"), unreachable_weight=0.0)
    reached_weight = weight[reachable]
    mean = (
        float(np.average(access[reachable], weights=reached_weight))
        if reached_weight.sum() > 0
        else float("inf")
    )
    finite = np.where(reachable, access, np.finfo(float).max)
    p90 = float(np.quantile(finite[positive], 0.9, weights=weight[positive], method="inverted_cdf"))
    return AccessSummary(
        mean=mean,
        p90=p90 if p90 < np.finfo(float).max else float("inf"),
        unreachable_weight=unreachable,
    )


def mean_access_by_group(
    access: np.ndarray, weight: np.ndarray, group: np.ndarray
) -> dict[str, tuple[float, float]]:
    """(weighted mean access, population) per group, over points with a reachable site."""
    labels, inverse = np.unique(np.asarray(group, dtype=str), return_inverse=True)
    reachable = np.isfinite(access)
    population = np.bincount(inverse, weights=weight, minlength=len(labels))
    reached = np.bincount(inverse, weights=weight * reachable, minlength=len(labels))
    cost = np.bincount(
        inverse, weights=np.where(reachable, weight * access, 0.0), minlength=len(labels)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(reached > 0, cost / reached, np.inf)
    return {str(label): (float(mean[k]), float(population[k])) for k, label in enumerate(labels)}


def seats_per_thousand(seats: float, population: float) -> float:
    """Seats per 1,000 inhabitants (0 for an empty population)."""
    return 1000.0 * seats / population if population > 0 else 0.0


def gini(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Weighted Gini coefficient of non-negative values, in [0, 1).

    Used across communes on their mean access time weighted by population: 0 when every
    inhabitant's commune has the same mean access, closer to 1 when access is concentrated.
    Computed as the weighted mean absolute difference over twice the weighted mean, with
    one sort (O(n log n)).
    """
    values = np.asarray(values, dtype=float)
    weights = np.ones_like(values) if weights is None else np.asarray(weights, dtype=float)
    keep = weights > 0
    values, weights = values[keep], weights[keep]
    if values.size == 0:
        return 0.0
    if np.any(values < 0) or not np.all(np.isfinite(values)):
        raise ValueError("gini needs finite non-negative values")
    total = weights.sum()
    mean = float(values @ weights) / total
    if mean == 0:
        return 0.0
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    below = np.cumsum(w) - w  # weight of values at or before each one (excluding itself)
    below_sum = np.cumsum(w * v) - w * v
    # sum_i sum_j w_i w_j |v_i - v_j| = 2 sum_i w_i (v_i * W_below_i - S_below_i)
    mad = 2.0 * float(w @ (v * below - below_sum))
    return mad / (2.0 * total * total * mean)


@dataclass(frozen=True)
class UnderservedArea:
    """A connected area of under-served cells: its polygon (the union of its cells, in the
    points' metres), its inhabitants, its number of cells, and its group (the commune's
    code; None when the points are not grouped)."""

    polygon: BaseGeometry
    population: float
    cells: int
    group: object = None


def underserved_areas(
    x: np.ndarray,
    y: np.ndarray,
    weight: np.ndarray,
    access: np.ndarray,
    threshold: float,
    cell_m: float,
    min_population: float = 0.0,
    group: np.ndarray | None = None,
) -> list[UnderservedArea]:
    """Cells whose access is beyond the threshold, merged into areas of edge-connected
    cells of one group (components.label_cells, 4-connectivity: corner contact does not
    join, nor does an edge between two groups), largest population first. Areas of fewer
    than `min_population` inhabitants are left out.

    Points are snapped to the grid of `cell_m` squares with corners at multiples of cell_m
    (the grid demand.grid_demand builds); several points of one group in one cell add up.
    A smaller threshold only adds cells: each area of a larger one lies within an area of
    the smaller, so the population of the areas listed never decreases.
    """
    beyond = (access > threshold) & (weight > 0)
    if not beyond.any():
        return []
    col = np.floor(x[beyond] / cell_m).astype(np.int64)
    row = np.floor(y[beyond] / cell_m).astype(np.int64)
    groups = np.zeros(len(col), dtype=np.int64) if group is None else np.asarray(group)[beyond]
    labels, count = label_cells(groups, col, row)
    population = np.bincount(labels, weights=weight[beyond], minlength=count)
    # One box per distinct cell, sorted by area (the label is unique's first key).
    _, first = np.unique(np.stack([labels, col, row]), axis=1, return_index=True)
    boxes = shapely.box(
        col[first] * cell_m,
        row[first] * cell_m,
        (col[first] + 1) * cell_m,
        (row[first] + 1) * cell_m,
    )
    bounds = np.searchsorted(labels[first], np.arange(count + 1))
    areas = []
    for k in range(count):
        if population[k] < min_population:
            continue
        members = boxes[bounds[k] : bounds[k + 1]]
        # Grid squares never overlap: coverage_union is the fast exact union for that case.
        areas.append(
            UnderservedArea(
                polygon=shapely.coverage_union_all(members),
                population=float(population[k]),
                cells=len(members),
                group=None if group is None else groups[first[bounds[k]]],
            )
        )
    areas.sort(key=lambda area: -area.population)
    return areas
