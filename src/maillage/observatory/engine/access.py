"""Access costs between demand points and sites, always sparse.

Distances are computed one way everywhere, ``sqrt(dx*dx + dy*dy)`` in float64, and a pair
is within a radius when that distance is ``<= radius``: inclusive, with no tolerance.
The k-d tree only proposes pairs (with a slightly larger radius); the rule above decides,
so a point exactly on the radius is covered and two runs never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from .errors import EngineInputError
from .points import Demand, Sites

DETOUR_FACTOR = 1.3  # street distance / straight-line distance, typical of dense towns
WALKING_SPEED_KMH = 4.5
_METRES_PER_MINUTE_PER_KMH = 1000.0 / 60.0
# The k-d tree works with its own float arithmetic: ask it for a hair more, then filter exactly.
_QUERY_SLACK = 1e-9


def metres_to_minutes(
    metres: np.ndarray | float,
    detour: float = DETOUR_FACTOR,
    speed_kmh: float = WALKING_SPEED_KMH,
) -> np.ndarray | float:
    """Straight-line metres to travel minutes."""
    return metres * detour / (speed_kmh * _METRES_PER_MINUTE_PER_KMH)


def minutes_to_metres(
    minutes: float, detour: float = DETOUR_FACTOR, speed_kmh: float = WALKING_SPEED_KMH
) -> float:
    """Travel minutes to the straight-line radius reached in that time."""
    return minutes * speed_kmh * _METRES_PER_MINUTE_PER_KMH / detour


def distances(ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray) -> np.ndarray:
    """The engine's one distance formula, elementwise."""
    dx = ax - bx
    dy = ay - by
    return np.sqrt(dx * dx + dy * dy)


@dataclass(frozen=True)
class CostMatrix:
    """Sparse demand x sites costs, holding every pair with cost <= max_cost and no other.

    Stored as CSR arrays of our own (not a scipy matrix) so that zero costs, a demand
    point on a site, are kept as entries and never silently dropped.
    """

    indptr: np.ndarray
    indices: np.ndarray
    cost: np.ndarray
    n_sites: int
    max_cost: float

    @property
    def n_demand(self) -> int:
        return len(self.indptr) - 1

    @property
    def nnz(self) -> int:
        return len(self.indices)

    def rows(self) -> np.ndarray:
        """Demand index of every entry."""
        return np.repeat(np.arange(self.n_demand), np.diff(self.indptr))

    def within(self, radius: float) -> sparse.csr_array:
        """Boolean coverage matrix: cost <= radius."""
        if radius > self.max_cost:
            raise EngineInputError(
                f"le rayon {radius:g} dépasse le coût maximal calculé {self.max_cost:g}"
            )
        keep = self.cost <= radius
        return _csr(
            self.rows()[keep],
            self.indices[keep],
            np.ones(keep.sum(), dtype=bool),
            (self.n_demand, self.n_sites),
        )

    def nearest(self) -> tuple[np.ndarray, np.ndarray]:
        """Lowest cost and its site per demand point; inf and -1 where no site is within."""
        best = np.full(self.n_demand, np.inf)
        site = np.full(self.n_demand, -1, dtype=np.int64)
        if self.nnz:
            rows = self.rows()
            order = np.lexsort((self.cost, rows))
            first = order[np.r_[True, rows[order][1:] != rows[order][:-1]]]
            best[rows[first]] = self.cost[first]
            site[rows[first]] = self.indices[first]
        return best, site


def _csr(rows: np.ndarray, cols: np.ndarray, data: np.ndarray, shape: tuple[int, int]):
    matrix = sparse.csr_array((data, (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    return matrix


def from_pairs(
    rows: np.ndarray, cols: np.ndarray, cost: np.ndarray, shape: tuple[int, int], max_cost: float
) -> CostMatrix:
    """CostMatrix from (demand, site, cost) triples; pairs beyond max_cost are dropped."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    cost = np.asarray(cost, dtype=float)
    keep = cost <= max_cost
    rows, cols, cost = rows[keep], cols[keep], cost[keep]
    order = np.lexsort((cols, rows))
    rows, cols, cost = rows[order], cols[order], cost[order]
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return CostMatrix(indptr=indptr, indices=cols, cost=cost, n_sites=shape[1], max_cost=max_cost)


def distance_matrix(demand: Demand, sites: Sites, max_m: float) -> CostMatrix:
    """Straight-line metres for every demand-site pair within max_m (inclusive)."""
    if max_m < 0:
        raise EngineInputError(f"la distance maximale doit être positive (reçu {max_m:g})")
    shape = (len(demand), len(sites))
    if len(demand) == 0 or len(sites) == 0:
        return from_pairs(np.empty(0), np.empty(0), np.empty(0), shape, max_m)
    # A dual-tree pass returns all pairs as arrays: no per-point Python lists.
    pairs = cKDTree(demand.xy).sparse_distance_matrix(
        cKDTree(sites.xy), max_m * (1 + _QUERY_SLACK) + _QUERY_SLACK, output_type="ndarray"
    )
    rows = pairs["i"].astype(np.int64)
    cols = pairs["j"].astype(np.int64)
    cost = distances(demand.x[rows], demand.y[rows], sites.x[cols], sites.y[cols])
    return from_pairs(rows, cols, cost, shape, max_m)


def nearest_distance(demand: Demand, sites: Sites) -> tuple[np.ndarray, np.ndarray]:
    """Distance in metres to the nearest site and its index (inf and -1 without sites)."""
    if len(sites) == 0:
        return np.full(len(demand), np.inf), np.full(len(demand), -1, dtype=np.int64)
    _, index = cKDTree(sites.xy).query(demand.xy, k=1)
    index = np.asarray(index, dtype=np.int64)
    return distances(demand.x, demand.y, sites.x[index], sites.y[index]), index


def nearest_minutes(
    demand: Demand,
    sites: Sites,
    detour: float = DETOUR_FACTOR,
    speed_kmh: float = WALKING_SPEED_KMH,
) -> np.ndarray:
    """Minutes from each demand point to its nearest site (inf without sites)."""
    metres, _ = nearest_distance(demand, sites)
    return np.asarray(metres_to_minutes(metres, detour, speed_kmh), dtype=float)
