"""What the back-office and the pages show of a model by its name (__str__) reads as people
read it: an instant in Paris time, never the UTC the database holds."""

import inspect
import re

from django.apps import apps
from django.db import models


def test_no_model_name_formats_an_instant_in_utc():
    """An instant formatted with a time (%H) in __str__ goes through timezone.localtime."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("maillage.") or "__str__" not in vars(model):
            continue
        source = inspect.getsource(vars(model)["__str__"])
        for field in model._meta.get_fields():
            if isinstance(field, models.DateTimeField) and re.search(
                rf"{{self\.{field.name}:[^}}]*%H", source
            ):
                found.append(f"{model.__name__}.{field.name}")
    assert found == []
