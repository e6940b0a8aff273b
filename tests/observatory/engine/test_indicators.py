import numpy as np
import pytest
import shapely

from maillage.observatory.engine import (
    access_summary,
    gini,
    mean_access_by_group,
    seats_per_thousand,
    share_within,
    share_within_by_group,
    underserved_areas,
)

ACCESS = np.array([5.0, 10.0, 20.0, np.inf])
WEIGHT = np.array([100.0, 50.0, 25.0, 25.0])
GROUP = np.array(["92002", "92002", "92004", "92004"], dtype=object)


def test_share_within_several_thresholds_inclusive():
    assert share_within(ACCESS, WEIGHT, [5, 10, 30]) == {5.0: 0.5, 10.0: 0.75, 30.0: 0.875}


def test_share_within_by_group():
    shares = share_within_by_group(ACCESS, WEIGHT, GROUP, [10])
    assert shares == {"92002": {10.0: 1.0}, "92004": {10.0: 0.0}}


def test_access_summary_mean_and_weighted_p90():
    summary = access_summary(ACCESS[:3], WEIGHT[:3])
    assert summary.mean == pytest.approx((500 + 500 + 500) / 175)
    # Cumulative weights 100, 150, 175: 90 % of 175 = 157.5 is first reached at 20 minutes.
    assert summary.p90 == 20.0
    with_unreachable = access_summary(ACCESS, WEIGHT)
    assert with_unreachable.unreachable_weight == 25
    assert with_unreachable.p90 == np.inf  # more than 10 % have no site at all


def test_mean_access_by_group():
    by_group = mean_access_by_group(ACCESS, WEIGHT, GROUP)
    assert by_group["92002"] == pytest.approx((1000 / 150, 150))
    assert by_group["92004"] == pytest.approx((20.0, 50))


def test_seats_per_thousand():
    assert seats_per_thousand(33, 66_000) == 0.5
    assert seats_per_thousand(10, 0) == 0.0


def test_gini_hand_computed():
    assert gini(np.array([3.0, 3.0, 3.0])) == 0.0
    assert gini(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(0.75)
    # Weights act as repeated values: [1, 1, 4] with weights [2, 1] is [1, 1, 4].
    assert gini(np.array([1.0, 4.0]), np.array([2.0, 1.0])) == pytest.approx(
        gini(np.array([1.0, 1.0, 4.0]))
    )
    # Mean absolute difference of [1, 1, 4] is 12 / 9; over twice the mean (2): 1/3.
    assert gini(np.array([1.0, 1.0, 4.0])) == pytest.approx(1 / 3)


def test_underserved_cells_merge_into_edge_connected_areas():
    cell = 200.0
    # Three cells in an L, one cell touching it only at a corner, one far away.
    cols = np.array([0, 1, 1, 2, 5])
    rows = np.array([0, 0, 1, 2, 5])
    x, y = cols * cell + cell / 2, rows * cell + cell / 2
    weight = np.array([10.0, 20.0, 30.0, 5.0, 1.0])
    access = np.array([30.0, 30.0, 30.0, 30.0, 30.0])
    areas = underserved_areas(x, y, weight, access, threshold=15, cell_m=cell)
    assert [area.population for area in areas] == [60.0, 5.0, 1.0]
    assert areas[0].cells == 3
    assert areas[0].polygon.area == pytest.approx(3 * cell * cell)
    assert isinstance(areas[0].polygon, shapely.Polygon)
    served = underserved_areas(x, y, weight, np.zeros(5), threshold=15, cell_m=cell)
    assert served == []
    assert len(underserved_areas(x, y, weight, access, 15, cell, min_population=10)) == 1
