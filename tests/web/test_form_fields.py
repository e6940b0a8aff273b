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
from maillage.core.validators import MultiLine, SingleLine
from maillage.web.filters import PlaceFilter

# Numbers bounded elsewhere, and where.
BOUNDED_ELSEWHERE = {
    "ModelRunForm.p": "at most the number of candidate sites (observatory.services)",
    "FundingForm.amount_min_cents": "its model field's euros_between (community.funding)",
    "FundingForm.amount_max_cents": "its model field's euros_between (community.funding)",
    "SeatsForm.places": "1 to the event's seats per registration (events.services.seats_refusal)",
}


def form_classes():
    """(name, class) of every form defined in an app's forms module."""
    for module_info in pkgutil.iter_modules(maillage.__path__):
        try:
            module = importlib.import_module(f"maillage.{module_info.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield name, cls


def page_forms():
    for name, cls in form_classes():
        yield name, cls.base_fields
    # Copies: a filter keeps the field it made, and the class's filters must stay untouched.
    filters = copy.deepcopy(PlaceFilter.base_filters)
    yield "PlaceFilter", {name: item.field for name, item in filters.items()}


FIELDS = [
    (f"{form}.{name}", field) for form, fields in page_forms() for name, field in fields.items()
]


def test_the_walk_finds_the_forms():
    names = {name for name, _ in FIELDS}
    assert {"BookingForm.date", "SearchForm.lat", "PlaceFilter.q", "PlaceFilter.localite"} <= names


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


# Text fields whose own format already refuses control characters, or that hold secrets
# compared, never stored or shown (passwords).
FORMATTED_TEXT = (forms.EmailField, forms.URLField, forms.SlugField, forms.RegexField)


def model_form_fields() -> set[str]:
    """«Form.field» of the ModelForms' fields that fill a model field: the model's own rules
    apply to them (tests/config/test_field_rules.py checks those)."""
    names = set()
    for name, cls in form_classes():
        if issubclass(cls, forms.ModelForm) and cls._meta.model is not None:
            fields = {f.name for f in cls._meta.model._meta.get_fields()}
            names |= {f"{name}.{field}" for field in cls.base_fields if field in fields}
    return names


MODEL_FORM_FIELDS = model_form_fields()


@pytest.mark.parametrize(("name", "field"), FIELDS, ids=[name for name, _ in FIELDS])
def test_text_has_a_length_and_a_characters_rule(name, field):
    if not isinstance(field, forms.CharField) or isinstance(field, FORMATTED_TEXT):
        return
    if name in MODEL_FORM_FIELDS:
        return
    if isinstance(field.widget, forms.PasswordInput):
        return
    assert field.max_length is not None, f"{name}: give the text its max_length"
    assert any(isinstance(v, SingleLine | MultiLine) for v in field.validators), (
        f"{name}: add SingleLine or MultiLine (core.validators)"
    )
