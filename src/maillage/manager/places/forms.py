"""The managers' forms over a place: its profile, its booking rules, its week of opening
hours, a closure, a space. Each validates what one page sends; the places and booking
services write it (and judge it again, with the place locked)."""

import re
from datetime import time
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from maillage.places import schedule
from maillage.places.models import (
    ACCESSIBILITY_FIELDS,
    OpeningHours,
    Place,
    PlacePhoto,
    Space,
)
from maillage.territory.models import Commune

# Opening ranges a manager may give a day (a day with a lunch break has two).
MAX_RANGES_A_DAY = 6
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def describe_errors(form: forms.BaseForm) -> None:
    """Tie each invalid input to its error message and help text (aria-describedby), as
    web/_field.html prints them (ids «<id>_error», «<id>_helptext»). Unbound: nothing."""
    for name in form.errors if form.is_bound else ():
        if name not in form.fields:
            continue
        bound = form[name]
        described = [f"{bound.auto_id}_error"]
        if form.fields[name].help_text:
            described.append(f"{bound.auto_id}_helptext")
        form.fields[name].widget.attrs["aria-describedby"] = " ".join(described)


def _https_urls(field: "models.Field[Any, Any]", **kwargs: Any) -> forms.Field | None:
    """Form fields as the model says, web addresses typed without a scheme read as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PlaceProfileForm(forms.ModelForm):
    """What visitors read of a place: presentation, address, contact, access, payment,
    services, broadband and accessibility. The status, the URL and the managers are the
    Département's (not here)."""

    class Meta:
        model = Place
        formfield_callback = _https_urls
        fields = [
            "name",
            "description",
            "address",
            "postal_code",
            "commune",
            "latitude",
            "longitude",
            "access_text",
            "website",
            "email",
            "phone",
            "siret",
            "payment_terms",
            "services",
            "broadband_technology",
            "broadband_down_mbps",
            "broadband_up_mbps",
            *ACCESSIBILITY_FIELDS,
        ]
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
            "access_text": forms.Textarea(attrs={"rows": 4}),
            "payment_terms": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "latitude": "En degrés décimaux, par exemple 48.83512 : le point de la carte.",
            "longitude": "En degrés décimaux, par exemple 2.24127.",
            "siret": "14 chiffres, espaces admis.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communes = Commune.objects.filter(departement_id=settings.MAILLAGE_DEPARTEMENT)
        self.fields["commune"].queryset = communes.order_by("sort_name")  # type: ignore[attr-defined]
        for name in ("latitude", "longitude"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})


