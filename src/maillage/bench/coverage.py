"""Benchmarks on real territory data: the engine against PySAL spopt (pulp + CBC).

Pure functions returning figures; `maillage bench coverage` prints them. spopt and pulp are
needed only here, imported when a comparison runs.
"""

from __future__ import annotations

import csv
import resource
import time
import warnings
from collections.abc import Callable

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from maillage.observatory.engine.access import distances
from maillage.observatory.engine.demand import DEFAULT_GRID_M, grid_demand
from maillage.observatory.engine.geo import read_communes_geojson
from maillage.observatory.engine.instance import build_instance
from maillage.observatory.engine.points import Demand, Sites
from maillage.observatory.engine.siting import mclp, p_median
from maillage.territory.reference import COMMUNES_GEOJSON, POPULATION_CSV

SEED = 92


def load_communes(prefix: str = "") -> tuple[dict[str, BaseGeometry], dict[str, float]]:
    """Commune polygons (Lambert-93) and populations whose INSEE code starts with prefix."""
    polygons = {
        code: polygon
        for code, polygon in read_communes_geojson(COMMUNES_GEOJSON).items()
        if code.startswith(prefix)
    }
    with open(POPULATION_CSV, encoding="utf-8") as handle:
        populations = {
            row["code_insee"]: float(row["population"])
            for row in csv.DictReader(handle)
            if row["code_insee"].startswith(prefix)
        }
    return polygons, populations


def random_sites(outline: BaseGeometry, n: int, seed: int = SEED, prefix: str = "c") -> Sites:
    """n points drawn uniformly inside the outline (rejection sampling in its bbox)."""
    rng = np.random.default_rng(seed)
    shapely.prepare(outline)
    xmin, ymin, xmax, ymax = outline.bounds
    xs: list[np.ndarray] = []
    found = 0
    while found < n:
        x = rng.uniform(xmin, xmax, 4 * n)
        y = rng.uniform(ymin, ymax, 4 * n)
        inside = shapely.contains_xy(outline, x, y)
        xs.append(np.column_stack((x[inside], y[inside])))
        found += int(inside.sum())
    points = np.concatenate(xs)[:n]
    return Sites(
        ids=np.array([f"{prefix}{k}" for k in range(n)], dtype=object),
        x=points[:, 0],
        y=points[:, 1],
    )


def territory_instance(
    prefix: str, n_candidates: int, grid_m: float = DEFAULT_GRID_M, seed: int = SEED
) -> tuple[Demand, Sites]:
    polygons, populations = load_communes(prefix)
    demand = grid_demand(polygons, populations, grid_m)
    candidates = random_sites(shapely.union_all(list(polygons.values())), n_candidates, seed)
    return demand, candidates


def _dense_costs(demand: Demand, sites: Sites) -> np.ndarray:
    # The engine's own distance formula, so both solvers see exactly the same coverage.
    return distances(demand.x[:, None], demand.y[:, None], sites.x[None, :], sites.y[None, :])


def _solve_spopt(model) -> None:
    import pulp  # noqa: PLC0415 — optional dev-only package, loaded for a comparison

    with warnings.catch_warnings():
        # PuLP 3.3 deprecates the API spopt uses; the warning says nothing about the figures.
        warnings.simplefilter("ignore", DeprecationWarning)
        model.solve(pulp.PULP_CBC_CMD(msg=False))


def _peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def bench_mclp(
    scale: str = "92",
    *,
    compare: bool = True,
    progress: Callable[[str], None] | None = None,
) -> dict[str, object]:
    """MCLP on the Hauts-de-Seine (300 candidates, p = 20, 800 m) against spopt, or on all
    Île-de-France (scale="idf": 2,000 candidates, p = 50, 800 m) alone."""
    say = progress or (lambda _: None)
    prefix, n_candidates, p = ("92", 300, 20) if scale == "92" else ("", 2000, 50)
    radius = 800.0
    began = time.perf_counter()
    demand, candidates = territory_instance(prefix, n_candidates)
    seconds_data = time.perf_counter() - began
    say(f"{len(demand)} points de demande, {len(candidates)} candidats")
    began = time.perf_counter()
    instance = build_instance(demand, candidates, max_m=radius)
    result = mclp(instance, p, radius, progress=say)
    seconds = time.perf_counter() - began
    figures: dict[str, object] = {
        "scale": scale,
        "demand_points": len(demand),
        "candidates": len(candidates),
        "p": p,
        "radius_m": radius,
        "objective": result.objective,
        "optimal": result.optimal,
        "seconds": round(seconds, 4),
        "seconds_demand_grid": round(seconds_data, 3),
        "peak_memory_mb": round(_peak_memory_mb(), 1),
    }
    if compare and scale == "92":
        from spopt.locate import MCLP  # noqa: PLC0415 — optional dev-only package

        say("spopt (pulp + CBC)…")
        began = time.perf_counter()
        costs = _dense_costs(demand, candidates)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            model = MCLP.from_cost_matrix(costs, demand.weight, radius, p_facilities=p)
        _solve_spopt(model)
        seconds_spopt = time.perf_counter() - began
        figures["objective_spopt"] = float(model.problem.objective.value())
        figures["seconds_spopt"] = round(seconds_spopt, 3)
        figures["speedup"] = round(seconds_spopt / seconds, 1)
    return figures


def bench_p_median(
    *,
    grid_m: float = 500.0,
    n_candidates: int = 100,
    p: int = 10,
    progress: Callable[[str], None] | None = None,
) -> dict[str, float | int | bool]:
    """p-median on the Hauts-de-Seine on a 500 m grid (704 demand points, 100 random
    candidates, p = 10), small enough for spopt's dense model to finish in seconds.

    max_cost is infinite so that every pair counts, as in spopt's dense model; both
    objectives are the weighted mean distance."""
    from spopt.locate import PMedian  # noqa: PLC0415 — optional dev-only package

    say = progress or (lambda _: None)
    demand, candidates = territory_instance("92", n_candidates, grid_m)
    began = time.perf_counter()
    instance = build_instance(demand, candidates, max_m=np.inf)
    result = p_median(instance, p, progress=say)
    seconds = time.perf_counter() - began
    say("spopt (pulp + CBC)…")
    began = time.perf_counter()
    costs = _dense_costs(demand, candidates)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model = PMedian.from_cost_matrix(costs, demand.weight, p_facilities=p)
    _solve_spopt(model)
    seconds_spopt = time.perf_counter() - began
    return {
        "demand_points": len(demand),
        "candidates": len(candidates),
        "p": p,
        "objective": result.objective,
        "objective_spopt": float(model.problem.objective.value()) / demand.total_weight,
        "optimal": result.optimal,
        "seconds": round(seconds, 4),
        "seconds_spopt": round(seconds_spopt, 3),
        "speedup": round(seconds_spopt / seconds, 1),
    }
