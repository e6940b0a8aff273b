"""Connected areas of grid cells within groups: exhaustively on small grids against a plain
breadth-first search, and by properties on random cells."""

import itertools
from collections import deque

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.observatory.engine import EngineInputError, underserved_areas
from maillage.observatory.engine.components import label_cells


def reference(cells, connectivity):
    """Breadth-first search over (group, col, row) cells: a label per cell, same partition."""
    steps = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    if connectivity == 8:
        steps += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    present, area = set(cells), {}
    for start in present:
        if start in area:
            continue
        area[start] = start
        queue = deque([start])
        while queue:
            group, col, row = queue.popleft()
            for dc, dr in steps:
                neighbour = (group, col + dc, row + dr)
                if neighbour in present and neighbour not in area:
                    area[neighbour] = start
                    queue.append(neighbour)
    return [area[cell] for cell in cells]


def same_partition(labels, expected):
    pairs = set(zip(labels, expected, strict=True))
    return len(pairs) == len(set(labels)) == len(set(expected))


def labelled(cells, connectivity):
    group, col, row = (
        np.array(column, dtype=object if i == 0 else np.int64)
        for i, column in enumerate(zip(*cells, strict=True))
    )
    labels, count = label_cells(group, col, row, connectivity)
    assert sorted(set(labels.tolist())) == list(range(count))
    return labels.tolist()


@pytest.mark.parametrize("connectivity", [4, 8])
def test_every_grid_of_three_by_three_cells_in_two_communes(connectivity):
    # All 3⁹ grids at once: each grid's communes are groups of their own («grid:commune»).
    positions = list(itertools.product(range(3), range(3)))
    cells = [
        (f"{grid}:{g}", c, r)
        for grid, states in enumerate(itertools.product((None, "92004", "92025"), repeat=9))
        for g, (c, r) in zip(states, positions, strict=True)
        if g
    ]
    assert same_partition(labelled(cells, connectivity), reference(cells, connectivity))


cell_lists = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(-6, 6), st.integers(-6, 6)),
    min_size=1,
    max_size=60,
)


@given(cell_lists, st.sampled_from([4, 8]), st.randoms(use_true_random=False))
def test_random_cells_match_the_search_whatever_their_order(cells, connectivity, random):
    labels = labelled(cells, connectivity)
    assert same_partition(labels, reference(cells, connectivity))
    shuffled = cells[:]
    random.shuffle(shuffled)
    again = dict(zip(shuffled, labelled(shuffled, connectivity), strict=True))
    assert same_partition(labels, [again[cell] for cell in cells])


def test_an_empty_grid_and_bad_inputs():
    labels, count = label_cells(np.array([], dtype=object), np.array([]), np.array([]))
    assert count == 0 and labels.size == 0
    with pytest.raises(EngineInputError, match="connexité"):
        label_cells(np.array(["a"]), np.array([0]), np.array([0]), connectivity=6)
    with pytest.raises(EngineInputError, match="longueurs"):
        label_cells(np.array(["a"]), np.array([0, 1]), np.array([0]))


CELL = 200.0
points = st.lists(
    st.tuples(
        st.sampled_from(["92004", "92025"]),
        st.integers(0, 8),
        st.integers(0, 8),
        st.floats(0, 500),  # inhabitants
        st.floats(0, 60) | st.just(float("inf")),  # walking minutes to the nearest place
    ),
    max_size=80,
)


@settings(deadline=None)
@given(points, st.floats(0, 60), st.floats(0, 60), st.sampled_from([0.0, 50.0, 400.0]))
def test_a_stricter_threshold_never_shows_fewer_underserved_people(
    rows, first, second, min_population
):
    strict, loose = sorted((first, second))
    group = np.array([r[0] for r in rows], dtype=object)
    x = np.array([r[1] * CELL + CELL / 2 for r in rows])
    y = np.array([r[2] * CELL + CELL / 2 for r in rows])
    weight = np.array([r[3] for r in rows])
    access = np.array([r[4] for r in rows])

    def zones(threshold):
        return underserved_areas(x, y, weight, access, threshold, CELL, min_population, group)

    tight, wide = zones(strict), zones(loose)
    assert sum(a.population for a in tight) >= sum(a.population for a in wide) * (1 - 1e-12)
    # Every zone lies within one commune, and within a zone of the stricter threshold.
    for zone in wide:
        assert any(
            zone.group == other.group and other.polygon.covers(zone.polygon) for other in tight
        )
    populations = [a.population for a in tight]
    assert populations == sorted(populations, reverse=True)
    assert all(p >= min_population for p in populations)


def test_cells_of_two_communes_side_by_side_make_two_zones():
    # A strip of four cells: two in each commune, all beyond the threshold.
    x = np.array([0.5, 1.5, 2.5, 3.5]) * CELL
    y = np.full(4, 0.5 * CELL)
    weight = np.array([10.0, 20.0, 30.0, 40.0])
    group = np.array(["92004", "92004", "92025", "92025"], dtype=object)
    zones = underserved_areas(x, y, weight, np.full(4, 30.0), 15, CELL, group=group)
    assert [(z.group, z.population, z.cells) for z in zones] == [
        ("92025", 70.0, 2),
        ("92004", 30.0, 2),
    ]
    merged = underserved_areas(x, y, weight, np.full(4, 30.0), 15, CELL)
    assert [(z.group, z.population) for z in merged] == [(None, 100.0)]
