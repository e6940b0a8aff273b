import math

import pytest
from django.core.exceptions import ValidationError

from maillage.core.money import EurosField
from maillage.core.text import french_number
from maillage.core.validators import (
    FiniteNumber,
    MultiLine,
    SingleLine,
    between,
    euros_between,
    real_between,
)


def run(validators, value) -> list[str]:
    """The messages `validators` give for `value`, as a model field would collect them."""
    messages = []
    for validator in validators:
        try:
            validator(value)
        except ValidationError as error:
            messages += error.messages
    return messages


@pytest.mark.parametrize(
    "text",
    [
        "Atelier\r\nBcc: x@example.org",
        "Atelier\n",
        "A\tB",
        "A\x00B",
        "A\x1bB",
        "A\x85B",
        "A\u2028B",
        "Collège\u202eX",  # a bidirectional override: shown reversed
        "A\u2066B",
    ],
)
def test_a_single_line_refuses_line_breaks_and_controls(text):
    assert run([SingleLine("Le nom")], text) == [
        "Le nom ne peut pas contenir de retour à la ligne ni de caractère de contrôle."
    ]


@pytest.mark.parametrize("text", ["La Ruche — Sèvres", "L’Atelier « 92 »", "Café\u00a0&\u202fCo"])
def test_a_single_line_keeps_any_printable_text(text):
    assert run([SingleLine("Le nom")], text) == []


def test_multi_line_text_keeps_line_breaks_and_tabs():
    assert run([MultiLine("La description")], "Un\r\nDeux\n\tTrois") == []


@pytest.mark.parametrize("text", ["A\x00B", "A\x0bB", "A\x7fB", "A\x9bB", "A\u202dB"])
def test_multi_line_text_refuses_nul_and_other_controls(text):
    assert run([MultiLine("La description")], text) == [
        "La description ne peut pas contenir de caractère de contrôle "
        "(seuls les retours à la ligne et les tabulations sont admis)."
    ]


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_a_finite_number_refuses_infinities_and_nan(value):
    assert run([FiniteNumber("Le poids")], value) == ["Le poids doit être un nombre fini."]


@pytest.mark.parametrize("value", [0, 1, 100_000])
def test_between_keeps_its_bounds(value):
    assert run(between(0, 100_000, "La surface", "m²"), value) == []


@pytest.mark.parametrize("value", [-1, 100_001, 2**31, 10**20])
def test_between_names_the_field_and_the_range(value):
    assert run(between(0, 100_000, "La surface", "m²"), value) == [
        "La surface doit être entre 0 et 100\u202f000\u00a0m²."
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (math.inf, "La latitude doit être un nombre fini."),
        (-math.inf, "La latitude doit être un nombre fini."),
        (math.nan, "La latitude doit être un nombre fini."),
        (1e308, "La latitude doit être entre -90 et 90."),
        (-91.0, "La latitude doit être entre -90 et 90."),
    ],
)
def test_real_between_gives_one_message_per_fault(value, message):
    assert run(real_between(-90, 90, "La latitude"), value) == [message]
    assert run(real_between(-90, 90, "La latitude"), 48.8) == []


def test_euros_between_speaks_in_euros_of_an_amount_in_cents():
    assert run(euros_between(0, 100_000_00, "Le prix"), 100_000_01) == [
        "Le prix doit être entre 0 et 100\u202f000\u00a0€."
    ]
    assert run(euros_between(0, 100_000_00, "Le prix"), 100_000_00) == []


@pytest.mark.parametrize(
    ("value", "text"), [(10_000, "10\u202f000"), (-400_000, "-400\u202f000"), (2.5, "2,5")]
)
def test_french_number(value, text):
    assert french_number(value) == text


def test_validators_compare_by_value_so_migrations_stay_stable():
    assert SingleLine("Le nom") == SingleLine("Le nom") != SingleLine("L'adresse")
    assert MultiLine("Les notes") == MultiLine("Les notes")
    assert FiniteNumber("Le poids") == FiniteNumber("Le poids")


def test_the_verb_agrees_with_a_plural_subject():
    assert run([MultiLine("Les notes")], "\x00") == [
        "Les notes ne peuvent pas contenir de caractère de contrôle "
        "(seuls les retours à la ligne et les tabulations sont admis)."
    ]
    assert run([SingleLine("Les codes postaux")], "\n") == [
        "Les codes postaux ne peuvent pas contenir de retour à la ligne "
        "ni de caractère de contrôle."
    ]


@pytest.mark.parametrize("typed", ["nan", "inf", "-Infinity", "sNaN"])
def test_euros_typed_as_a_non_finite_number_are_refused_not_a_crash(typed):
    with pytest.raises(ValidationError, match="en chiffres"):
        EurosField(required=False).clean(typed)
