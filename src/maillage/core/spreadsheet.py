"""CSV files for French spreadsheets: `;` between cells, a UTF-8 byte order mark, amounts
with a decimal comma, and cells that a spreadsheet cannot run as formulas."""

import csv
import io
import re
from collections.abc import Iterable, Sequence

# What makes a spreadsheet read a cell as a formula (OWASP «CSV injection»).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A negative amount (amount()) is a number, not a formula: it is written as it is.
NEGATIVE_AMOUNT = re.compile(r"-\d+,\d\d")
# A number as programs write it, with a decimal point.
POINT_DECIMAL = re.compile(r"\d+\.\d+")


def cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula (=, +, -, @, tab,
    carriage return) is prefixed with an apostrophe, unless it is a negative amount
    («-6,00»)."""
    text = str(value)
    if NEGATIVE_AMOUNT.fullmatch(text):
        return text
    return "'" + text if text[:1] in FORMULA_STARTS else text


def amount(cents: int | None) -> str:
    """Cents as a spreadsheet's French number of euros: 2050 → «20,50», -600 → «-6,00»; an
    empty cell for None (no amount)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100},{abs(cents) % 100:02d}"


def decimal_comma(text: str) -> str:
    """A number written with a decimal point, as in a file for programs («0.1234»), with a
    French decimal comma («0,1234»); any other text as it is."""
    return text.replace(".", ",") if POINT_DECIMAL.fullmatch(text) else text


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
