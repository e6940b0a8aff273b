"""A service's refusal shown on the page's form."""

from django.core.exceptions import ValidationError
from django.forms import BaseForm


def attach(form: BaseForm, error: ValidationError) -> None:
    """A service's ValidationError next to the form's fields it names (the others, and an
    error naming no field, above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, found in error.message_dict.items():
        form.add_error(field if field in form.fields else None, found)
