"""The organisers' form over an event: what it is, where and when (Paris wall-clock times,
read by the project's one rule, booking.forms.paris_instant), its seats, price and
registration rules. events.organising writes it and judges it again, with the event
locked."""

from copy import copy
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import construct_instance
from django.utils import timezone

from maillage.booking.forms import (
    ParisDateTimeField,
    occurrence_field,
    paris_instant,
    show_stored_occurrence,
)
from maillage.core.forms import attach
from maillage.events.models import Event, EventStatus
from maillage.events.organising import EDITED_FIELDS, FROZEN_ONCE_PUBLISHED, event_errors
from maillage.places.models import Place

# The event's Paris date-and-time fields, each with its companion choice for a time shown
# twice (booking.forms.paris_instant).
PARIS_TIMES = ("start", "end", "registration_opens_at", "registration_closes_at")


class EventForm(forms.ModelForm):
    """An event as its organiser describes it. `places`: where the user may hold one;
    `departement`: whether the user may organise for the Département (else the place
    organises it). A published event's frozen fields are shown, not editable. Empty
    registration times: from now, until the event starts. A time the clock skips is
    refused; one it shows twice is chosen by the organiser (summer or winter time)."""

    start_occurrence = occurrence_field("Début : heure à retenir")
    end_occurrence = occurrence_field("Fin : heure à retenir")
    registration_opens_at_occurrence = occurrence_field(
        "Ouverture des inscriptions : heure à retenir"
    )
    registration_closes_at_occurrence = occurrence_field(
        "Clôture des inscriptions : heure à retenir"
    )
    # Each companion choice right after its field.
    field_order = [part for name in EDITED_FIELDS for part in (name, f"{name}_occurrence")]

    class Meta:
        model = Event
        fields = list(EDITED_FIELDS)
        field_classes = {
            "start": ParisDateTimeField,
            "end": ParisDateTimeField,
            "registration_opens_at": ParisDateTimeField,
            "registration_closes_at": ParisDateTimeField,
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "start": "Heure de Paris.",
            "registration_opens_at": "Heure de Paris. Vide : dès la publication.",
            "registration_closes_at": "Heure de Paris ; date limite. Vide : au début de "
            "l'événement.",
            "has_waiting_list": "Quand c'est complet, les personnes s'inscrivent sur une liste "
            "d'attente ; les places libérées leur sont proposées dans l'ordre.",
        }

    def __init__(self, *args: Any, places: list[Place], departement: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(  # type: ignore[attr-defined]
            pk__in=[place.pk for place in places]
        ).order_by("name")
        self.fields["place"].empty_label = None  # type: ignore[attr-defined]
        if not departement:
            del self.fields["organiser"]
        for name in ("registration_opens_at", "registration_closes_at"):
            self.fields[name].required = False
        for field in self.fields.values():
            # The model's validators say the whole range in French; the browser's «≥ 0»
            # bubble would speak first and in another voice.
            if isinstance(field, forms.IntegerField):
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, MinValueValidator | MaxValueValidator)
                ]
                field.widget.attrs.pop("min", None)
                field.widget.attrs.pop("max", None)
        if self.instance.status == EventStatus.PUBLISHED:
            for name in FROZEN_ONCE_PUBLISHED:
                if name in self.fields:
                    self.fields[name].disabled = True
        for name in PARIS_TIMES:
            if self.instance.pk is not None and not self.fields[name].disabled:
                show_stored_occurrence(self, name, getattr(self.instance, name))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in PARIS_TIMES:
            value = data.get(name)
            if isinstance(value, datetime) and timezone.is_naive(value):
                instant = paris_instant(self, name, value)
                if instant is None:
                    data.pop(name, None)  # refused, or which one is not said yet
                else:
                    data[name] = instant
        if "registration_opens_at" in data and data["registration_opens_at"] is None:
            data["registration_opens_at"] = timezone.now().replace(second=0, microsecond=0)
        if "registration_closes_at" in data and data["registration_closes_at"] is None:
            data["registration_closes_at"] = data.get("start")
        return data

    def _post_clean(self) -> None:
        # As ModelForm's, but the rules between fields (the CHECK constraints') are told by
        # events.organising, in French and next to their field, rather than as constraints.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields)
            self.instance.full_clean(
                exclude=[
                    field.name
                    for field in Event._meta.fields
                    if field.name not in self.fields or field.name in self.errors
                ],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            attach(self, error)
        # Every rule between fields whose fields are valid is told at once, with the fields'
        # own errors: a field refused counts as missing (None) for them.
        judged = copy(self.instance)
        columns = {field.name: field.attname for field in Event._meta.fields}
        for name in self.errors:
            if name in columns:
                setattr(judged, columns[name], None)
        for name, message in event_errors(judged, timezone.now()).items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, message)
