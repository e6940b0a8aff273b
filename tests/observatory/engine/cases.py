"""Random engine instances and brute-force references shared by the engine tests."""

import itertools

import numpy as np

from maillage.observatory.engine import Demand, Sites
from maillage.observatory.engine.access import distances


def random_case(seed: int, n: int = 25, m: int = 7, e: int = 1, integer: bool = True):
    """Small random instance on a 1 km square, coordinates on a 10 m lattice so that
    exact ties and points on the radius happen."""
    rng = np.random.default_rng(seed)
    demand = Demand(
        ids=[f"d{i}" for i in range(n)],
        x=rng.integers(0, 100, n) * 10.0,
        y=rng.integers(0, 100, n) * 10.0,
        weight=rng.integers(0, 20, n).astype(float) if integer else rng.uniform(0, 20, n),
    )
    candidates = Sites(
        ids=[f"c{j}" for j in range(m)],
        x=rng.integers(0, 100, m) * 10.0,
        y=rng.integers(0, 100, m) * 10.0,
    )
    existing = Sites(
        ids=[f"e{j}" for j in range(e)],
        x=rng.integers(0, 100, e) * 10.0,
        y=rng.integers(0, 100, e) * 10.0,
    )
    return demand, candidates, existing


def dense(demand: Demand, sites: Sites) -> np.ndarray:
    return distances(demand.x[:, None], demand.y[:, None], sites.x[None, :], sites.y[None, :])


def combos(m: int, p: int):
    return itertools.combinations(range(m), p)
