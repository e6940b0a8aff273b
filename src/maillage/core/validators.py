"""Rules every stored text and number obeys, whatever the entry point (page, API, import).

Models carry them as field validators, so `full_clean()` (admin and ModelForms, services,
imports) refuses the same values on SQLite and PostgreSQL: PostgreSQL would refuse a number
beyond its column with an error (a 500), SQLite would store it.
"""

import math
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.deconstruct import deconstructible

from maillage.core.text import NOT_MULTI_LINE, NOT_ONE_LINE, french_number, looks_like_link

FRENCH_PHONE = re.compile(r"(?:\+33 ?|0)[1-9](?:[ .-]?\d{2}){4}")


def validate_french_phone(value: str) -> None:
    """A French phone number: 10 digits (01 23 45 67 89, dots or dashes allowed) or
    +33 1 23 45 67 89; ValidationError (code "phone") in French otherwise."""
    if not FRENCH_PHONE.fullmatch(value.strip()):
        raise ValidationError(
            "Numéro de téléphone invalide : 10 chiffres (01 23 45 67 89) ou +33 1 23 45 67 89.",
            code="phone",
        )


def normalize_french_phone(value: str) -> str:
    """A valid French phone number (see validate_french_phone) spelled the one stored way,
    «01 23 45 67 89»; "" for a blank value. ValidationError if not a French number."""
    if not value.strip():
        return ""
    validate_french_phone(value)
    digits = re.sub(r"\D", "", value)
    national = "0" + digits[2:] if digits.startswith("33") and len(digits) == 11 else digits
    return " ".join(national[i : i + 2] for i in range(0, 10, 2))


def _cannot(subject: str) -> str:
    """«Le nom ne peut pas», «Les notes ne peuvent pas»: the verb agrees with the subject."""
    return f"{subject} ne peuvent pas" if subject.startswith("Les ") else f"{subject} ne peut pas"


@deconstructible
class SingleLine:
    """One line of text (a name, an address): no line break, tab, NUL or other control.

    `subject` starts the French message: «Le nom», «L'adresse».
    """

    def __init__(self, subject: str):
        self.subject = subject

    def __call__(self, value: str) -> None:
        if NOT_ONE_LINE.search(str(value)):
            raise ValidationError(
                f"{_cannot(self.subject)} contenir de retour à la ligne "
                "ni de caractère de contrôle.",
                code="control_character",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingleLine) and other.subject == self.subject


@deconstructible
class PersonName(SingleLine):
    """A person's first or last name: one line, and no link (a name is shown in emails, where
    «www.exemple.fr» would become a link chosen by whoever typed it)."""

    def __call__(self, value: str) -> None:
        super().__call__(value)
        if looks_like_link(str(value)):
            raise ValidationError(
                f"{_cannot(self.subject)} contenir de lien ni d'adresse de site "
                "(« www. », « :// », « exemple.fr »).",
                code="link",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PersonName) and other.subject == self.subject


@deconstructible
class MultiLine:
    """Text of several lines (a description): line breaks and tabs, no NUL or other control."""

    def __init__(self, subject: str):
        self.subject = subject

    def __call__(self, value: str) -> None:
        if NOT_MULTI_LINE.search(str(value)):
            raise ValidationError(
                f"{_cannot(self.subject)} contenir de caractère de contrôle "
                "(seuls les retours à la ligne et les tabulations sont admis).",
                code="control_character",
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MultiLine) and other.subject == self.subject


@deconstructible
class FiniteNumber:
    """A real number: refuses infinities and NaN (which PostgreSQL would store and every sum
    or map built on them would then carry)."""

    def __init__(self, subject: str):
        self.subject = subject

    def __call__(self, value: float) -> None:
        if not math.isfinite(value):
            raise ValidationError(f"{self.subject} doit être un nombre fini.", code="not_finite")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FiniteNumber) and other.subject == self.subject


def between(
    low: float, high: float, subject: str, unit: str = ""
) -> list[MinValueValidator | MaxValueValidator]:
    """Min and max validators for `low ≤ value ≤ high`, one French message naming the field:
    «La surface doit être entre 1 et 100 000 m².» Django's integer fields then add no
    database-dependent range of their own."""
    suffix = f"\u00a0{unit}" if unit else ""
    message = f"{subject} doit être entre {french_number(low)} et {french_number(high)}{suffix}."
    return [MinValueValidator(low, message), MaxValueValidator(high, message)]


class RealAtLeast(MinValueValidator):
    """MinValueValidator leaving infinities and NaN to FiniteNumber: one message each."""

    def compare(self, a: Any, b: Any) -> bool:
        return math.isfinite(a) and a < b


class RealAtMost(MaxValueValidator):
    """MaxValueValidator leaving infinities and NaN to FiniteNumber: one message each."""

    def compare(self, a: Any, b: Any) -> bool:
        return math.isfinite(a) and a > b


def real_between(
    low: float, high: float, subject: str, unit: str = ""
) -> list[FiniteNumber | MinValueValidator | MaxValueValidator]:
    """`between` for a FloatField, which also refuses infinities and NaN."""
    at_least, at_most = between(low, high, subject, unit)
    return [
        FiniteNumber(subject),
        RealAtLeast(low, at_least.message),
        RealAtMost(high, at_most.message),
    ]


def euros_between(
    low_cents: int, high_cents: int, subject: str
) -> list[MinValueValidator | MaxValueValidator]:
    """`between` for an amount kept in cents (a CentsField), told in euros to the people who
    type it: «Le prix à l'heure doit être entre 0 et 100 000 €.»"""
    message = (
        f"{subject} doit être entre {french_number(low_cents // 100)} "
        f"et {french_number(high_cents // 100)}\u00a0€."
    )
    return [MinValueValidator(low_cents, message), MaxValueValidator(high_cents, message)]


def one_line(field: str, max_length: int) -> Q:
    """A name's rule as a database condition, so that SQLite refuses what PostgreSQL refuses
    (SQLite ignores varchar lengths) and no line break reaches emails or calendar feeds."""
    return (
        Q(LessThanOrEqual(Length(field), max_length))
        & ~Q(**{f"{field}__contains": "\n"})
        & ~Q(**{f"{field}__contains": "\r"})
    )
