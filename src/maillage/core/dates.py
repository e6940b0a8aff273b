"""Dates and instants received from outside (URLs, forms, API bodies): one parser, one range.

Pure (no Django). Every entry point reads a date or an instant through these functions, so that
a malformed, impossible or absurd value gets the same French refusal on every page, in the API
and on both databases, before anything is computed or written.

The allowed range is [today − PAST_YEARS, today + horizon]: a booking's horizon is the space's
(`max_advance_days`) or READ_HORIZON_YEARS when it sets none; public read views (week, slots,
search) reach READ_HORIZON_YEARS ahead.

Formats: ISO 8601 calendar dates (`YYYY-MM-DD`) and ISO 8601 / RFC 3339 date-times with a UTC
offset (`2026-12-02T09:00:00+01:00`, `…Z`). Offsets are limited to the ones in use on Earth,
UTC−12:00 to UTC+14:00.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

PAST_YEARS = 1
READ_HORIZON_YEARS = 2
MIN_OFFSET = timedelta(hours=-12)
MAX_OFFSET = timedelta(hours=14)

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_INSTANT = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)"
    r"(?P<offset>Z|[+-]\d{2}:\d{2})",
    re.ASCII | re.IGNORECASE,
)


class DateRefused(ValueError):
    """A date or instant that is malformed, impossible or out of range; str() is French."""


def long_date(day: date) -> str:
    """«1er décembre 2026», «30 novembre 2027»: a date as French text."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class DateRange:
    """The days a request may name, both ends included (Paris calendar dates)."""

    first: date
    last: date

    def refusal(self, day: date) -> str | None:
        """None when `day` is within the range; otherwise the French refusal naming the
        range, without a field's name («choisissez une date entre le … et le ….»): a form
        shows it under its field (core.forms.day_within)."""
        if self.first <= day <= self.last:
            return None
        return f"choisissez une date entre le {long_date(self.first)} et le {long_date(self.last)}."

    def check(self, day: date, label: str) -> date:
        """`day` itself, or DateRefused naming the field (`label`) and the allowed range."""
        refusal = self.refusal(day)
        if refusal is not None:
            raise DateRefused(f"« {label} » : {refusal}")
        return day


def years_later(day: date, years: int) -> date:
    """The same calendar day `years` later (earlier when negative); 29 February → 28."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def read_range(today: date) -> DateRange:
    """What public read views (week, slots, search) accept: a year back, two years ahead."""
    return DateRange(years_later(today, -PAST_YEARS), years_later(today, READ_HORIZON_YEARS))


def booking_range(today: date, horizon_days: int | None) -> DateRange:
    """What a booking may name: a year back, and the space's horizon in days (None: the
    read views' READ_HORIZON_YEARS) ahead."""
    last = (
        today + timedelta(days=horizon_days)
        if horizon_days
        else years_later(today, READ_HORIZON_YEARS)
    )
    return DateRange(years_later(today, -PAST_YEARS), last)


def parse_date(raw: object, label: str) -> date:
    """An ISO 8601 calendar date `YYYY-MM-DD`, or DateRefused naming the field (`label`)."""
    if not isinstance(raw, str) or not _DATE.fullmatch(raw):
        raise DateRefused(f"« {label} » : date AAAA-MM-JJ attendue (par exemple 2026-12-02).")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DateRefused(f"« {label} » : cette date n'existe pas ({raw}).") from None


def parse_instant(raw: object, label: str) -> datetime:
    """An ISO 8601 date-time with its UTC offset (aware datetime), or DateRefused naming the
    field (`label`): a missing offset, hour 24, second 60 or an offset outside
    UTC−12:00…UTC+14:00 are refused."""
    example = "par exemple 2026-12-02T09:00:00+01:00"
    match = _INSTANT.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        raise DateRefused(
            f"« {label} » : date et heure ISO 8601 avec fuseau attendues ({example})."
        )
    try:
        value = datetime.fromisoformat(match.group(0).upper().replace("Z", "+00:00"))
    except ValueError:
        raise DateRefused(
            f"« {label} » : cette date ou cette heure n'existe pas ({example})."
        ) from None
    offset = value.utcoffset()
    if offset is None or not MIN_OFFSET <= offset <= MAX_OFFSET:
        raise DateRefused(f"« {label} » : décalage horaire entre -12:00 et +14:00 attendu.")
    return value
