"""Demand for offices per commune, against the offers published there: the pure sums behind
the Département's page (no Django here).

A request counts once in each commune it names (those its sender wished and those of the
places it addresses): the communes' rows therefore add up to more than the requests when
some name several communes. Amounts are integer cents a month, excluding tax.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median


@dataclass(frozen=True)
class RequestFacts:
    """What the figures keep of one confirmed request: the INSEE codes of its communes,
    its workstations, its monthly budget in cents (None: not said), and whether at least
    one place answered it."""

    communes: frozenset[str]
    workstations: int
    budget_cents: int | None
    answered: bool


@dataclass(frozen=True)
class OfferFacts:
    """One published offer: its place's commune (INSEE code) and its workstations (None for
    a domiciliation)."""

    commune: str
    workstations: int | None


@dataclass(frozen=True)
class CommuneDemand:
    """One commune's row: `requests` naming it, `workstations` they ask in all, the median
    of their budgets (cents, rounded half up; None when none gave one), `answered` (those
    at least one place answered), and the supply: `offers` published there and the
    `offered_workstations` they hold."""

    code: str
    name: str
    requests: int
    workstations: int
    median_budget_cents: int | None
    answered: int
    offers: int
    offered_workstations: int


def median_cents(values: Iterable[int]) -> int | None:
    """The median of amounts in cents, rounded half up to a whole cent; None for none."""
    found = sorted(values)
    if not found:
        return None
    middle = median(found)
    return int(middle) if middle == int(middle) else int(middle + 0.5)


def by_commune(
    communes: dict[str, str],
    requests: Iterable[RequestFacts],
    offers: Iterable[OfferFacts],
) -> list[CommuneDemand]:
    """A row for each commune of `communes` (INSEE code → name), the most requested first,
    then in the order of `communes`. Requests and offers naming a commune not in `communes`
    are left out."""
    asked: dict[str, list[RequestFacts]] = {code: [] for code in communes}
    for request in requests:
        for code in request.communes:
            if code in asked:
                asked[code].append(request)
    supply: dict[str, list[OfferFacts]] = {code: [] for code in communes}
    for offer in offers:
        if offer.commune in supply:
            supply[offer.commune].append(offer)
    rows = [
        CommuneDemand(
            code=code,
            name=name,
            requests=len(asked[code]),
            workstations=sum(request.workstations for request in asked[code]),
            median_budget_cents=median_cents(
                request.budget_cents for request in asked[code] if request.budget_cents is not None
            ),
            answered=sum(request.answered for request in asked[code]),
            offers=len(supply[code]),
            offered_workstations=sum(offer.workstations or 0 for offer in supply[code]),
        )
        for code, name in communes.items()
    ]
    return sorted(rows, key=lambda row: -row.requests)


@dataclass(frozen=True)
class Totals:
    """The whole département's figures: each request counted once."""

    requests: int
    workstations: int
    median_budget_cents: int | None
    answered: int
    offers: int
    offered_workstations: int


def totals(requests: Iterable[RequestFacts], offers: Iterable[OfferFacts]) -> Totals:
    """The figures of all `requests` and `offers`, each counted once."""
    requests, offers = list(requests), list(offers)
    return Totals(
        requests=len(requests),
        workstations=sum(request.workstations for request in requests),
        median_budget_cents=median_cents(
            request.budget_cents for request in requests if request.budget_cents is not None
        ),
        answered=sum(request.answered for request in requests),
        offers=len(offers),
        offered_workstations=sum(offer.workstations or 0 for offer in offers),
    )
