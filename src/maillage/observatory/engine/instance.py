"""A siting instance: demand weights and sparse access costs to candidate and existing sites."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .access import CostMatrix, distance_matrix
from .errors import EngineInputError
from .points import Demand, Sites


@dataclass(frozen=True)
class Instance:
    """What every model reads. Costs are in one unit (metres or minutes), pairs beyond
    `max_cost` are absent. Existing sites are always open; capacities, when given, are in
    the weight unit (people a site can serve)."""

    weight: np.ndarray
    candidates: CostMatrix
    existing: CostMatrix
    candidate_ids: np.ndarray
    candidate_capacity: np.ndarray | None = None
    existing_capacity: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.weight)
        if self.candidates.n_demand != n or self.existing.n_demand != n:
            raise ValueError("cost matrices and weights disagree on the number of demand points")
        if len(self.candidate_ids) != self.candidates.n_sites:
            raise ValueError("candidate ids and cost matrix disagree")
        if np.any(self.weight < 0) or not np.all(np.isfinite(self.weight)):
            raise EngineInputError("les poids de la demande doivent être positifs ou nuls")
        for capacity in (self.candidate_capacity, self.existing_capacity):
            if capacity is not None and np.any(capacity < 0):
                raise EngineInputError("les capacités doivent être positives ou nulles")

    @property
    def n_demand(self) -> int:
        return len(self.weight)

    @property
    def n_candidates(self) -> int:
        return self.candidates.n_sites

    @property
    def n_existing(self) -> int:
        return self.existing.n_sites

    @property
    def max_cost(self) -> float:
        return min(self.candidates.max_cost, self.existing.max_cost)

    @property
    def capacitated(self) -> bool:
        return self.candidate_capacity is not None or self.existing_capacity is not None

    def capacities(self) -> tuple[np.ndarray, np.ndarray]:
        """Capacities with inf where none was given."""
        candidate = (
            np.full(self.n_candidates, np.inf)
            if self.candidate_capacity is None
            else np.asarray(self.candidate_capacity, dtype=float)
        )
        existing = (
            np.full(self.n_existing, np.inf)
            if self.existing_capacity is None
            else np.asarray(self.existing_capacity, dtype=float)
        )
        return candidate, existing


def build_instance(
    demand: Demand,
    candidates: Sites,
    existing: Sites | None = None,
    *,
    max_m: float,
) -> Instance:
    """Instance in straight-line metres: every pair within max_m (inclusive) is kept.

    max_m must reach the largest radius a model will use (coverage models), or the
    distance beyond which access counts as failed (p-median, p-center).
    """
    existing = existing if existing is not None else Sites.empty()
    return Instance(
        weight=np.asarray(demand.weight, dtype=float),
        candidates=distance_matrix(demand, candidates, max_m),
        existing=distance_matrix(demand, existing, max_m),
        candidate_ids=np.asarray(candidates.ids, dtype=object),
        candidate_capacity=candidates.capacity,
        existing_capacity=existing.capacity,
    )
