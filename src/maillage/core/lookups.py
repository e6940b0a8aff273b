"""`__in` on integer columns with values no column can hold: they match nothing, as Django's
own `exact`, `gt`, `lt`… lookups treat them (django.db.models.lookups.IntegerFieldOverflow),
instead of the driver's OverflowError (SQLite refuses integers beyond 64 bits). A form's
multiple choice of ids (`pk__in`) typed as 99999999999999999999 then reads «not a valid
choice», never a 500."""

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    """`field__in=[…]` on an integer field, leaving out the integers beyond the database's
    range for the field (they equal no stored value)."""

    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    """Make IntegerFieldIn the `in` lookup of every integer field (auto keys included)."""
    IntegerField.register_lookup(IntegerFieldIn)
