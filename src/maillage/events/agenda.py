"""What the public reads of the events: the agenda's filters and selection, a place's coming
events, and how an event's seats are told.

The agenda lists the published events not over yet (cancelled ones stay, marked), in places
of the active département, by start. Its filters live in the URL (`commune`: an INSEE code,
`public`: an audience, `periode`: «semaine» or «mois», the next 7 or 30 days, `du`/`au`:
Paris days) and are read by
AgendaFilter, which answers any bad value with a French message naming the filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from maillage.booking.availability import local_days
from maillage.booking.forms import IsoDateField, refusal_text
from maillage.core.dates import DateRange, DateRefused, long_date, years_later
from maillage.core.text import count
from maillage.events.models import (
    Audience,
    Event,
    EventQuerySet,
    EventStatus,
    takes_the_public,
)
from maillage.places.models import Place
from maillage.places.schedule import WEEKDAY_NAMES
from maillage.territory.models import Commune

# How far ahead the agenda's dates reach (years).
AGENDA_HORIZON_YEARS = 2
# How many coming events a place's public page lists.
PLACE_PAGE_EVENTS = 5

# The periods by the URL's value: how many days from today on (today included), and label.
PERIOD_DAYS = {"semaine": 7, "mois": 30}
PERIODS = [("semaine", "Les 7 prochains jours"), ("mois", "Les 30 prochains jours")]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def public_events() -> EventQuerySet:
    """The published events (cancelled ones included) in places of the active département,
    with their place and its commune."""
    return (
        Event.objects.published()
        .filter(place__commune__departement_id=settings.MAILLAGE_DEPARTEMENT)
        .select_related("place__commune")
    )


def coming(now: datetime) -> EventQuerySet:
    """The public events (public_events) not over at `now` whose place takes the public
    (a closed place's leave the agenda and the feeds), by start."""
    return public_events().at_places_taking_the_public().filter(end__gt=now).order_by("start", "pk")


def place_events(place: Place, now: datetime) -> list[Event]:
    """The next PLACE_PAGE_EVENTS published events of `place` not over at `now` (cancelled
    ones aside: the place's page lists what one may still attend), by start."""
    return list(
        coming(now).filter(place=place).exclude(status=EventStatus.CANCELLED)[:PLACE_PAGE_EVENTS]
    )


def agenda_range(today: date) -> DateRange:
    """The days the agenda's filters may name: today to AGENDA_HORIZON_YEARS ahead."""
    return DateRange(today, years_later(today, AGENDA_HORIZON_YEARS))


class AgendaFilter(forms.Form):
    """The agenda's filters (GET). `periode` («semaine»: the 7 days from today on; «mois»:
    the 30 days from today on, PERIOD_DAYS) or the days `du`/`au` (both included, within
    agenda_range), not both."""

    commune = forms.ChoiceField(label="Commune", required=False)
    public = forms.ChoiceField(
        label="Public", choices=[("", "Tous les publics"), *Audience.choices], required=False
    )
    periode = forms.ChoiceField(
        label="Quand", choices=[("", "Toutes les dates"), *PERIODS], required=False
    )
    du = IsoDateField(label="Du", required=False, widget=DATE_INPUT)
    au = IsoDateField(label="Au", required=False, widget=DATE_INPUT)

    def __init__(self, data: Any, today: date) -> None:
        super().__init__(data)
        self.today = today
        communes = Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT).order_by(
            "sort_name"
        )
        self.fields["commune"].choices = [  # type: ignore[attr-defined]
            ("", "Toutes les communes"),
            *communes.values_list("insee_code", "name"),
        ]

    def _in_range(self, name: str) -> date | None:
        day: date | None = self.cleaned_data[name]
        if day is not None:
            label = str(self.fields[name].label)
            try:
                agenda_range(self.today).check(day, label)
            except DateRefused as refusal:
                raise forms.ValidationError(refusal_text(refusal, label)) from None
        return day

    def clean_du(self) -> date | None:
        return self._in_range("du")

    def clean_au(self) -> date | None:
        return self._in_range("au")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("du"), data.get("au")
        if data.get("periode") and (first or last):
            self.add_error("periode", "Choisissez une période ou des dates, pas les deux.")
        elif first and last and last < first:
            self.add_error("au", "La date de fin doit être le jour de début ou après.")
        return data

    def days(self) -> tuple[date | None, date | None]:
        """The first and last days asked (Paris, both included; None: no bound), of a valid
        form."""
        data = self.cleaned_data
        today = self.today
        if data["periode"]:
            return today, today + timedelta(days=PERIOD_DAYS[data["periode"]] - 1)
        return data["du"], data["au"]

    def select(self, events: EventQuerySet) -> EventQuerySet:
        """`events` meeting the filters of a valid form: in the commune, for the audience,
        starting on one of the days asked."""
        data = self.cleaned_data
        if data["commune"]:
            events = events.filter(place__commune__insee_code=data["commune"])
        if data["public"]:
            events = events.filter(audience=data["public"])
        first, last = self.days()
        if first is not None:
            events = events.filter(start__gte=local_days(first, first).start)
        if last is not None:
            events = events.filter(start__lt=local_days(last, last).end)
        return events


def _day_and_time(instant: datetime) -> tuple[str, str]:
    """«mardi 12 janvier 2027», «18h00»: an aware instant's Paris day and time."""
    local = timezone.localtime(instant)
    return f"{WEEKDAY_NAMES[local.weekday()]} {long_date(local)}", f"{local:%H}h{local:%M}"


def when(event: Event) -> str:
    """When `event` takes place, in Paris time: «mardi 12 janvier 2027, 18h00–20h00», or
    «du mardi 12 janvier 2027 à 18h00 au mercredi 13 janvier 2027 à 12h00» over several
    days. The one way events' dates are written, on pages (the `when` filter) and in
    emails (events.notifications)."""
    first_day, first_time = _day_and_time(event.start)
    last_day, last_time = _day_and_time(event.end)
    if first_day == last_day:
        return f"{first_day}, {first_time}–{last_time}"
    return f"du {first_day} à {first_time} au {last_day} à {last_time}"


@dataclass(frozen=True)
class SeatsState:
    """How an event's seats are told: `code` (a CSS modifier: «cancelled», «over»,
    «closed», «not-open», «full», «waiting-list», «open») and its French `label`."""

    code: str
    label: str

    @property
    def can_register(self) -> bool:
        """Whether one may ask for seats now (a seat, or a place on the waiting list)."""
        return self.code in ("open", "waiting-list")


def seats_state(event: Event, now: datetime) -> SeatsState:
    """What `event`'s seats are at `now` (its place loaded): cancelled, over, its place
    closed, registration not open yet or closed, seats left, full with a waiting list, or
    full."""
    if event.status == EventStatus.CANCELLED:
        return SeatsState("cancelled", "Annulé")
    if event.end <= now:
        return SeatsState("over", "Terminé")
    if not takes_the_public(event.place):
        return SeatsState("closed", "Lieu fermé : pas d'inscription")
    if now >= event.registration_closes_at:
        return SeatsState("closed", "Inscriptions closes")
    if now < event.registration_opens_at:
        day, time = _day_and_time(event.registration_opens_at)
        return SeatsState("not-open", f"Inscriptions à partir du {day} à {time}")
    if event.seats_left > 0:
        return SeatsState("open", count(event.seats_left, "place restante", "places restantes"))
    if event.has_waiting_list:
        return SeatsState("waiting-list", "Complet — liste d'attente")
    return SeatsState("full", "Complet")
