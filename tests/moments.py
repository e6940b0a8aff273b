"""Instants the tests use: Paris wall-clock times, the suite's wall clock, its «now», a future
Tuesday."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime:
    """An aware Paris datetime: paris(2026, 12, 1, 8, 0)."""
    return datetime(*args, tzinfo=PARIS)


# Where the wall clock stands when the suite starts (tests.fixtures.clock moves it there; it
# then runs on): the fixed dates of the tests keep their place relative to «today» whatever
# day the suite runs on.
SUITE_CLOCK = paris(2026, 11, 30, 9, 0)

# A Tuesday morning after SUITE_CLOCK, in the demo's horizon.
NOW = paris(2026, 12, 1, 8, 0)


def tuesday_ahead(weeks: int = 2, today: date | None = None) -> date:
    """A Tuesday at least `weeks` weeks after `today` (the suite's date.today() by default): a
    whole week in the future, bookable."""
    day = (today or date.today()) + timedelta(weeks=weeks)
    return day + timedelta(days=(1 - day.weekday()) % 7)


# Computed when this module is first imported, possibly before the clock is moved.
DAY = tuesday_ahead(today=SUITE_CLOCK.date())


def at(day: date, hour: int, minute: int = 0) -> str:
    """An instant of a Paris day, as the API writes it (ISO 8601 with the offset)."""
    return paris(day.year, day.month, day.day, hour, minute).isoformat()
