"""Money is stored in integer cents, typed by people in euros and shown to them in euros."""

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from maillage.core.text import euros

CENT = Decimal("0.01")
# An amount as people type it once spaces and «€» are gone: ASCII digits, one decimal mark.
AMOUNT = re.compile(r"-?[0-9]+(?:[.,][0-9]*)?|-?[.,][0-9]+")


class EurosField(forms.DecimalField):
    """A form field showing and reading euros («12,50») for a value kept in cents (1250)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_value", None)
        kwargs.pop("min_value", None)
        # A text input, whatever widget is offered (the admin offers a number input): browsers
        # refuse «12,50» in a number input and would submit it empty.
        kwargs["widget"] = forms.TextInput(attrs={"inputmode": "decimal"})
        super().__init__(
            max_digits=11, decimal_places=2, min_value=Decimal(0), localize=True, **kwargs
        )

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return super().prepare_value((Decimal(value) / 100).quantize(CENT))
        return super().prepare_value(value)

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]  # cents, not Decimal
        if isinstance(value, str):
            # Spaces group thousands: ordinary, no-break (U+00A0) or narrow no-break (U+202F).
            for mark in ("€", " ", "\u00a0", "\u202f"):
                value = value.replace(mark, "")
            value = value.strip()
            # Plain digits only: Decimal would also read «1e5» and other scripts' digits.
            if value and not AMOUNT.fullmatch(value):
                raise ValidationError(
                    "Indiquez un montant en euros, en chiffres, par exemple 12,50.",
                    code="invalid",
                )
        euros = super().to_python(value)
        if euros is None:
            return None
        if not euros.is_finite():
            raise ValidationError("Montant invalide.", code="invalid")
        # Exact arithmetic whatever the number of digits typed (the default 28 would raise
        # on 27 digits): the field's range is its model's validators' to tell.
        with localcontext(prec=len(euros.as_tuple().digits) + 3):
            # Checked here, not by the decimal validators (they would see cents): never rounded.
            if euros != euros.quantize(CENT, rounding=ROUND_HALF_UP):
                raise ValidationError(
                    "Indiquez le montant en euros avec deux décimales au plus (centimes).",
                    code="max_decimal_places",
                )
            return int(euros.scaleb(2))

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)
        if value is not None and value < 0:
            raise ValidationError("Le montant doit être positif ou nul.", code="min_value")

    def run_validators(self, value: Any) -> None:
        # Decimal validators would see cents: the rules are checked in validate().
        return

    def has_changed(self, initial: Any, data: Any) -> bool:
        # As Django's fields: a value that does not read has changed (validation says why;
        # formsets ask before validating).
        try:
            return self.to_python(self.prepare_value(initial)) != self.to_python(data)
        except ValidationError:
            return True


# Django's fields take no type arguments at run time (values read as Any).
class CentsField(models.PositiveBigIntegerField):  # type: ignore[type-arg]
    """An amount of money in integer cents (never floats), entered in euros in forms."""

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return super().formfield(**{"form_class": EurosField, **kwargs})


def euros_column(field: str, description: str) -> Callable[[Any, Any], str]:
    """A back-office column or read-only field showing the cents field `field` in euros
    («12,50 €», text.euros), sorted by it: listed as itself, a cents field would show bare
    cents. Set it as a ModelAdmin attribute and name that attribute in list_display or
    readonly_fields (`cents_field` tells which field it shows)."""

    def shown(model_admin: Any, obj: Any) -> str:
        return euros(getattr(obj, field))

    shown.short_description = description  # type: ignore[attr-defined]  # the admin's names
    shown.admin_order_field = field  # type: ignore[attr-defined]
    shown.cents_field = field  # type: ignore[attr-defined]
    return shown
