import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone

from maillage.booking import availability as core
from maillage.booking.models import MAX_SERIES_WEEKS, Booking
from maillage.core.dates import (
    DateRange,
    DateRefused,
    booking_range,
    long_date,
    parse_date,
    read_range,
)
from maillage.core.validators import SingleLine
from maillage.eligibility.models import ChildProfile
from maillage.places.models import MAX_CAPACITY, Space, SpaceKind
from maillage.territory.models import Commune

# What a time input sends: HH:MM, seconds optional, ASCII digits only.
_CLOCK_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?", re.ASCII)
# What a datetime-local input sends: a day and a time, seconds optional, ASCII digits.
_LOCAL_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", re.ASCII)


# Rules about the day rather than the time of day are shown under the date field.
DAY_RULES = {
    core.ViolationCode.PAST_START,
    core.ViolationCode.DURING_CLOSURE,
    core.ViolationCode.TOO_FAR_AHEAD,
    core.ViolationCode.TOO_LITTLE_NOTICE,
}
# The booking forms' field of each field of a request a refusal names.
REFUSAL_FIELDS = {
    "space": "espace",
    "start": "debut",
    "end": "fin",
    "seats": "postes",
    "name": "nom",
    "contact": "contact",
}


def refusal_field(violation: core.Violation) -> str | None:
    """The booking forms' field a refusal (booking.services) is shown next to; None, or a
    field a form lacks: at the top of the form."""
    if violation.code in DAY_RULES:
        return "date"
    return REFUSAL_FIELDS.get(violation.field)


def refusal_text(error: DateRefused, label: str) -> str:
    """The French refusal without its «« label » : » prefix: the form shows the label already."""
    return str(error).removeprefix(f"« {label} » : ")


class IsoDateField(forms.DateField):
    """A calendar date as a date input sends it (ISO 8601 `YYYY-MM-DD`), read by core.dates."""

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return parse_date(value, str(self.label))
        except DateRefused as error:
            raise forms.ValidationError(refusal_text(error, str(self.label)), "invalid") from None


class ClockTimeField(forms.TimeField):
    """A wall-clock time as a time input sends it (`HH:MM`, 00:00 to 23:59); one message
    for every time refused, whether malformed (9h) or out of range (24:00)."""

    default_error_messages = {
        "invalid": "Heure HH:MM attendue, de 00:00 à 23:59 (par exemple 09:30).",
    }

    def to_python(self, value: Any) -> time | None:
        if isinstance(value, str) and value and not _CLOCK_TIME.fullmatch(value):
            raise forms.ValidationError(self.error_messages["invalid"], "invalid")
        return super().to_python(value)


def skipped_time_message(local: datetime) -> str:
    """Why a Paris wall-clock time (naive) the clock skips (spring-forward night) is refused,
    naming the valid times around it, in French."""
    gap = core.clock_gap(local)
    assert gap is not None, f"{local} is shown by the clock"
    first, end = gap
    return (
        f"Cette heure n'existe pas le {long_date(local.date())} (passage à l'heure d'été) : "
        f"choisissez avant {first:%Hh%M} ou à partir de {end:%Hh%M}."
    )


# The project's one rule for a time typed in Paris wall-clock time (core.wall_clock_instants),
# on every form: a time the clock skips (spring-forward night, 02:00–03:00) is refused on its
# field with the valid times around it; a time the clock shows twice (autumn fall-back night)
# is never taken silently: the person chooses which, summer or winter time, in the field's
# companion `<field>_occurrence` (occurrence_field), a choice shown only on that night.


def occurrence_field(label: str) -> forms.TypedChoiceField:
    """The companion of a Paris time field: which of the two instants a time shown twice
    (autumn fall-back night) means, 1 (the first, summer time) or 2 (the second, winter
    time). Hidden, and unread, except on that night (paris_instant)."""
    return forms.TypedChoiceField(
        label=label,
        choices=[(1, "la première"), (2, "la seconde")],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.HiddenInput,
    )


def _occurrence_label(local: datetime, instant: datetime) -> str:
    """«02h30 heure d'été (UTC+2)»."""
    paris = instant.astimezone(core.PARIS)
    season = "heure d'été" if paris.dst() else "heure d'hiver"
    hours = core.utc_offset(paris) // timedelta(hours=1)
    return f"{local:%Hh%M} {season} (UTC{hours:+d})"


