"""A model's own fields by name, typed as fields (`_meta.get_field` may also answer the
reverse side of a relation, which has no verbose name, column or validators)."""

from __future__ import annotations

from typing import Any

from django.db import models


def own_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The field `name` of `model`. Raises FieldDoesNotExist for an unknown name, TypeError
    for the reverse side of a relation (a programming error: no form or import names one)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is the reverse side of a relation.")
    return field
