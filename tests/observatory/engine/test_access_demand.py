import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.observatory.engine import (
    DETOUR_FACTOR,
    WALKING_SPEED_KMH,
    Demand,
    EngineInputError,
    Sites,
    distance_matrix,
    grid_demand,
    insee_cells_demand,
    metres_to_minutes,
    minutes_to_metres,
    nearest_distance,
    parse_insee_cell_id,
)
from tests.observatory.engine.cases import dense, random_case


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), radius=st.sampled_from([0.0, 50.0, 100.0, 250.0, 707.0]))
def test_sparse_pairs_are_exactly_the_dense_pairs_within_radius(seed, radius):
    demand, candidates, _ = random_case(seed, n=60, m=15)
    matrix = distance_matrix(demand, candidates, radius)
    full = dense(demand, candidates)
    expected = np.argwhere(full <= radius)
    got = np.column_stack([matrix.rows(), matrix.indices])
    assert np.array_equal(got, expected)
    assert np.array_equal(matrix.cost, full[full <= radius])


def test_zero_distance_pairs_are_kept_and_radius_is_inclusive():
    demand = Demand(ids=["on", "edge"], x=[0.0, 3.0], y=[0.0, 4.0], weight=[1, 1])
    sites = Sites(ids=["s"], x=[0.0], y=[0.0])
    matrix = distance_matrix(demand, sites, 5.0)
    assert matrix.nnz == 2 and list(matrix.cost) == [0.0, 5.0]
    assert matrix.within(5.0).sum() == 2
    assert matrix.within(4.999).sum() == 1


def test_nearest_distance_and_minutes():
    demand = Demand(ids=["a"], x=[0.0], y=[750.0], weight=[1])
    sites = Sites(ids=["s", "t"], x=[0.0, 5000], y=[0.0, 0])
    distance, index = nearest_distance(demand, sites)
    assert distance[0] == 750 and index[0] == 0
    # 750 m straight line, x1.3 detour, at 4.5 km/h (75 m/min): 13 minutes.
    assert metres_to_minutes(750.0) == pytest.approx(13.0)
    assert minutes_to_metres(13.0) == pytest.approx(750.0)
    assert (DETOUR_FACTOR, WALKING_SPEED_KMH) == (1.3, 4.5)
    assert np.isinf(nearest_distance(demand, Sites.empty())[0][0])


def test_grid_demand_spreads_population_over_cells_inside():
    square = shapely.box(0, 0, 1000, 600)  # 5 x 3 cells of 200 m
    tiny = shapely.box(2010, 2010, 2050, 2050)  # holds no cell centre
    demand = grid_demand(
        {"A": square, "B": tiny, "C": shapely.box(0, 0, 1, 1)}, {"A": 1500.0, "B": 30.0}
    )
    a = demand.group == "A"
    assert a.sum() == 15
    assert demand.weight[a] == pytest.approx(np.full(15, 100.0))
    assert set(zip(demand.x[a], demand.y[a], strict=True)) >= {(100.0, 100.0), (900.0, 500.0)}
    b = demand.group == "B"
    assert b.sum() == 1 and demand.weight[b][0] == 30
    assert tiny.contains(shapely.Point(demand.x[b][0], demand.y[b][0]))
    assert "C" not in set(demand.group)  # no population row: left out
    assert demand.total_weight == pytest.approx(1530)
    with pytest.raises(EngineInputError):
        grid_demand({"A": square}, {"A": 1.0}, grid_m=0)


def test_insee_cell_id_parsing():
    assert parse_insee_cell_id("CRS3035RES200mN2862400E3758200") == (3758300.0, 2862500.0, 200.0)
    assert parse_insee_cell_id("CRS3035RES1000mN2862000E3758000") == (3758500.0, 2862500.0, 1000.0)
    for bad in ("", "CRS3035RES200mE3758200N2862400", "CRS2154RES200mN1E2", "N2862400E3758200"):
        with pytest.raises(EngineInputError, match="carreau INSEE invalide"):
            parse_insee_cell_id(bad)


def test_insee_cells_land_in_lambert93_near_paris():
    # A cell of Île-de-France in EPSG:3035.
    demand = insee_cells_demand(["CRS3035RES200mN2862400E3750000"], np.array([42.0]))
    assert demand.cell_m == 200 and demand.weight[0] == 42
    assert 580_000 < demand.x[0] < 720_000 and 6_780_000 < demand.y[0] < 6_900_000
