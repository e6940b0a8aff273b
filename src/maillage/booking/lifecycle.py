"""Which status changes a booking allows, and who may make them (pure: no Django)."""

from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    CHECKED_IN = "checked_in"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    REFUSED = "refused"
    EXPIRED = "expired"


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
