"""The order of the public observatory's communes table (query parameter `tri`).

A sort is a column key, prefixed with «-» for the descending order: `habitants`, `-temps`,
`part-15`. Without one, the table lists the worst-served communes first: the lowest share
of inhabitants within the chosen threshold, then (ties) the longest mean walking time, then
the fewest seats per 1,000 inhabitants, then by name. Every other order breaks its ties the
same way; in every order, communes where nobody lives (possible with an imported population
layer) come last: their figures mean nothing.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from maillage.core.text import fold
from maillage.observatory.analysis import THRESHOLDS_MINUTES, AreaFigures

ASCENDING, DESCENDING = "ascending", "descending"


@dataclass(frozen=True)
class Column:
    """A sortable column: its `tri` key, its heading, the value it sorts by, and the
    direction of a first click (the one that shows the worst-served first, for figures)."""

    key: str
    label: str
    value: Callable[[AreaFigures], Any]
    first: str


def _share_at(threshold: int) -> Callable[[AreaFigures], float]:
    return lambda area: area.share_within[threshold]


def columns(label: str, thresholds: Sequence[int] = THRESHOLDS_MINUTES) -> list[Column]:
    """The communes table's columns in page order; `label` heads the name column."""
    return [
        Column("nom", label, lambda area: fold(area.name), ASCENDING),
        Column("habitants", "Habitants", lambda area: area.population, DESCENDING),
        Column("lieux", "Lieux", lambda area: area.places, ASCENDING),
        Column("postes", "Postes pour 1 000 hab.", lambda area: area.seats_per_thousand, ASCENDING),
        Column("temps", "Temps d'accès moyen", lambda area: area.mean_minutes, DESCENDING),
    ] + [Column(f"part-{t}", f"À {t} min", _share_at(t), ASCENDING) for t in thresholds]


def choices() -> list[tuple[str, str]]:
    """Every valid `tri` value (each column, ascending or «-» descending)."""
    keys = [column.key for column in columns("Commune")]
    return [(key, key) for key in keys] + [(f"-{key}", f"-{key}") for key in keys]


def default_sort(threshold: int) -> str:
    """The worst-served first: the share within `threshold` minutes, ascending."""
    return f"part-{threshold}"


def _worst_served(threshold: int) -> Callable[[AreaFigures], tuple]:
    return lambda area: (
        area.population <= 0,
        area.share_within[threshold],
        -area.mean_minutes,
        area.seats_per_thousand,
        fold(area.name),
    )


def sort_areas(areas: Sequence[AreaFigures], sort: str, threshold: int) -> list[AreaFigures]:
    """`areas` in the order `sort` names (a value of choices()), ties in the worst-served
    order at `threshold` minutes. Raises KeyError for a sort that is not one."""
    key = sort.removeprefix("-")
    column = {column.key: column for column in columns("")}[key]
    # Stable sorts: the tie order, then the column's, then the unpopulated last.
    tied = sorted(areas, key=_worst_served(threshold))
    by_column = sorted(tied, key=column.value, reverse=sort.startswith("-"))
    return sorted(by_column, key=lambda area: area.population <= 0)


@dataclass(frozen=True)
class Heading:
    """A column heading as the template draws it: its label, the `tri` value of its link,
    its aria-sort state ("ascending", "descending" or "" when the table is not sorted by
    it) and what its link does, in French."""

    label: str
    link_sort: str
    aria_sort: str
    action: str


def headings(label: str, sort: str, thresholds: Sequence[int]) -> list[Heading]:
    """The headings of a table sorted by `sort`: the sorted column's link reverses it, the
    others sort by themselves in their first direction."""
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    out = []
    for column in columns(label, thresholds):
        if column.key == key:
            state = DESCENDING if descending else ASCENDING
            following = ASCENDING if descending else DESCENDING
        else:
            state, following = "", column.first
        out.append(
            Heading(
                label=column.label,
                link_sort=column.key if following == ASCENDING else f"-{column.key}",
                aria_sort=state,
                action="trier par ordre croissant"
                if following == ASCENDING
                else "trier par ordre décroissant",
            )
        )
    return out
