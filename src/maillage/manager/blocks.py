"""A space's blocks page (`/gestion/lieux/<slug>/espaces/<id>/blocages/`): the manager
blocks the space for part of a day (or over midnight, or several days), entered in Paris
time, and lifts the blocks to come. Thin: booking.blocks writes, refusing a block over
bookings holding their slot (listed here, to be cancelled first); rights first (a manager of
another place is told «Vous ne gérez pas ce lieu.», 403; a space of another place is 404)."""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.booking import blocks
from maillage.booking.forms import (
    ClockTimeField,
    IsoDateField,
    occurrence_field,
    paris_instant,
    refusal_text,
)
from maillage.booking.models import Booking, SpaceBlock
from maillage.core.dates import DateRefused, read_range
from maillage.core.formatting import french_moment
from maillage.core.forms import attach
from maillage.manager.access import managed_place
from maillage.manager.places.forms import describe_errors
from maillage.places.models import Space

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The service's fields (booking.blocks.add_block) as this page's form names them.
FORM_FIELD = {"start": "start_time", "end": "end_time", "reason": "reason"}


class BlockForm(forms.Form):
    """A block of a space: from a Paris day and time to another (the same day, the next for
    a block over midnight or ending at 24:00 — the next day at 00:00 —, or later), and its
    reason. Times are read by the project's one rule (booking.forms.paris_instant): a time
    the clock skips (spring-forward night) is refused with the valid times; for a time shown
    twice (fall-back night) the manager chooses which (`start_time_occurrence`,
    `end_time_occurrence`)."""

    start_date = IsoDateField(label="Premier jour", widget=DATE_INPUT)
    start_time = ClockTimeField(label="Heure de début", widget=TIME_INPUT)
    start_time_occurrence = occurrence_field("Heure de début à retenir")
    end_date = IsoDateField(
        label="Dernier jour",
        widget=DATE_INPUT,
        help_text="Le même jour, ou un jour suivant pour un blocage qui passe minuit.",
    )
    end_time = ClockTimeField(
        label="Heure de fin",
        widget=TIME_INPUT,
        help_text="Pour bloquer jusqu'à minuit (24:00), choisissez le lendemain à 00:00.",
    )
    end_time_occurrence = occurrence_field("Heure de fin à retenir")
    reason = forms.CharField(
        label="Motif",
        max_length=SpaceBlock._meta.get_field("reason").max_length,
        help_text="Une ligne, pour l'équipe du lieu (par exemple « Entretien du projecteur »).",
    )

    def _day(self, name: str) -> date | None:
        day: date | None = self.cleaned_data.get(name)
        if day is None:
            return None
        label = str(self.fields[name].label)
        try:
            return read_range(timezone.localdate()).check(day, label)
        except DateRefused as error:
            raise ValidationError(refusal_text(error, label)) from None

    def clean_start_date(self) -> date | None:
        return self._day("start_date")

    def clean_end_date(self) -> date | None:
        return self._day("end_date")

    def _instant(self, day_field: str, time_field: str) -> datetime | None:
        day: date | None = self.cleaned_data.get(day_field)
        moment: time | None = self.cleaned_data.get(time_field)
        if day is None or moment is None:
            return None
        return paris_instant(self, time_field, datetime.combine(day, moment))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start = self._instant("start_date", "start_time")
        end = self._instant("end_date", "end_time")
        if start is not None and end is not None and end <= start:
            self.add_error("end_time", "La fin du blocage doit être après son début.")
        self.window = (start, end)
        return cleaned


def _space(request: SignedInRequest, slug: str, pk: int) -> Space:
    """The space of the URL in a place `request.user` manages: 403 for another's place
    (managed_place), 404 for a space not of this place."""
    place = managed_place(request, slug)
    space = get_object_or_404(Space, pk=pk)
    if space.place_id != place.pk:
        raise Http404("Cet espace n'est pas dans ce lieu.")
    space.place = place
    return space


def _page(
    request: SignedInRequest, space: Space, form: BlockForm, hit: list[Booking]
) -> HttpResponse:
    describe_errors(form)
    return render(
        request,
        "manager/blocks/space_blocks.html",
        {
            "manager_section": "places",
            "place": space.place,
            "space": space,
            "blocks": blocks.in_force(space).select_related("created_by"),
            "form": form,
            "hit": hit,
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def space_blocks(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the space's blocks to come and the form. POST: add a block; invalid, or over
    bookings holding their slot (listed), it answers 400, nothing written."""
    space = _space(request, slug, pk)
    form = BlockForm(request.POST or None)
    hit: list[Booking] = []
    if request.method == "POST" and form.is_valid():
        start, end = form.window
        assert start is not None and end is not None  # a valid form has both
        try:
            block = blocks.add_block(request.user, space, start, end, form.cleaned_data["reason"])
        except blocks.BlockHitsBookings as error:
            hit = error.bookings
            attach(form, error)
        except ValidationError as error:
            attach(form, _on_form(error))
        else:
            messages.success(
                request,
                f"Espace bloqué du {french_moment(block.start).removeprefix('le ')} "
                f"au {french_moment(block.end).removeprefix('le ')}.",
            )
            return redirect("manager:space_blocks", slug=space.place.slug, pk=space.pk)
    return _page(request, space, form, hit)


def _on_form(error: ValidationError) -> ValidationError:
    """The service's errors keyed by this page's fields."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {FORM_FIELD.get(field, field): found for field, found in error.message_dict.items()}
    )


@require_POST
@login_required
def lift_block(request: SignedInRequest, slug: str, pk: int, block_id: int) -> HttpResponse:
    """Lift one of the space's blocks: its slots may be booked again."""
    space = _space(request, slug, pk)
    block = get_object_or_404(SpaceBlock, pk=block_id, space=space)
    block.space = space
    try:
        blocks.remove_block(request.user, block)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Blocage levé : « {block.reason} », l'espace est de nouveau réservable."
        )
    return redirect("manager:space_blocks", slug=space.place.slug, pk=space.pk)
