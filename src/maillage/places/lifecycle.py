"""The lifecycle of a place's status (pure: no Django)."""

from datetime import date
from enum import StrEnum


class Status(StrEnum):
    PROJECT = "project"
    PREPARING = "preparing"
    OPEN = "open"
    CLOSED = "closed"


STATUS_LABELS = {
    Status.PROJECT: "En projet",
    Status.PREPARING: "En préparation",
    Status.OPEN: "Ouvert",
    Status.CLOSED: "Fermé",
}

# Forward along project → preparing → open → closed (steps may be skipped: a project can be
# abandoned, a place can open without a preparation phase), and a closed place may reopen.
ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PROJECT: frozenset({Status.PREPARING, Status.OPEN, Status.CLOSED}),
    Status.PREPARING: frozenset({Status.OPEN, Status.CLOSED}),
    Status.OPEN: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset({Status.OPEN}),
}

# Statuses in which the place has (had) an opening date.
STATUSES_WITH_OPENING_DATE = frozenset({Status.OPEN, Status.CLOSED})


def takes_bookings(status: str, opening_date: date | None, today: date) -> bool:
    """Whether a place in this status, opening on this date, takes bookings on `today` (a
    Paris day): an open place, from its opening date on. PlaceQuerySet.open says the same
    in SQL."""
    return status == Status.OPEN and opening_date is not None and opening_date <= today


def can_transition(current: Status, target: Status) -> bool:
    return current == target or target in ALLOWED_TRANSITIONS[current]


def transition_error(current: Status, target: Status) -> str | None:
    """The French message refusing the move, or None when it is allowed."""
    if can_transition(current, target):
        return None
    allowed = ", ".join(f"« {STATUS_LABELS[s]} »" for s in sorted(ALLOWED_TRANSITIONS[current]))
    return (
        f"Un lieu « {STATUS_LABELS[current]} » ne peut pas passer à « {STATUS_LABELS[target]} » "
        f"(statuts possibles : {allowed})."
    )
