"""Every date, time and number a page's form reads goes through one rule: dates and times by
their strict fields (core.dates), numbers within stated bounds. A new form field of these kinds
fails here until it follows the rule."""

import copy
import importlib
import inspect
import pkgutil

import pytest
from django import forms

import maillage
from maillage.booking.forms import ClockTimeField, IsoDateField
from maillage.web.filters import PlaceFilter

# Numbers bounded elsewhere, and where.
BOUNDED_ELSEWHERE = {
    "ModelRunForm.p": "at most the number of candidate sites (observatory.services)",
}


def page_forms():
    for module_info in pkgutil.iter_modules(maillage.__path__):
        try:
            module = importlib.import_module(f"maillage.{module_info.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield name, cls.base_fields
    # Copies: a filter keeps the field it made, and the class's filters must stay untouched.
    filters = copy.deepcopy(PlaceFilter.base_filters)
    yield "PlaceFilter", {name: item.field for name, item in filters.items()}


FIELDS = [
    (f"{form}.{name}", field) for form, fields in page_forms() for name, field in fields.items()
]


def test_the_walk_finds_the_forms():
    names = {name for name, _ in FIELDS}
    assert {"BookingForm.date", "SearchForm.lat", "PlaceFilter.q"} <= names


@pytest.mark.parametrize(("name", "field"), FIELDS, ids=[name for name, _ in FIELDS])
def test_dates_times_and_numbers_follow_the_rule(name, field):
    assert not isinstance(field, forms.DateTimeField | forms.SplitDateTimeField), (
        f"{name}: read instants with core.dates.parse_instant"
    )
    if isinstance(field, forms.DateField):
        assert isinstance(field, IsoDateField), f"{name}: use IsoDateField (core.dates)"
    if isinstance(field, forms.TimeField):
        assert isinstance(field, ClockTimeField), f"{name}: use ClockTimeField"
    number = isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField)
    if number and name not in BOUNDED_ELSEWHERE:
        assert field.min_value is not None and field.max_value is not None, (
            f"{name}: give the number its bounds"
        )
