"""The waiting list's rules (pure: no Django).

An event's waiting list is ordered by when each entry joined it, then by its id (the
registration's `waiting_since`, `id`). When seats free up (a cancellation, a decline, an
offer that lapsed, the organiser raising the capacity), `offers` says which entries they are
offered to: in order, to each entry they fit, the seats it asks taken from those left. An
entry asking for more seats than are left keeps its rank and is passed by; a later, smaller
entry may then get seats. An offer holds the seats until `hold_until`: the organiser's hold
(hours) after the offer, never past the registration deadline.

Instants are aware datetimes; seats are whole numbers.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta


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


def hold_until(now: datetime, hold_hours: int, registration_closes_at: datetime) -> datetime | None:
    """Until when seats offered at `now` are held for the entry: `hold_hours` (≥ 1) later,
    and never past the registration deadline `registration_closes_at`. None when the deadline
    is already reached (at or before `now`): then no offer is made at all, the freed seats
    stay free, and registration is closed, so no one takes them (the organiser may still see
    the waiting list and contact it)."""
    end = min(now + timedelta(hours=hold_hours), registration_closes_at)
    return end if end > now else None


def rank_text(rank: int) -> str:
    """A waiting entry's rank (1 or more) as the person reads it: «1re position sur la liste
    d'attente», «3e position sur la liste d'attente» (French ordinals, feminine)."""
    ordinal = "1re" if rank == 1 else f"{rank}e"
    return f"{ordinal} position sur la liste d'attente"
