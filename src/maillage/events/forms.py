"""The person's form on an event's page."""

from collections.abc import Sequence
from typing import Any

from django import forms

from maillage.eligibility.models import ChildProfile
from maillage.events import services
from maillage.events.models import Event

# The «Pour qui» choice naming the person themself.
MYSELF = ""


class SeatsForm(forms.Form):
    """How many seats a person asks for `event` (events.services.seats_refusal's rule) and,
    when they hold child profiles (`children`: those not registered yet), for whom: «Moi»
    (unless `myself` is False: they are registered already) or one of the children, whose
    pass pays its share."""

    places = forms.IntegerField(label="Nombre de places", initial=1)

    def __init__(
        self,
        *args: Any,
        event: Event,
        children: Sequence[ChildProfile] = (),
        myself: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        if children:
            choices: list[tuple[int | str, str]] = [(MYSELF, "Moi")] if myself else []
            choices += [(child.pk, child.first_name) for child in children]
            self.fields["pour"] = forms.TypedChoiceField(
                label="Pour qui",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                help_text="Le pass d'un enfant paie sa part de ses inscriptions.",
            )

    def clean_places(self) -> int:
        seats: int = self.cleaned_data["places"]
        if refusal := services.seats_refusal(self.event, seats):
            raise forms.ValidationError(refusal.message)
        return seats

    @property
    def child_id(self) -> int | None:
        """The child profile registered for (one of the person's: the choices say so), or
        None for the person themself."""
        child: int | None = self.cleaned_data.get("pour")
        return child
