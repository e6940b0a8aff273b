import django_filters
from django import forms
from django.conf import settings

from maillage.core.model_fields import own_field
from maillage.core.validators import SingleLine
from maillage.places.models import (
    ACCESSIBILITY_FIELDS,
    Place,
    PlaceStatus,
    Service,
    SpaceKind,
    today_in_paris,
)
from maillage.places.selectors import places_around
from maillage.territory.models import Commune
from maillage.territory.selectors import POSTAL_CODE, communes_meant

ACCESSIBILITY_CHOICES = [
    (name, own_field(Place, name).verbose_name.capitalize()) for name in ACCESSIBILITY_FIELDS
]


# A search is a few words: each one is a condition of the query.
SEARCH_MAX_LENGTH = 200
LOCALITY_LABEL = "Code postal ou commune"


class LocalityField(forms.CharField):
    """A postal code or a commune's name, cleaned to the communes of the département it
    names (territory.selectors.communes_meant; None when empty). Refused, with a French
    message naming the field, when it names none."""

    def clean(self, value: object) -> list[Commune] | None:
        text = super().clean(value)
        if not text:
            return None
        communes = communes_meant(text, settings.MAILLAGE_DEPARTEMENT)
        if communes:
            return communes
        if POSTAL_CODE.fullmatch(text):
            message = f"{LOCALITY_LABEL} : aucune commune du département n'a le code postal {text}."
        else:
            message = (
                f"{LOCALITY_LABEL} : aucune commune du département ne s'appelle « {text} » ; "
                "saisissez un code postal à 5 chiffres ou le nom d'une commune."
            )
        raise forms.ValidationError(message, code="unknown_locality")


class LocalityFilter(django_filters.CharFilter):
    field_class = LocalityField


class PlaceFilter(django_filters.FilterSet):
    """The directory's filters; every one of them lives in the URL."""

    q = django_filters.CharFilter(
        label="Recherche",
        method="filter_text",
        max_length=SEARCH_MAX_LENGTH,
        validators=[SingleLine("La recherche")],
    )
    localite = LocalityFilter(
        label=LOCALITY_LABEL,
        method="filter_around",
        max_length=100,
        validators=[SingleLine("Le code postal ou la commune")],
    )
    commune = django_filters.ModelChoiceFilter(
        label="Commune",
        queryset=Commune.objects.none(),
        to_field_name="insee_code",
        empty_label="Toutes les communes",
    )
    ept = django_filters.ChoiceFilter(
        label="Territoire (EPT)", field_name="commune__ept", empty_label="Tous les territoires"
    )
    status = django_filters.ChoiceFilter(
        label="Statut",
        choices=PlaceStatus.choices,
        empty_label="Tous sauf les lieux fermés",
        method="filter_status",
    )
    service = django_filters.ModelChoiceFilter(
        label="Service",
        field_name="services",
        queryset=Service.objects.all(),
        to_field_name="slug",
        empty_label="Tous les services",
    )
    space_kind = django_filters.ChoiceFilter(
        label="Type d'espace",
        field_name="spaces__kind",
        choices=SpaceKind.choices,
        empty_label="Tous les types",
        distinct=True,
    )
    thd = django_filters.BooleanFilter(
        label="Très haut débit (30 Mbit/s et plus)",
        method="filter_thd",
        widget=forms.CheckboxInput,
    )
    accessibility = django_filters.MultipleChoiceFilter(
        label="Accessibilité",
        choices=ACCESSIBILITY_CHOICES,
        method="filter_accessibility",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Place
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communes = Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT)
        self.filters["commune"].queryset = communes
        self.filters["ept"].extra["choices"] = [
            (ept, ept)
            for ept in communes.exclude(ept="")
            .order_by("ept")
            .values_list("ept", flat=True)
            .distinct()
        ]

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.listed()
        return queryset

    @property
    def communes_around(self) -> list[Commune] | None:
        """The communes the postal code or commune field names, once the filter is valid."""
        return self.form.cleaned_data.get("localite")

    def filter_around(self, queryset, name, communes):
        """The places in `communes` or within AROUND_COMMUNES_M of them (places_around)."""
        return queryset.filter(pk__in=[place.pk for place in places_around(queryset, communes)])

    def filter_text(self, queryset, name, value):
        return queryset.matching(value)

    def filter_status(self, queryset, name, value):
        return queryset.shown_as(value, today_in_paris())

    def filter_thd(self, queryset, name, value):
        return queryset.with_thd() if value else queryset

    def filter_accessibility(self, queryset, name, values):
        return queryset.with_features(values)