class PhotoForm(forms.ModelForm):
    """A new photo of a place and the text that describes it."""

    class Meta:
        model = PlacePhoto
        fields = ["image", "alt_text", "position"]
        # The model's validator judges the content (places.photos) and says why in French;
        # the form's own image check would answer a vaguer message first.
        field_classes = {"image": forms.FileField}
        widgets = {
            "image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        }


class BookingRulesForm(forms.ModelForm):
    """The place's booking rules, the same for all its spaces: instant or validated
    bookings, the validation delay, the cancellation notice."""

    class Meta:
        model = Place
        fields = ["requires_approval", "approval_delay_hours", "cancellation_notice_hours"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("approval_delay_hours", "cancellation_notice_hours"):
            # The model's validators name the whole range; the input's «≥ 0» would not.
            self.fields[name].min_value = None  # type: ignore[attr-defined]
            self.fields[name].widget.attrs.pop("min", None)


class SpaceForm(forms.ModelForm):
    """A space: what it is, its capacity and prices, and its own booking rules (slot,
    durations, notice, horizon, buffers)."""

    class Meta:
        model = Space
        fields = [
            "name",
            "kind",
            "capacity",
            "is_bookable",
            "description",
            "equipment",
            "price_hour_cents",
            "price_half_day_cents",
            "price_day_cents",
            "slot_minutes",
            "min_duration_minutes",
            "max_duration_minutes",
            "min_notice_minutes",
            "max_advance_days",
            "buffer_before_minutes",
            "buffer_after_minutes",
        ]
        widgets = {
            "equipment": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # The model's validators say the whole range in French; the browser's «≥ 0»
            # bubble would speak first and in another voice.
            if isinstance(field, forms.IntegerField):
                field.min_value = field.max_value = None
                field.widget.attrs.pop("min", None)
                field.widget.attrs.pop("max", None)

    def validate_unique(self) -> None:
        # The place is not a field of the form: the name is checked unique within it here.
        super().validate_unique()
        name = self.cleaned_data.get("name")
        if name and self.instance.place_id:
            others = Space.objects.filter(place_id=self.instance.place_id, name=name)
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error("name", "Ce lieu a déjà un espace de ce nom.")


_CLOCK = re.compile(r"^(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?$")
_RANGE = re.compile(r"^(.+?)\s*(?:-|–|—|à)\s*(.+)$")


def _parse_clock(text: str, *, closing: bool) -> time:
    """«9», «9h», «9h30», «09:30»; «24:00» as a closing time is midnight (stored 00:00)."""
    match = _CLOCK.match(text.strip().lower())
    if not match:
        raise ValueError(text)
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if closing and (hours, minutes) == (24, 0):
        return schedule.MIDNIGHT
    if hours > 23 or minutes > 59:
        raise ValueError(text)
    return time(hours, minutes)


def parse_ranges(weekday: int, text: str) -> list[schedule.OpeningRange]:
    """A day's ranges as a manager types them: «09:00–12:30, 14:00–19:00», «20:00–24:00»,
    «00:00–24:00» (open around the clock); empty: closed. Raises ValidationError (French)."""
    ranges = []
    parts = [part.strip() for part in re.split(r"[,;/]|\bet\b", text) if part.strip()]
    if len(parts) > MAX_RANGES_A_DAY:
        raise ValidationError(f"Au plus {MAX_RANGES_A_DAY} plages par jour.")
    for part in parts:
        match = _RANGE.match(part)
        try:
            if not match:
                raise ValueError(part)
            opens = _parse_clock(match.group(1), closing=False)
            closes = _parse_clock(match.group(2), closing=True)
        except ValueError:
            raise ValidationError(
                f"« {part} » n'est pas une plage horaire : écrivez par exemple 09:00–12:30 "
                "(24:00 pour minuit)."
            ) from None
        ranges.append(schedule.OpeningRange(weekday, opens, closes))
    return ranges


class OpeningHoursForm(forms.Form):
    """A place's week: one text input a day, each judged with places.schedule's rules."""

    def __init__(self, *args: Any, place: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        by_day: dict[int, list[str]] = {}
        for item in place.opening_hours.all():
            by_day.setdefault(item.weekday, []).append(schedule.range_label(item.as_range()))
        for weekday, label in OpeningHours.WEEKDAYS:
            self.fields[schedule.WEEKDAY_NAMES[weekday]] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                initial=", ".join(by_day.get(weekday, [])),
                help_text="Vide : fermé. Exemple : 09:00–12:30, 14:00–19:00 ; "
                "00:00–24:00 : ouvert jour et nuit.",
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.ranges: list[schedule.OpeningRange] = []
        for weekday, name in enumerate(schedule.WEEKDAY_NAMES):
            if name not in cleaned:
                continue
            try:
                day = parse_ranges(weekday, cleaned[name])
            except ValidationError as error:
                self.add_error(name, error)
                continue
            errors = schedule.opening_hours_errors(day)
            if errors:
                self.add_error(name, errors)
            self.ranges += day
        return cleaned


class ClosureForm(forms.Form):
    """A whole-day closure of a place (Paris days, both included) and its reason, told to
    the people whose bookings it cancels."""

    start_date = forms.DateField(label="Premier jour", widget=DATE_INPUT)
    end_date = forms.DateField(label="Dernier jour", widget=DATE_INPUT)
    reason = forms.CharField(
        label="Motif",
        max_length=200,
        help_text="Affiché sur la page du lieu et envoyé aux personnes dont la réservation "
        "est annulée.",
    )
