"""Instants the tests use: Paris wall-clock times, the suite's «now», a future Tuesday."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    """An aware Paris datetime: paris(2026, 12, 1, 8, 0)."""
    return datetime(*args, tzinfo=PARIS)


# A Tuesday morning, in the demo's horizon.
NOW = paris(2026, 12, 1, 8, 0)


def tuesday_ahead(weeks: int = 2) -> date:
    """A Tuesday at least `weeks` weeks from today: a whole week in the future, bookable."""
    day = date.today() + timedelta(weeks=weeks)
    return day + timedelta(days=(1 - day.weekday()) % 7)


DAY = tuesday_ahead()


def at(day: date, hour: int, minute: int = 0) -> str:
    """An instant of a Paris day, as the API writes it (ISO 8601 with the offset)."""
    return paris(day.year, day.month, day.day, hour, minute).isoformat()
