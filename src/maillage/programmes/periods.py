"""Periods of credits, caps and quotas, and the days a booking counts (pure: no Django).

Days are Paris calendar days. The school year runs from 1 September to 31 August (the Pass+
Hauts-de-Seine's year); a week from Monday to Sunday.
"""

from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class PeriodKind(StrEnum):
    """The one definition of the periods (programmes.models.Period's values)."""

    SCHOOL_YEAR = "school_year"
    CALENDAR_YEAR = "calendar_year"
    MONTH = "month"
    WEEK = "week"


def period_start(kind: str, day: date) -> date:
    """The first day of the period of `kind` (a PeriodKind value) that holds `day`."""
    match PeriodKind(kind):
        case PeriodKind.SCHOOL_YEAR:
            return date(day.year if day.month >= 9 else day.year - 1, 9, 1)
        case PeriodKind.CALENDAR_YEAR:
            return date(day.year, 1, 1)
        case PeriodKind.MONTH:
            return day.replace(day=1)
        case PeriodKind.WEEK:
            return day - timedelta(days=day.weekday())


def booking_days(start: datetime, end: datetime) -> list[date]:
    """The Paris days [start, end) (aware instants, start < end) meets, in order."""
    first = start.astimezone(PARIS).date()
    last = (end - timedelta(microseconds=1)).astimezone(PARIS).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def minutes_of(start: datetime, end: datetime) -> int:
    """Whole minutes of [start, end), a started minute counting (as pricing counts them)."""
    return -(-(end - start) // timedelta(minutes=1))
