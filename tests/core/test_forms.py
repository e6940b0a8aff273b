"""core.forms.day_within: the one check of a form's day against its page's range."""

from datetime import date

import pytest
from django import forms

from maillage.core.dates import DateRange
from maillage.core.forms import day_within

ALLOWED = DateRange(date(2026, 12, 1), date(2026, 12, 31))


class PeriodForm(forms.Form):
    du = forms.DateField(label="Du", required=False)

    def clean_du(self):
        return day_within(self, "du", ALLOWED)


@pytest.mark.parametrize("raw", ["", "2026-12-01", "2026-12-31"])
def test_an_empty_day_or_one_within_the_range_is_kept(raw):
    form = PeriodForm({"du": raw})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["du"] == (date.fromisoformat(raw) if raw else None)


@pytest.mark.parametrize("raw", ["2026-11-30", "2027-01-01", "9999-12-31"])
def test_a_day_outside_is_refused_under_its_field_naming_the_range(raw):
    form = PeriodForm({"du": raw})
    assert not form.is_valid()
    assert form.errors == {
        "du": ["choisissez une date entre le 1er décembre 2026 et le 31 décembre 2026."]
    }
