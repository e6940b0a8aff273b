"""Connected areas of grid cells, within groups (pure numpy/scipy, no Django).

A cell is (group, column, row). Two cells are connected when they share the group and an
edge (4-connectivity: a cell touching another only at a corner is not joined) or, with
`connectivity=8`, an edge or a corner. The observatory uses 4-connectivity with the commune
as group: an under-served area never crosses a commune's limit nor joins through a corner.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from .errors import EngineInputError

# Neighbour offsets (column, row) checked once per pair: the others are their opposites.
EDGE_OFFSETS = ((1, 0), (0, 1))
CORNER_OFFSETS = ((1, 1), (1, -1))


def label_cells(
    group: np.ndarray, col: np.ndarray, row: np.ndarray, connectivity: int = 4
) -> tuple[np.ndarray, int]:
    """The connected area of each cell: (labels, count), labels in 0..count-1, one per input
    cell, equal for cells listed twice. `group` is any array of hashable, sortable values
    (commune codes); `col` and `row` are integer arrays of the same length.

    Raises EngineInputError for arrays of different lengths or another connectivity."""
    if connectivity not in (4, 8):
        raise EngineInputError(f"connexité 4 ou 8 attendue (reçu {connectivity})")
    n = len(group)
    if len(col) != n or len(row) != n:
        raise EngineInputError("groupes, colonnes et lignes de longueurs différentes")
    if n == 0:
        return np.empty(0, dtype=np.int64), 0
    _, group_index = np.unique(np.asarray(group), return_inverse=True)
    col = np.asarray(col, dtype=np.int64)
    row = np.asarray(row, dtype=np.int64)
    # One integer per cell; a margin of one column and one row on each side, so that a
    # neighbour's code never wraps onto another row or group.
    c = col - col.min() + 1
    r = row - row.min() + 1
    width, height = int(c.max()) + 2, int(r.max()) + 2
    code = (group_index.astype(np.int64) * height + r) * width + c
    cells, cell_of = np.unique(code, return_inverse=True)
    offsets = EDGE_OFFSETS + (CORNER_OFFSETS if connectivity == 8 else ())
    sources, targets = [], []
    for dc, dr in offsets:
        wanted = cells + dr * width + dc
        at = np.searchsorted(cells, wanted)
        found = at < len(cells)
        found[found] = cells[at[found]] == wanted[found]
        sources.append(np.nonzero(found)[0])
        targets.append(at[found])
    source, target = np.concatenate(sources), np.concatenate(targets)
    graph = sparse.coo_array(
        (np.ones(len(source), dtype=np.int8), (source, target)), shape=(len(cells), len(cells))
    )
    count, labels = csgraph.connected_components(graph, directed=False)
    return labels[cell_of].astype(np.int64), int(count)
