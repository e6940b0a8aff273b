"""The organisers' form over an event: what it is, where and when (Paris wall-clock times),
its seats, price and registration rules. events.organising writes it and judges it again,
with the event locked."""

import re
from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.models import construct_instance
from django.utils import timezone

from maillage.booking.availability import wall_clock_instants
from maillage.booking.forms import refusal_text, skipped_time_message
from maillage.core.dates import DateRefused, long_date, read_range
from maillage.events.models import Event, EventStatus
from maillage.events.organising import EDITED_FIELDS, FROZEN_ONCE_PUBLISHED, event_errors
from maillage.manager.forms_errors import attach
from maillage.places.models import Place

# What a datetime-local input sends: a Paris day and time, seconds optional, ASCII digits.
_LOCAL_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", re.ASCII)


class ParisDateTimeField(forms.Field):
    """A Paris wall-clock day and time as a datetime-local input sends it
    («2027-01-12T18:30»), read as the aware instant it names. A time the clock skips or shows
    twice (daylight-saving nights) is refused with the times to choose instead; a day outside
    core.dates.read_range too."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages = {
        "invalid": "Date et heure attendues (par exemple 2027-01-12T18:30).",
    }

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value
        if not isinstance(value, str) or not _LOCAL_INSTANT.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], "invalid")
        try:
            local = datetime.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                "Cette date ou cette heure n'existe pas.", "invalid"
            ) from None
        label = str(self.label)
        try:
            read_range(timezone.localdate()).check(local.date(), label)
        except DateRefused as refusal:
            raise forms.ValidationError(refusal_text(refusal, label), "out_of_range") from None
        instants = wall_clock_instants(local)
        if not instants:
            raise forms.ValidationError(skipped_time_message(local), "skipped")
        if len(instants) > 1:
            raise forms.ValidationError(
                f"{local:%Hh%M} existe deux fois le {long_date(local.date())} (passage à "
                "l'heure d'hiver) : choisissez une heure avant 02h00 ou à partir de 03h00.",
                "ambiguous",
            )
        return instants[0]


class EventForm(forms.ModelForm):
    """An event as its organiser describes it. `places`: where the user may hold one;
    `departement`: whether the user may organise for the Département (else the place
    organises it). A published event's frozen fields are shown, not editable. Empty
    registration times: from now, until the event starts."""

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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
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
        if not self.errors:
            for name, message in event_errors(self.instance, timezone.now()).items():
                self.add_error(name if name in self.fields else None, message)