def _show_occurrences(
    form: forms.BaseForm, name: str, local: datetime, instants: Sequence[datetime]
) -> str:
    """Turn field `name`'s companion into the choice between `instants` (the two a Paris
    time `local` shown twice names); its name."""
    choice = f"{name}_occurrence"
    field = cast(forms.TypedChoiceField, form.fields[choice])
    field.widget = forms.RadioSelect()
    field.choices = [
        (number, _occurrence_label(local, instant))
        for number, instant in enumerate(instants, start=1)
    ]
    # The bound field copied the help text when it was made: it is told directly.
    form[choice].help_text = (
        f"Le {long_date(local.date())}, les horloges reculent d'une heure : "
        f"{local:%Hh%M} existe deux fois."
    )
    return choice


def paris_instant(form: forms.BaseForm, name: str, local: datetime) -> datetime | None:
    """The aware instant the Paris wall-clock time `local` (naive), typed in `form`'s field
    `name`, means, by the project's one rule (above): skipped, refused on `name`; shown
    twice, the one chosen in `form`'s `<name>_occurrence` (occurrence_field), which then
    shows the two, and asks until one is chosen. None when refused or not chosen yet (the
    form holds the error). Call it from the form's `clean` (the companion is cleaned)."""
    instants = core.wall_clock_instants(local)
    if not instants:
        form.add_error(name, skipped_time_message(local))
        return None
    if len(instants) == 1:
        return instants[0]
    choice = _show_occurrences(form, name, local, instants)
    chosen = form.cleaned_data.get(choice)
    if chosen is None:
        form.add_error(
            choice, f"Précisez s'il s'agit de {local:%Hh%M} heure d'été ou heure d'hiver."
        )
        return None
    return instants[int(chosen) - 1]


def show_stored_occurrence(form: forms.BaseForm, name: str, instant: datetime | None) -> None:
    """For a form showing a stored instant in field `name`: when its Paris time is shown
    twice that night, its companion shows the choice, set to the one it is (sent back as
    it is, the form reads the same instant)."""
    if instant is None:
        return
    local = instant.astimezone(core.PARIS).replace(tzinfo=None)
    instants = core.wall_clock_instants(local)
    if len(instants) == 2:
        choice = _show_occurrences(form, name, local, instants)
        form.initial[choice] = instants.index(instant) + 1


class ParisDateTimeField(forms.Field):
    """A Paris wall-clock day and time as a datetime-local input sends it
    («2027-01-12T18:30»), its day within core.dates.read_range, cleaned to the naive
    wall-clock time: the form reads it as an instant with paris_instant (and has its
    companion occurrence_field). An aware instant (a disabled field's stored value) is kept
    as it is."""

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
        return local


