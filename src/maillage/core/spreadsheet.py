"""CSV files for French spreadsheets: `;` between cells, a UTF-8 byte order mark, amounts
with a decimal comma, and cells that a spreadsheet cannot run as formulas."""

import csv
import io
from collections.abc import Iterable, Sequence

# What makes a spreadsheet read a cell as a formula (OWASP «CSV injection»).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula (=, +, -, @, tab,
    carriage return) is prefixed with an apostrophe."""
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def amount(cents: int | None) -> str:
    """Cents (not negative) as a spreadsheet's French number of euros: 2050 → «20,50»; an
    empty cell for None (no amount)."""
    return "" if cents is None else f"{cents // 100},{cents % 100:02d}"


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The CSV text of `header` and `rows`: `;` between cells, a UTF-8 byte order mark first,
    every cell through `cell`."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow([cell(value) for value in header])
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()
