from datetime import date

import pytest
from django.core.exceptions import ValidationError

from maillage.core.money import EurosField
from maillage.core.templatetags.maillage import date_fr
from maillage.core.text import euros, fold, minutes, percent, with_de


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Sèvres", "sevres"),
        ("Châtenay-Malabry", "chatenay-malabry"),
        ("Œuvre", "oeuvre"),
        ("L’Haÿ-les-Roses", "l'hay-les-roses"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Antony", "d'Antony"),
        ("Issy-les-Moulineaux", "d'Issy-les-Moulineaux"),
        ("Boulogne-Billancourt", "de Boulogne-Billancourt"),
        ("Écouen", "d'Écouen"),
        ("Le Nid Bois-Colombes", "du Nid Bois-Colombes"),
        ("Les Ateliers du Parc", "des Ateliers du Parc"),
        ("La Ruche", "de La Ruche"),
        ("L'Atelier", "de L'Atelier"),
        ("Exporter ses services", "d'Exporter ses services"),
        ("Lecture", "de Lecture"),
        ("Lestrem", "de Lestrem"),
        ("", "de "),
    ],
)
def test_with_de(name, expected):
    assert with_de(name) == expected


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("12,50", 1250),
        ("12.5", 1250),
        ("0", 0),
        ("1 200", 120000),
        ("1\u00a0200,50 €", 120050),
        ("1\u202f200", 120000),
        ("3,330", 333),
        ("999 999 999,99", 99_999_999_999),
        # Beyond any field's range, read exactly (the model's validators refuse it by name).
        ("9" * 27, int("9" * 27) * 100),
        ("1" * 60 + ",10", int("1" * 60) * 100 + 10),
        ("", None),
    ],
)
def test_euros_field_reads_euros(typed, cents):
    assert EurosField(required=False).clean(typed) == cents


@pytest.mark.parametrize(
    ("typed", "rule"),
    [
        ("-1", "positif"),
        ("douze", "en chiffres"),
        ("1e5", "en chiffres"),
        ("١٠", "en chiffres"),
        ("１２", "en chiffres"),
        ("12,5,0", "en chiffres"),
        ("NaN", "en chiffres"),
        ("0,005", "deux décimales"),
        ("3,333", "deux décimales"),
        ("9" * 40 + ",001", "deux décimales"),
    ],
)
def test_euros_field_refuses_what_it_would_round(typed, rule):
    """Never rounded: a clear refusal naming the rule. (Each amount's range is its model
    field's validators', with the field's name.)"""
    with pytest.raises(ValidationError, match=rule):
        EurosField(required=False).clean(typed)


def test_euros_field_reads_a_wrong_amount_as_changed():
    """Formsets ask has_changed before validating: a wrong amount is a change, never an
    exception (validation then names the rule)."""
    field = EurosField(required=False)
    assert field.has_changed(1250, "abc") and field.has_changed(1250, "1,234")
    assert not field.has_changed(1250, "12,50")


def test_euros_field_shows_cents_as_euros():
    field = EurosField(required=False)
    assert str(field.prepare_value(1250)) == "12.50"


def test_display_filters():
    assert euros(1250) == "12,50 €"
    assert euros(200000) == "2\u202f000 €"
    assert euros(None) == "—"
    assert (euros(-50), euros(-1250), euros(-200000)) == ("-0,50 €", "-12,50 €", "-2\u202f000 €")
    assert percent(0.4031) == "40,3\u00a0%"
    assert minutes(19.46) == "19,5\u00a0min"
    assert minutes(float("inf")) == "—"
    assert date_fr(date(2026, 6, 1)) == "1er juin 2026"
    assert date_fr(date(2026, 12, 25)) == "25 décembre 2026"


def test_french_number_with_and_without_a_number_of_decimals():
    from maillage.core.text import french_number

    assert french_number(100_000) == "100\u202f000"
    assert french_number(2.5) == "2,5"
    assert french_number(12.0) == "12"
    assert french_number(1234.56, 1) == "1\u202f234,6"
    assert french_number(2.0, 1) == "2,0"


def test_french_numbers_and_dates_are_written_in_core_only():
    """One home per rule: French number formatting is core.text.french_number, month names
    core.dates.long_date; a second copy elsewhere drifts (it did: three number writers)."""
    from pathlib import Path

    import maillage

    core = Path(maillage.__file__).parent / "core"
    copies = [
        str(path)
        for path in Path(maillage.__file__).parent.rglob("*.py")
        if core not in path.parents
        and "migrations" not in path.parts
        and any(
            mark in path.read_text()
            for mark in ('.replace(".", ",")', '.replace(",", "\\u202f")', '"décembre"')
        )
    ]
    assert copies == []
