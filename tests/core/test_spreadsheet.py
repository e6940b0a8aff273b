"""Cells for French spreadsheets: amounts with a decimal comma, signed; formulas defused."""

import pytest

from maillage.core.spreadsheet import amount, cell, csv_text, decimal_comma


@pytest.mark.parametrize(
    ("cents", "shown"), [(2050, "20,50"), (5, "0,05"), (0, "0,00"), (-600, "-6,00"), (-5, "-0,05")]
)
def test_amounts_are_euros_with_a_comma(cents, shown):
    assert amount(cents) == shown


def test_a_negative_amount_stays_a_number_and_a_formula_is_defused():
    assert cell(amount(-1250)) == "-12,50"
    for formula in ("-2+3", "-1", "=SUM(A1)", "+1", "@cmd", "-1,50,2"):
        assert cell(formula) == "'" + formula
    assert csv_text(["Montant"], [[amount(-600)]]) == "\ufeffMontant\r\n-6,00\r\n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [("0.1234", "0,1234"), ("12.50", "12,50"), ("1654712", "1654712"), ("", "")]
    + [("Hauts-de-Seine", "Hauts-de-Seine"), ("1.2.3", "1.2.3"), ("v1.2", "v1.2")],
)
def test_a_point_decimal_gets_a_comma_and_other_text_stays(text, shown):
    assert decimal_comma(text) == shown
