"""The forms of offices: a place's offer (managers), the public list's filters, a company's
request, a place's answer, and the period of the Département's view of demand. Numbers are
bounded as their model fields are, and refused with the model's French message naming the
field; dates are read by core.dates (IsoDateField)."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from stdnum.fr import siren as siren_number

from maillage.booking.forms import IsoDateField
from maillage.core.dates import DateRange, read_range, years_later
from maillage.core.forms import day_within
from maillage.core.money import EurosField
from maillage.core.validators import MultiLine
from maillage.offices import services
from maillage.offices.models import (
    MAX_MONTHLY_PRICE_CENTS,
    MAX_WORKSTATIONS,
    REPLY_MAX,
    OfficeKind,
    OfficeOffer,
    OfficeOfferQuerySet,
    OfficeRequest,
    RequestStatus,
)
from maillage.places.models import Place
from maillage.territory.models import Commune

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# How far back the Département's view of demand reaches (years), and its default period.
DEMAND_YEARS = 10
DEMAND_DEFAULT_DAYS = 365


def _bounded_by_model(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """Give the form's whole-number fields their model field's bounds and messages («Le
    nombre de postes de travail doit être entre 1 et 500.»), in place of Django's own
    («supérieure ou égale à 1»), which would not name the field. An amount (EurosField,
    read in euros, kept in cents) states its highest value in euros; the model's rule,
    which names the field, refuses more."""
    model = form_class._meta.model
    assert model is not None
    for name, field in form_class.base_fields.items():
        if not isinstance(field, forms.IntegerField):  # DecimalField (EurosField) is one too
            continue
        rules = model._meta.get_field(name)._validators  # its own: no database range
        lows = [rule for rule in rules if isinstance(rule, MinValueValidator)]
        highs = [rule for rule in rules if isinstance(rule, MaxValueValidator)]
        if isinstance(field, EurosField):
            field.max_value = highs[0].limit_value // 100
            continue
        field.min_value, field.max_value = lows[0].limit_value, highs[0].limit_value
        field.validators = [
            rule
            for rule in field.validators
            if not isinstance(rule, MinValueValidator | MaxValueValidator)
        ] + [lows[0], highs[0]]
        field.widget.attrs.update(min=field.min_value, max=field.max_value)
    return form_class


@_bounded_by_model
class OfferForm(forms.ModelForm):
    """A place's offer: what it is, its size, its monthly price excluding tax, when it is
    available and for how long at least, and whether it is published."""

    class Meta:
        model = OfficeOffer
        fields = [
            "title",
            "kind",
            "workstations",
            "surface_m2",
            "monthly_price_cents",
            "available_from",
            "min_commitment_months",
            "description",
            "status",
        ]
        field_classes = {"available_from": IsoDateField}
        widgets = {
            "available_from": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def clean_available_from(self) -> date | None:
        return day_within(self, "available_from", read_range(timezone.localdate()))


class OfferFilter(forms.Form):
    """The public list's filters (GET): a commune (INSEE code), a kind, at least so many
    workstations, at most a monthly budget in whole euros excluding tax, available by a
    day (Paris, within core.dates.read_range)."""

    commune = forms.ModelChoiceField(
        label="Commune",
        queryset=Commune.objects.none(),
        to_field_name="insee_code",
        required=False,
        empty_label="Toutes les communes",
    )
    type = forms.ChoiceField(
        label="Type d'offre", choices=[("", "Tous les types"), *OfficeKind.choices], required=False
    )
    postes = forms.IntegerField(
        label="Postes de travail, au moins",
        min_value=1,
        max_value=MAX_WORKSTATIONS,
        required=False,
    )
    budget = forms.IntegerField(
        label="Budget mensuel HT, au plus (€)",
        min_value=0,
        max_value=MAX_MONTHLY_PRICE_CENTS // 100,
        required=False,
    )
    disponible = IsoDateField(label="Disponible au plus tard le", required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communes = Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT)
        self.fields["commune"].queryset = communes.order_by("sort_name")  # type: ignore[attr-defined]

    def clean_disponible(self) -> date | None:
        return day_within(self, "disponible", read_range(timezone.localdate()))

    def apply(self, offers: OfficeOfferQuerySet) -> OfficeOfferQuerySet:
        """`offers` with the valid form's filters (workstations: a domiciliation, which has
        none, is left out as soon as some are asked)."""
        data = self.cleaned_data
        if data.get("commune"):
            offers = offers.filter(place__commune=data["commune"])
        if data.get("type"):
            offers = offers.filter(kind=data["type"])
        if data.get("postes") is not None:
            offers = offers.filter(workstations__gte=data["postes"])
        if data.get("budget") is not None:
            offers = offers.filter(monthly_price_cents__lte=data["budget"] * 100)
        if data.get("disponible"):
            offers = offers.filter(available_from__lte=data["disponible"])
        return offers


class OfferChoiceField(forms.ModelMultipleChoiceField):
    """The offers a request addresses, each named with its place, commune and terms."""

    def label_from_instance(self, obj: models.Model) -> str:
        assert isinstance(obj, OfficeOffer)
        return f"{obj.place.name} ({obj.place.commune.name}) — {obj.title} : {obj.summary}"


@_bounded_by_model
class OfficeRequestForm(forms.ModelForm):
    """A company's request: who asks, what it needs, when, for how much, where, and the
    offers (of one to services.MAX_PLACES_PER_REQUEST places) it is sent to. The request's
    own rules (services.request_errors) are shown with the fields' at once."""

    offers = OfferChoiceField(
        label="Offres auxquelles envoyer la demande",
        queryset=OfficeOffer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Au moins une, de {services.MAX_PLACES_PER_REQUEST} lieux au plus : "
        "chaque lieu reçoit la demande et vous répond.",
    )
    siren = forms.CharField(
        label="SIREN",
        max_length=20,
        required=False,
        help_text="9 chiffres, espaces permis ; facultatif (un projet n'en a pas encore) : sa "
        "clé de contrôle est vérifiée.",
        error_messages={"max_length": "Le SIREN doit comporter 9 chiffres."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    field_order = ["offers"]

    class Meta:
        model = OfficeRequest
        fields = [
            "company_name",
            "siren",
            "contact_name",
            "email",
            "phone",
            "workstations",
            "start_date",
            "budget_cents",
            "communes",
            "message",
        ]
        field_classes = {"start_date": IsoDateField}
        widgets = {
            "company_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "start_date": DATE_INPUT,
            "communes": forms.CheckboxSelectMultiple,
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "communes": f"Facultatif, {services.MAX_COMMUNES_PER_REQUEST} au plus : les "
            "communes des lieux choisis comptent aussi.",
        }

    def __init__(self, *args: Any, offers: OfficeOfferQuerySet, **kwargs: Any) -> None:
        """`offers`: those the request may address (published, of the active département)."""
        super().__init__(*args, **kwargs)
        self.fields["offers"].queryset = offers  # type: ignore[attr-defined]
        communes = self.fields["communes"]
        communes.queryset = Commune.objects.of_departement(  # type: ignore[attr-defined]
            settings.MAILLAGE_DEPARTEMENT
        ).order_by("sort_name")
        communes.to_field_name = "insee_code"  # type: ignore[attr-defined]

    def clean_siren(self) -> str:
        # Spaces typed between the digits are allowed; the model's validator judges the rest.
        return siren_number.compact(self.cleaned_data["siren"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        errors = services.request_errors(
            email=cleaned.get("email", ""),
            start_date=cleaned.get("start_date"),
            offers=list(cleaned.get("offers") or []),
            communes=list(cleaned.get("communes") or []),
            now=timezone.now(),
        )
        for field, messages in errors.items():
            if field not in self.errors:
                self.add_error(field, messages)
        return cleaned


class ReplyForm(forms.Form):
    """A place's answer to a request (required to answer, optional to decline)."""

    reply = forms.CharField(
        label="Votre réponse",
        max_length=REPLY_MAX,
        required=False,
        validators=[MultiLine("La réponse")],
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Obligatoire pour répondre, facultative pour décliner : envoyée par "
        "courriel au demandeur, qui vous répond à l'adresse du lieu.",
    )


class ReceivedFilter(forms.Form):
    """The managers' list of requests received (GET): by status, by place (a slug among
    those they manage)."""

    statut = forms.ChoiceField(
        label="Statut", choices=[("", "Tous"), *RequestStatus.choices], required=False
    )
    lieu = forms.ChoiceField(label="Lieu", required=False)

    def __init__(self, data: Any, places: list[Place]) -> None:
        super().__init__(data)
        self.fields["lieu"].choices = [("", "Tous mes lieux")] + [  # type: ignore[attr-defined]
            (place.slug, place.name) for place in places
        ]


class DemandPeriodForm(forms.Form):
    """The period of the Département's view of demand (GET): from `du` to `au`, Paris days
    within the last DEMAND_YEARS years; by default the last DEMAND_DEFAULT_DAYS days."""

    du = IsoDateField(label="Du", required=False, widget=DATE_INPUT)
    au = IsoDateField(label="Au", required=False, widget=DATE_INPUT)

    def __init__(self, data: Any, today: date) -> None:
        super().__init__(data)
        self.today = today
        self.allowed = DateRange(years_later(today, -DEMAND_YEARS), today)

    def clean_du(self) -> date:
        found = day_within(self, "du", self.allowed)
        return found or self.today - timedelta(days=DEMAND_DEFAULT_DAYS)

    def clean_au(self) -> date:
        return day_within(self, "au", self.allowed) or self.today

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("du"), cleaned.get("au")
        if first and last and last < first:
            self.add_error("au", "La fin de la période doit suivre son début.")
        return cleaned

    def period(self) -> tuple[date, date]:
        """The period asked (a valid form), or the default one."""
        if self.is_valid():
            return self.cleaned_data["du"], self.cleaned_data["au"]
        return self.today - timedelta(days=DEMAND_DEFAULT_DAYS), self.today