class WallClockForm(forms.Form):
    """A date and start and end times (`date`, `debut`, `fin`) read as Paris instants by
    paris_instant: a time the clock skips is refused, one it shows twice needs
    `debut_occurrence` / `fin_occurrence`, a choice shown only then."""

    date = IsoDateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    debut = ClockTimeField(
        label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    fin = ClockTimeField(
        label="Heure de fin", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    debut_occurrence = occurrence_field("Heure de début à retenir")
    fin_occurrence = occurrence_field("Heure de fin à retenir")

    field_order = ["date", "debut", "debut_occurrence", "fin", "fin_occurrence"]

    def _instant(self, cleaned: dict[str, Any], name: str) -> datetime | None:
        day, moment = cleaned.get("date"), cleaned.get(name)
        if day is None or moment is None:
            return None
        instant = paris_instant(self, name, datetime.combine(day, moment))
        if instant is None:
            self.clock_issue = True
        return instant

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self.clock_issue = False
        start, end = self._instant(cleaned, "debut"), self._instant(cleaned, "fin")
        self.instants = (start, end)
        # Compared as instants when both are known: 02h30 summer time then 02h15 winter time
        # is a valid quarter of an hour on the fall-back night.
        if start is not None and end is not None:
            backwards = end <= start
        else:
            backwards = (
                not self.clock_issue
                and "debut" in cleaned
                and "fin" in cleaned
                and cleaned["fin"] <= cleaned["debut"]
            )
        if backwards:
            self.add_error("fin", "L'heure de fin doit être après l'heure de début.")
        return cleaned

    @property
    def window(self) -> tuple[datetime, datetime]:
        """[start, end) as aware instants; only on a valid form (ValueError otherwise)."""
        start, end = self.instants
        if start is None or end is None:
            raise ValueError("A form's window is read only once it is valid.")
        return start, end


# The code of the search form's error for a point given by one coordinate only.
POSITION_INCOMPLETE = "position_incomplete"


class SearchForm(WallClockForm):
    """The free-space search (`/reserver/`): a Paris date and time window within the public
    read range, a commune or a point («près de moi»), a kind of space, a number of people."""

    debut = ClockTimeField(
        label="De", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    fin = ClockTimeField(label="À", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    commune = forms.ModelChoiceField(
        label="Commune",
        queryset=Commune.objects.none(),
        to_field_name="insee_code",
        required=False,
        empty_label="Tout le département",
    )
    type = forms.ChoiceField(
        label="Type d'espace", choices=[("", "Tous les types"), *SpaceKind.choices], required=False
    )
    personnes = forms.IntegerField(
        label="Nombre de personnes", min_value=1, max_value=MAX_CAPACITY, required=False
    )
    lat = forms.FloatField(
        label="Latitude", required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    lon = forms.FloatField(
        label="Longitude", required=False, widget=forms.HiddenInput, min_value=-180, max_value=180
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communes = cast(forms.ModelChoiceField, self.fields["commune"])
        communes.queryset = Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT)

    @staticmethod
    def initial_values() -> dict[str, object]:
        tomorrow = timezone.localdate() + timedelta(days=1)
        return {"date": tomorrow, "debut": time(9), "fin": time(12), "personnes": 1}

    def clean_personnes(self) -> int:
        return self.cleaned_data["personnes"] or 1

    def clean_date(self) -> date:
        """From today to the public read range's end (core.dates.read_range)."""
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        try:
            return DateRange(today, read_range(today).last).check(day, "Date")
        except DateRefused as error:
            raise forms.ValidationError(refusal_text(error, "Date")) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = self.instants
        if end is not None and start is not None and end > start and end <= timezone.now():
            self.add_error("fin", "Ce créneau est déjà passé : choisissez une heure à venir.")
        if (cleaned.get("lat") is None) != (cleaned.get("lon") is None):
            raise forms.ValidationError(
                "Position incomplète : réessayez « près de moi ».", code=POSITION_INCOMPLETE
            )
        return cleaned


class BookingForm(WallClockForm):
    """Booking a space once or every week: a date within the space's booking range, start and
    end times, seats (desks) and the number of weeks (1 to MAX_SERIES_WEEKS)."""

    postes = forms.IntegerField(
        label="Nombre de postes", min_value=1, max_value=MAX_CAPACITY, initial=1
    )
    semaines = forms.IntegerField(
        label="Répéter chaque semaine pendant (semaines)",
        min_value=1,
        max_value=MAX_SERIES_WEEKS,
        initial=1,
        help_text="1 : une seule fois. Par exemple 10 pour dix mardis de télétravail.",
    )

    def __init__(
        self,
        *args: Any,
        space: Space,
        children: Sequence[ChildProfile] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.space = space
        if space.is_exclusive:
            del self.fields["postes"]
        if children:
            # A parent books for themself or for one of their children (whose pass pays).
            self.fields["pour"] = forms.TypedChoiceField(
                label="Pour qui",
                choices=[("", "Moi"), *((child.pk, child.first_name) for child in children)],
                coerce=int,
                empty_value=None,
                required=False,
                help_text="Le pass d'un enfant paie sa part de ses réservations.",
            )

    @property
    def allowed_days(self) -> DateRange:
        """The days this space's bookings may name (core.dates.booking_range)."""
        return booking_range(timezone.localdate(), self.space.max_advance_days)

    def clean_date(self) -> date:
        # A booking starts from today on: the range named is the one a person may book.
        bookable = DateRange(timezone.localdate(), self.allowed_days.last)
        try:
            return bookable.check(self.cleaned_data["date"], "Date")
        except DateRefused as error:
            raise forms.ValidationError(refusal_text(error, "Date")) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        day, weeks = cleaned.get("date"), cleaned.get("semaines")
        if day is not None and weeks is not None:
            last_day = day + timedelta(weeks=weeks - 1)
            if last_day > self.allowed_days.last:
                self.add_error(
                    "semaines",
                    f"La série finirait le {long_date(last_day)}, après le "
                    f"{long_date(self.allowed_days.last)} : réservez moins de semaines.",
                )
        return cleaned

    @property
    def seats(self) -> int:
        return self.cleaned_data.get("postes") or 1

    @property
    def child_id(self) -> int | None:
        """The child profile booked for (one of the parent's: the choices say so), or None."""
        child: int | None = self.cleaned_data.get("pour")
        return child


class ReasonForm(forms.Form):
    """The reason a manager gives the person for a refusal or a cancellation: the model
    field's rules (its length, one line)."""

    motif = forms.CharField(
        label="Motif",
        max_length=Booking._meta.get_field("status_reason").max_length,
        required=False,
        validators=[SingleLine("Le motif")],
    )
