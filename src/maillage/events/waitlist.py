"""The waiting list's rules (pure: no Django).

An event's waiting list is ordered by when each entry joined it, then by its id (the
registration's `waiting_since`, `id`). When seats free up (a cancellation, a decline, an
offer that lapsed, the organiser raising the capacity), `offers` says which entries they are
offered to: in order, to each entry they fit, the seats it asks taken from those left. An
entry asking for more seats than are left keeps its rank and is passed by; a later, smaller
entry may then get seats. An offer holds the seats until `hold_until`: the organiser's hold
(hours) after the offer, never past the registration deadline; no offer is made when less
than MIN_OFFER_HOLD would be left before the deadline (offers lapse by a sweep every few
minutes: a hold of a few minutes could not be used), and the seats stay free until
registration closes. A newcomer registering comes behind the waiting list: free seats go to
the waiting entries they fit first (`left_for_newcomer`).

Instants are aware datetimes; seats are whole numbers.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# The shortest hold worth offering seats for: an entry must be able to read its email and
# answer, and lapsed offers are swept every few minutes.
MIN_OFFER_HOLD = timedelta(hours=1)


@dataclass(frozen=True)
class Waiting:
    """A waiting entry as the offer reads it: its registration's `id` and the `seats` it
    asks (at least 1)."""

    id: int
    seats: int


def offers(free: int, waiting: Iterable[Waiting]) -> list[int]:
    """The ids of the entries that get an offer of the `free` seats (0 or more), in the
    waiting list's order: each entry whose seats fit in what is left takes them; one that
    does not fit is passed by, keeping its rank. Never offers more than `free` seats in all,
    and never passes an entry that fits what is left when its turn comes."""
    chosen = []
    left = free
    for entry in waiting:
        if left <= 0:
            break
        if entry.seats <= left:
            chosen.append(entry.id)
            left -= entry.seats
    return chosen


def left_for_newcomer(free: int, waiting: Iterable[Waiting]) -> int:
    """How many of the `free` seats a newcomer may take: those left once the waiting entries
    they fit have had theirs (`offers`), the newcomer coming last. Free seats and waiting
    entries they fit coexist when no offer could be made (less than MIN_OFFER_HOLD before
    the deadline, or registration reopened); a newcomer never passes those entries."""
    entries = list(waiting)
    asked = {entry.id: entry.seats for entry in entries}
    return free - sum(asked[pk] for pk in offers(free, entries))


def one_after_another(capacity: int, asked: Iterable[tuple[int, int]]) -> dict[int, bool]:
    """What each registration `(id, seats)` gets when they come one after another, in this
    order, for an event of `capacity` seats with a waiting list and nothing freed meanwhile:
    id → True when registered, False when it waits (a newcomer comes behind the waiting
    entries the seats left fit, `left_for_newcomer`). The outcome a race must equal, in the
    order the database took the registrations."""
    free, queue, registered = capacity, list[Waiting](), {}
    for pk, seats in asked:
        registered[pk] = seats <= left_for_newcomer(free, queue)
        if registered[pk]:
            free -= seats
        else:
            queue.append(Waiting(pk, seats))
    return registered


def hold_until(now: datetime, hold_hours: int, registration_closes_at: datetime) -> datetime | None:
    """Until when seats offered at `now` are held for the entry: `hold_hours` (≥ 1) later,
    and never past the registration deadline `registration_closes_at`. None when that leaves
    less than MIN_OFFER_HOLD (the deadline reached, or too close): then no offer is made at
    all and the freed seats stay free until registration closes (newcomers come behind the
    waiting entries they fit, `left_for_newcomer`, so no one takes them); the organiser may
    still see the waiting list and contact it."""
    end = min(now + timedelta(hours=hold_hours), registration_closes_at)
    return end if end - now >= MIN_OFFER_HOLD else None


def ordinal(rank: int) -> str:
    """A rank (1 or more) as a French feminine ordinal: «1re», «3e»."""
    return "1re" if rank == 1 else f"{rank}e"


def rank_text(rank: int) -> str:
    """A waiting entry's rank (1 or more) as the person reads it: «1re position sur la liste
    d'attente», «3e position sur la liste d'attente» (French ordinals, feminine)."""
    return f"{ordinal(rank)} position sur la liste d'attente"
