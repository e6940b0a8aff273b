"""A place's week and closures in OpenStreetMap's `opening_hours` syntax (pure: no Django).

Specification: https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification. What is
written is a small, always valid part of it:

- one rule per group of weekdays with the same ranges, in weekday order of their first day:
  «Mo-Fr 09:00-12:30,14:00-19:00; Sa 10:00-18:00». Days named by no rule are closed.
  A range closing at midnight (stored 00:00, places.schedule) ends at «24:00»; a week open
  around the clock on every day is «24/7».
- then one rule per closure, «2026 Dec 24-2027 Jan 01 off» (or «2026 Dec 25 off» for one
  day): a later rule overrides the earlier ones on the days it selects, so those days are
  closed whatever the week says.

A place without any opening range gives "" (unknown: the schema's field is then left empty,
as its documentation asks of a value not known)."""

from collections.abc import Iterable
from datetime import date

from maillage.places.schedule import DateRange, OpeningRange, clock_label

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ALWAYS = "00:00-24:00"


def _range(item: OpeningRange) -> str:
    """«09:00-12:30»; «20:00-24:00» for a range closing at midnight."""
    return f"{clock_label(item.opens)}-{clock_label(item.closes, closing=True)}"


def _day_runs(days: list[int]) -> str:
    """Weekdays (0 = Monday, sorted) as OSM's selector: runs of consecutive days as «Mo-We»,
    single days alone, joined by commas: [0, 1, 2, 4] → «Mo-We,Fr»."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAYS[run[0]] if len(run) == 1 else f"{DAYS[run[0]]}-{DAYS[run[-1]]}" for run in runs
    )


def week_rules(ranges: Iterable[OpeningRange]) -> list[str]:
    """The week's rules, one per group of weekdays with the same ranges (each group's days
    in order, groups ordered by their first day); [] for a week without any range, ["24/7"]
    for a week open around the clock every day."""
    by_day: dict[int, list[str]] = {}
    for item in sorted(ranges, key=lambda r: (r.weekday, r.opens)):
        by_day.setdefault(item.weekday, []).append(_range(item))
    if not by_day:
        return []
    if len(by_day) == len(DAYS) and all(times == [ALWAYS] for times in by_day.values()):
        return ["24/7"]
    groups: dict[str, list[int]] = {}
    for day in sorted(by_day):
        groups.setdefault(",".join(by_day[day]), []).append(day)
    return [f"{_day_runs(days)} {times}" for times, days in groups.items()]


def _date(day: date) -> str:
    """«2026 Dec 24»: OSM's date with its year (a closure is one dated period, not yearly)."""
    return f"{day.year} {MONTHS[day.month - 1]} {day.day:02d}"


def closure_rule(closure: DateRange) -> str:
    """«2026 Dec 25 off» for one day, «2026 Dec 24-2027 Jan 01 off» for several."""
    if closure.start == closure.end:
        return f"{_date(closure.start)} off"
    return f"{_date(closure.start)}-{_date(closure.end)} off"


def opening_hours(ranges: Iterable[OpeningRange], closures: Iterable[DateRange] = ()) -> str:
    """The `opening_hours` value of a week and its closures (ordered by first day), rules
    joined by «; »; "" when the week has no range (hours unknown, whatever the closures)."""
    rules = week_rules(ranges)
    if not rules:
        return ""
    rules += [closure_rule(c) for c in sorted(closures, key=lambda c: (c.start, c.end))]
    return "; ".join(rules)
