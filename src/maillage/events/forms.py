"""The person's form on an event's page."""

from typing import Any

from django import forms

from maillage.events import services
from maillage.events.models import Event


class SeatsForm(forms.Form):
    """How many seats a person asks for `event` (events.services.seats_refusal's rule)."""

    places = forms.IntegerField(label="Nombre de places", initial=1)

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_places(self) -> int:
        seats: int = self.cleaned_data["places"]
        if refusal := services.seats_refusal(self.event, seats):
            raise forms.ValidationError(refusal.message)
        return seats
