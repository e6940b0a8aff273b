"""Geometry of the dashboard's inline SVG charts (pure: no Django): the templates draw the
rectangles computed here. Units: SVG user units for positions and sizes, cents for amounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
BASELINE = 190  # the bars stand on it; the month labels go below
TOP = 20


@dataclass(frozen=True)
class Bar:
    """A rectangle (x, y from the top left; width, height), its label and its series
    («owed» or «committed»)."""

    x: float
    y: float
    width: float
    height: float
    label: str
    series: str


@dataclass(frozen=True)
class Tick:
    """A month's label under its bars, centred on x."""

    x: float
    label: str


def month_bars(
    months: Sequence[tuple[str, int, int]],
) -> tuple[list[Bar], list[Tick]]:
    """Two bars per month, side by side (consumed, then committed), scaled on the largest
    amount, from (short label, consumed cents, committed cents); no bars when all are 0."""
    most = max((max(owed, committed) for _, owed, committed in months), default=0)
    if not most:
        return [], []
    slot = WIDTH / len(months)
    width = slot * 0.35
    bars, ticks = [], []
    for index, (label, owed, committed) in enumerate(months):
        left = index * slot + slot * 0.15
        for offset, (cents, series) in enumerate(((owed, "owed"), (committed, "committed"))):
            height = (BASELINE - TOP) * cents / most
            bars.append(
                Bar(
                    round(left + offset * width, 1),
                    round(BASELINE - height, 1),
                    round(width, 1),
                    round(height, 1),
                    label,
                    series,
                )
            )
        ticks.append(Tick(round(index * slot + slot / 2, 1), label))
    return bars, ticks


def burn_bars(budget_cents: int, owed_cents: int, committed_cents: int) -> list[Bar]:
    """The budget as one horizontal band WIDTH wide: consumed, then committed, then what
    is neither («rest»), each as its share of the budget (the band is full when the budget
    is 0 or exceeded: the shares are then of their own sum)."""
    rest = max(budget_cents - owed_cents - committed_cents, 0)
    whole = max(budget_cents, owed_cents + committed_cents)
    if not whole:
        return []
    bars, left = [], 0.0
    for cents, series in ((owed_cents, "owed"), (committed_cents, "committed"), (rest, "rest")):
        width = WIDTH * cents / whole
        bars.append(Bar(round(left, 1), 0, round(width, 1), 40, series, series))
        left += width
    return bars
