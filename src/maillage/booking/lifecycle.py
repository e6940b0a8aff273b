"""A booking's statuses, which changes they allow, and who may make them (pure: no Django).

`Status` is the one definition of the statuses: the database's choices
(booking.models.BookingStatus) are built from it."""

from datetime import UTC, datetime, timedelta
from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    REFUSED = "refused"
    EXPIRED = "expired"


STATUS_LABELS = {
    Status.PENDING: "En attente de validation",
    Status.CONFIRMED: "Confirmée",
    Status.CHECKED_IN: "Présence constatée",
    Status.NO_SHOW: "Absence constatée",
    Status.CANCELLED: "Annulée",
    Status.REFUSED: "Refusée",
    Status.EXPIRED: "Expirée",
}

# Statuses in which a booking holds its slot (a past no-show held it too).
HOLDING_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.CHECKED_IN, Status.NO_SHOW)


class Actor(StrEnum):
    BOOKER = "booker"  # the person who booked
    MANAGER = "manager"  # a manager of the place, or Département staff
    SYSTEM = "system"  # scheduled jobs: expiry of pending bookings


S, A = Status, Actor
TRANSITIONS: dict[tuple[Status, Status], frozenset[Actor]] = {
    (S.PENDING, S.CONFIRMED): frozenset({A.MANAGER}),
    (S.PENDING, S.REFUSED): frozenset({A.MANAGER}),
    (S.PENDING, S.CANCELLED): frozenset({A.BOOKER, A.MANAGER}),
    (S.PENDING, S.EXPIRED): frozenset({A.SYSTEM}),
    (S.CONFIRMED, S.CHECKED_IN): frozenset({A.MANAGER}),
    (S.CONFIRMED, S.NO_SHOW): frozenset({A.MANAGER}),
    (S.CONFIRMED, S.CANCELLED): frozenset({A.BOOKER, A.MANAGER}),
    # A manager corrects a mistaken mark.
    (S.NO_SHOW, S.CHECKED_IN): frozenset({A.MANAGER}),
    (S.CHECKED_IN, S.NO_SHOW): frozenset({A.MANAGER}),
}


def may_change(current: Status, target: Status, actor: Actor) -> bool:
    return actor in TRANSITIONS.get((current, target), frozenset())


def cancellation_deadline(start: datetime, notice_hours: int) -> datetime:
    """The last instant (aware, UTC) at which the person who booked may still cancel a
    confirmed booking starting at `start` (aware) themselves, for a place asking
    `notice_hours` (0 or more) hours of notice: that many hours of elapsed time before the
    start, a change of clocks in between included (48 h before a Monday 9:00 after the
    October change is the Saturday 10:00). Cancelling at the deadline itself is still on
    time; one instant later is late."""
    return start.astimezone(UTC) - timedelta(hours=notice_hours)
