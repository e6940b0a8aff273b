"""Opening hours and exceptional closures: their one definition, and the rules a place's
are held to (pure: no Django).

`OpeningRange` and `DateRange` are read by the availability core (booking.availability) too,
which computes with them; what a place stores passes `opening_hours_errors` and
`closure_errors`. A range closing at 00:00 closes at midnight, the end of its day (24:00):
everywhere (this module, the availability core, the database's constraint) reads it so, and
00:00–00:00 is a day open around the clock."""

from dataclasses import dataclass
from datetime import date, time, timedelta

WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

# A closure longer than a year is a closed place, not a closure.
MAX_CLOSURE_DAYS = 366
# Closures are planned at most this far ahead and recorded at most this far back.
MAX_CLOSURE_AHEAD = timedelta(days=3 * 365)
MAX_CLOSURE_BEHIND = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class OpeningRange:
    """An opening range on a weekday (0 = Monday), in local wall-clock times (naive)."""

    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True, slots=True)
class DateRange:
    """An exceptional closure from `start` to `end` included, local dates (Europe/Paris)."""

    start: date
    end: date


MIDNIGHT = time(0)


def closes_at_midnight(item: OpeningRange) -> bool:
    """Whether the range closes at the end of its day (a closing time of 00:00 reads 24:00)."""
    return item.closes == MIDNIGHT


def since_midnight(moment: time) -> timedelta:
    """A wall-clock time as the time elapsed since its day's midnight."""
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def closing_offset(item: OpeningRange) -> timedelta:
    """When the range closes, after its day's midnight: 24 hours for 00:00."""
    return timedelta(days=1) if closes_at_midnight(item) else since_midnight(item.closes)


def clock_label(moment: time, *, closing: bool = False) -> str:
    """A time as people read it, «09:30»; a closing 00:00 reads «24:00» (the day's end)."""
    return "24:00" if closing and moment == MIDNIGHT else f"{moment:%H:%M}"


def range_label(item: OpeningRange) -> str:
    """«09:00–19:00», «20:00–24:00», «00:00–24:00» (open around the clock)."""
    return f"{clock_label(item.opens)}–{clock_label(item.closes, closing=True)}"


def opening_range_error(item: OpeningRange) -> str | None:
    if not 0 <= item.weekday <= 6:
        return "Le jour doit être compris entre lundi et dimanche."
    if not closes_at_midnight(item) and item.closes <= item.opens:
        return (
            f"{WEEKDAY_NAMES[item.weekday].capitalize()} : l'heure de fermeture "
            f"({item.closes:%H:%M}) doit être après l'heure d'ouverture ({item.opens:%H:%M}) ; "
            "00:00 ferme à minuit, à la fin de la journée."
        )
    return None


def overlapping_opening_ranges(
    ranges: list[OpeningRange],
) -> list[tuple[OpeningRange, OpeningRange]]:
    """Pairs of ranges of the same day that overlap (touching ranges, 12:30 and 12:30, do not;
    a range closing at 00:00 runs to the day's end)."""
    overlaps = []
    ordered = sorted(ranges, key=lambda r: (r.weekday, r.opens, closing_offset(r)))
    for index, current in enumerate(ordered):
        for following in ordered[index + 1 :]:
            if following.weekday != current.weekday or since_midnight(
                following.opens
            ) >= closing_offset(current):
                break
            overlaps.append((current, following))
    return overlaps


def opening_hours_errors(ranges: list[OpeningRange]) -> list[str]:
    errors = [e for e in map(opening_range_error, ranges) if e]
    for first, second in overlapping_opening_ranges(ranges):
        errors.append(
            f"{WEEKDAY_NAMES[first.weekday].capitalize()} : les plages "
            f"{range_label(first)} et {range_label(second)} se chevauchent."
        )
    return errors


def closure_errors(closure: DateRange, today: date, others: list[DateRange]) -> list[str]:
    """Why a closure of a place is refused, given the place's other closures."""
    if closure.end < closure.start:
        return ["La date de fin doit être le même jour ou après la date de début."]
    errors = []
    length = (closure.end - closure.start).days + 1
    if length > MAX_CLOSURE_DAYS:
        errors.append(
            f"Une fermeture exceptionnelle dure au plus {MAX_CLOSURE_DAYS} jours "
            f"(ici {length}) : au-delà, passez le lieu au statut « Fermé »."
        )
    if closure.end < today - MAX_CLOSURE_BEHIND:
        errors.append("Une fermeture ne peut pas se terminer plus d'un an dans le passé.")
    if closure.start > today + MAX_CLOSURE_AHEAD:
        errors.append("Une fermeture ne peut pas commencer plus de trois ans à l'avance.")
    for other in others:
        if other.start <= closure.end and closure.start <= other.end:
            errors.append(
                f"Cette fermeture chevauche celle du {other.start:%d/%m/%Y} "
                f"au {other.end:%d/%m/%Y}."
            )
    return errors
