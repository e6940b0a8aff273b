"""Demand points and sites: plain arrays in Lambert-93 metres."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _freeze(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class Demand:
    """Population points: where people live and how many.

    `group` labels each point (commune INSEE code, EPT...) for per-group indicators;
    `cell_m` is the side of the square cell each point stands for, when it comes from a grid.
    """

    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    group: np.ndarray | None = None
    cell_m: float | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("x", "y", "weight"):
            array = np.ascontiguousarray(getattr(self, name), dtype=float)
            if array.shape != (n,):
                raise ValueError(f"{name} must have shape ({n},)")
            object.__setattr__(self, name, _freeze(array))
        object.__setattr__(self, "ids", _freeze(np.asarray(self.ids, dtype=object)))
        if self.group is not None:
            group = np.asarray(self.group, dtype=object)
            if group.shape != (n,):
                raise ValueError(f"group must have shape ({n},)")
            object.__setattr__(self, "group", _freeze(group))

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def xy(self) -> np.ndarray:
        return np.column_stack((self.x, self.y))

    @property
    def total_weight(self) -> float:
        return float(self.weight.sum())


@dataclass(frozen=True)
class Sites:
    """Places, open or candidate; `capacity` is in the demand's weight unit (people served)."""

    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    capacity: np.ndarray | None = None
    seats: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        for name in ("x", "y"):
            array = np.ascontiguousarray(getattr(self, name), dtype=float)
            if array.shape != (n,):
                raise ValueError(f"{name} must have shape ({n},)")
            object.__setattr__(self, name, _freeze(array))
        object.__setattr__(self, "ids", _freeze(np.asarray(self.ids, dtype=object)))
        for name in ("capacity", "seats"):
            value = getattr(self, name)
            if value is not None:
                array = np.ascontiguousarray(value, dtype=float)
                if array.shape != (n,):
                    raise ValueError(f"{name} must have shape ({n},)")
                object.__setattr__(self, name, _freeze(array))

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def xy(self) -> np.ndarray:
        return np.column_stack((self.x, self.y))

    @classmethod
    def empty(cls) -> Sites:
        return cls(ids=np.empty(0, dtype=object), x=np.empty(0), y=np.empty(0))
