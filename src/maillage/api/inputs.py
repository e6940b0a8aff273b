"""What a partner app sends, read and checked before anything is computed or written.

Each reader returns the value or raises Invalid with a French message naming the field (the
body's key, the query parameter or the header), so that a malformed, absurd or oversized value
gets the same 400 on SQLite and PostgreSQL. Dates and instants go through maillage.core.dates.
"""

import json
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from maillage.core.dates import DateRange, DateRefused, parse_date, parse_instant
from maillage.core.text import ascii_digits, has_control_characters

# Database ids are 64-bit signed integers (BigAutoField).
MAX_ID = 2**63 - 1
# The longest span the API considers: beyond it no space's rules need reading.
MAX_SPAN = timedelta(days=31)


class Invalid(ValueError):
    """A value refused: `field` names it, str() is the French message."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON (RFC 8259)")


def json_object(body: bytes) -> dict[str, Any]:
    """A request body as a JSON object (RFC 8259, UTF-8 only); an empty body is {}.
    Raises Invalid (field «body») for anything else, including JSON nested too deep."""
    if not body:
        return {}
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise Invalid("body", "Le corps de la requête doit être encodé en UTF-8.") from None
    except RecursionError:
        raise Invalid("body", "Le corps de la requête est imbriqué trop profondément.") from None
    except ValueError:
        raise Invalid("body", "Le corps de la requête n'est pas du JSON valide.") from None
    if not isinstance(value, dict):
        raise Invalid("body", "Le corps de la requête doit être un objet JSON.")
    return value


def whole_number(raw: object, field: str, low: int, high: int) -> int:
    """A JSON integer (never a boolean, a float or a string) in [low, high]."""
    if not isinstance(raw, int) or isinstance(raw, bool) or not low <= raw <= high:
        raise Invalid(field, f"« {field} » : nombre entier entre {low} et {high} attendu.")
    return raw


def whole_number_param(raw: str | None, field: str, low: int, high: int) -> int:
    """A query parameter written in decimal digits, in [low, high]."""
    digits = raw is not None and ascii_digits(raw) and len(raw) <= len(str(high))
    if raw is None or not digits or not low <= int(raw) <= high:
        raise Invalid(field, f"« {field} » : nombre entier entre {low} et {high} attendu.")
    return int(raw)


def identifier(raw: object, field: str) -> int:
    """The id of a record, as a JSON integer."""
    if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= MAX_ID:
        raise Invalid(field, f"« {field} » : identifiant (entier positif) attendu.")
    return raw


def identifier_param(raw: str | None, field: str) -> int:
    """The id of a record, as a query parameter in decimal digits."""
    try:
        return whole_number_param(raw, field, 1, MAX_ID)
    except Invalid as error:
        raise Invalid(field, f"« {field} » : identifiant (entier positif) attendu.") from error


def plain_text(raw: object, field: str, max_length: int) -> str:
    """A JSON string of one line, at most `max_length` characters, without control
    characters (core.text.has_control_characters)."""
    if not isinstance(raw, str):
        raise Invalid(field, f"« {field} » : texte attendu.")
    if len(raw) > max_length:
        raise Invalid(field, f"« {field} » : {max_length} caractères au plus ({len(raw)} reçus).")
    if has_control_characters(raw):
        raise Invalid(
            field,
            f"« {field} » : le texte ne doit pas contenir de caractères de contrôle "
            "(retour à la ligne, tabulation, caractère nul…).",
        )
    return raw


def token_text(raw: str, field: str, max_length: int) -> str:
    """A header value such as a key: 1 to `max_length` printable ASCII characters."""
    if not 0 < len(raw) <= max_length or not all(" " <= c <= "~" for c in raw):
        raise Invalid(
            field,
            f"L'en-tête {field} compte de 1 à {max_length} caractères ASCII imprimables.",
        )
    return raw


def paris_day(moment: datetime) -> date:
    """The Paris date of an instant; an instant at the ends of the calendar (year 1 or 9999)
    that Paris time cannot represent keeps its own date, which no range accepts anyway."""
    try:
        return timezone.localdate(moment)
    except OverflowError:
        return moment.date()


def day_in(raw: object, field: str, allowed: DateRange) -> date:
    """An ISO 8601 date within `allowed`."""
    try:
        return allowed.check(parse_date(raw, field), field)
    except DateRefused as refusal:
        raise Invalid(field, str(refusal)) from None


def instant_in(raw: object, field: str, allowed: DateRange) -> datetime:
    """An ISO 8601 instant with its offset whose Paris date lies within `allowed`."""
    try:
        moment = parse_instant(raw, field)
        allowed.check(paris_day(moment), field)
    except DateRefused as refusal:
        raise Invalid(field, str(refusal)) from None
    return moment
