"""What every app's forms share: a day read by a form checked against the range of days its
page accepts (core.dates.DateRange), refused under its field in French; a service's refusal
shown on the page's form."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from maillage.core.dates import DateRange


def day_within(form: forms.BaseForm, name: str, allowed: DateRange) -> date | None:
    """The day of `form`'s field `name` (already cleaned: a date or None) when it is empty or
    within `allowed`; otherwise ValidationError «choisissez une date entre le … et le ….»
    (DateRange.refusal), which the form shows under that field. For a form's
    `clean_<name>`: `return day_within(self, "du", allowed)`."""
    day: date | None = form.cleaned_data.get(name)
    if day is None:
        return None
    refusal = allowed.refusal(day)
    if refusal is not None:
        raise forms.ValidationError(refusal, "date_out_of_range")
    return day


def attach(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError next to the form's fields it names (the others, and an
    error naming no field, above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, found in error.message_dict.items():
        form.add_error(field if field in form.fields else None, found)
