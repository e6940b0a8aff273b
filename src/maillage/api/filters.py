"""The places' filters of the API (django-filter, so that the OpenAPI document lists them):
the public directory's rules (PlaceQuerySet.listed, shown_as, with_thd, with_features), a
box and a point with a radius. Any value refused is a 400 naming the parameter."""

import math
import re
from typing import Any

import django_filters
from django import forms
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from maillage.places.models import (
    ACCESSIBILITY_FIELDS,
    Place,
    PlaceQuerySet,
    PlaceStatus,
    Service,
    today_in_paris,
)
from maillage.places.selectors import Near, places_near
from maillage.territory.models import Commune

# The farthest a point search reaches (metres), and how far without `radius`.
MAX_RADIUS_M = 50_000
DEFAULT_RADIUS_M = 10_000
# The longest value a text parameter may have (a box is four numbers and three commas).
MAX_PARAM_LENGTH = 100


class StrictBooleanField(forms.Field):
    """«true» or «false» (also «1», «0»); anything else is refused, never read as unset."""

    VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or value.lower() not in self.VALUES:
            raise forms.ValidationError("« true » ou « false » attendu.")
        return self.VALUES[value.lower()]


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):  # type: ignore[misc]  # django-filter has no types
    field_class = StrictBooleanField


class CodeField(forms.CharField):
    """A code among the values `choices()` returns (read in Python: no hostile text reaches
    the database)."""

    def __init__(self, *, known: Any, what: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_PARAM_LENGTH)
        super().__init__(**kwargs)
        self.known, self.what = known, what

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value not in self.known():
            raise forms.ValidationError(f"{self.what} inconnu(e) dans le département.")


@extend_schema_field(OpenApiTypes.STR)
class CodeFilter(django_filters.CharFilter):  # type: ignore[misc]  # django-filter has no types
    field_class = CodeField


def commune_codes() -> set[str]:
    """The INSEE codes of the active département's communes."""
    return set(
        Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT).values_list(
            "insee_code", flat=True
        )
    )


def ept_names() -> set[str]:
    """The EPTs (établissements publics territoriaux) of the active département's communes."""
    return set(
        Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT)
        .exclude(ept="")
        .values_list("ept", flat=True)
    )


def service_slugs() -> set[str]:
    return set(Service.objects.values_list("slug", flat=True))


NUMBER = re.compile(r"-?\d{1,3}(\.\d{1,15})?")


class BoxField(forms.CharField):
    """`min_lon,min_lat,max_lon,max_lat` in WGS84 degrees (decimal numbers), min < max."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_PARAM_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> tuple[float, float, float, float] | None:
        text = super().clean(value)
        if not text:
            return None
        parts = text.split(",")
        refused = forms.ValidationError(
            "quatre nombres « min_lon,min_lat,max_lon,max_lat » attendus (degrés WGS84, "
            "longitudes entre -180 et 180, latitudes entre -90 et 90, min < max)."
        )
        if len(parts) != 4 or not all(NUMBER.fullmatch(p) for p in parts):
            raise refused
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
        if not (
            -180 <= min_lon < max_lon <= 180
            and -90 <= min_lat < max_lat <= 90
            and all(math.isfinite(v) for v in (min_lon, min_lat, max_lon, max_lat))
        ):
            raise refused
        return min_lon, min_lat, max_lon, max_lat


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^-?\d{1,3}(\.\d{1,15})?(,-?\d{1,3}(\.\d{1,15})?){3}$",
        "example": "2.20,48.80,2.30,48.90",
    }
)
class BoxFilter(django_filters.Filter):  # type: ignore[misc]  # django-filter has no types
    field_class = BoxField


@extend_schema_field(OpenApiTypes.DOUBLE)
class RealFilter(django_filters.NumberFilter):  # type: ignore[misc]  # django-filter has no types
    """A decimal number within the bounds given (min_value, max_value)."""


class PlaceFilterForm(forms.Form):
    """A point search needs both `lat` and `lon` (`radius` only with them)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon, radius = data.get("lat"), data.get("lon"), data.get("radius")
        if (
            (lat is None) != (lon is None)
            and not self.has_error("lat")
            and not (self.has_error("lon"))
        ):
            missing = "lon" if lon is None else "lat"
            self.add_error(missing, "« lat » et « lon » vont ensemble : donnez les deux.")
        elif radius is not None and lat is None and lon is None:
            self.add_error("radius", "« radius » demande un point : « lat » et « lon ».")
        return data


class PlaceFilter(django_filters.FilterSet):  # type: ignore[misc]  # django-filter has no types
    """The public directory's filters (web.filters.PlaceFilter's rules), a box and a point."""

    commune = CodeFilter(
        method="filter_commune",
        known=commune_codes,
        what="Code INSEE",
        help_text="Code INSEE de la commune du lieu.",
    )
    ept = CodeFilter(
        method="filter_ept",
        known=ept_names,
        what="Territoire (EPT)",
        help_text="Nom de l'établissement public territorial (EPT) de la commune.",
    )
    status = django_filters.ChoiceFilter(
        choices=PlaceStatus.choices,
        method="filter_status",
        help_text="Le statut affiché (un lieu « ouvert » qui ouvre plus tard est « en "
        "préparation ») ; sans lui, tous les lieux sauf les lieux fermés.",
    )
    service = CodeFilter(
        method="filter_service",
        known=service_slugs,
        what="Service",
        help_text="Identifiant d'un service du lieu (ex. « fablab »).",
    )
    broadband = StrictBooleanFilter(
        method="filter_broadband", help_text="true : très haut débit (30 Mbit/s et plus)."
    )
    accessibility = django_filters.MultipleChoiceFilter(
        choices=[(name, name) for name in ACCESSIBILITY_FIELDS],
        method="filter_accessibility",
        help_text="Aménagements d'accessibilité exigés (tous ceux nommés).",
    )
    bbox = BoxFilter(
        method="filter_bbox",
        help_text="min_lon,min_lat,max_lon,max_lat en degrés WGS84.",
    )
    lat = RealFilter(
        method="filter_nothing", min_value=-90, max_value=90, help_text="Latitude du point."
    )
    lon = RealFilter(
        method="filter_nothing", min_value=-180, max_value=180, help_text="Longitude du point."
    )
    radius = RealFilter(
        method="filter_nothing",
        min_value=1,
        max_value=MAX_RADIUS_M,
        help_text=f"Rayon en mètres autour du point (1 à {MAX_RADIUS_M}, "
        f"{DEFAULT_RADIUS_M} sans lui). Les lieux sont alors du plus proche au plus loin.",
    )

    class Meta:
        model = Place
        fields: list[str] = []
        form = PlaceFilterForm

    def filter_queryset(self, queryset: PlaceQuerySet) -> Any:
        """The filtered places by name then id; with a point, a list nearest first."""
        places = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            places = places.listed()
        places = places.order_by("name", "pk")
        data = self.form.cleaned_data
        if data.get("lat") is None or data.get("lon") is None:
            return places
        radius = data.get("radius") or DEFAULT_RADIUS_M
        return places_near(places, Near(float(data["lat"]), float(data["lon"]), float(radius)))

    def filter_commune(self, queryset: PlaceQuerySet, name: str, value: str) -> PlaceQuerySet:
        return queryset.filter(commune__insee_code=value)

    def filter_ept(self, queryset: PlaceQuerySet, name: str, value: str) -> PlaceQuerySet:
        return queryset.filter(commune__ept=value)

    def filter_status(self, queryset: PlaceQuerySet, name: str, value: str) -> PlaceQuerySet:
        return queryset.shown_as(value, today_in_paris())

    def filter_service(self, queryset: PlaceQuerySet, name: str, value: str) -> PlaceQuerySet:
        return queryset.filter(services__slug=value)

    def filter_broadband(self, queryset: PlaceQuerySet, name: str, value: bool) -> PlaceQuerySet:
        if value is None:
            return queryset
        return queryset.with_thd() if value else queryset.exclude(pk__in=queryset.with_thd())

    def filter_accessibility(
        self, queryset: PlaceQuerySet, name: str, values: list[str]
    ) -> PlaceQuerySet:
        return queryset.with_features(values)

    def filter_bbox(
        self, queryset: PlaceQuerySet, name: str, value: tuple[float, float, float, float]
    ) -> PlaceQuerySet:
        return queryset.within_box(*value)

    def filter_nothing(self, queryset: PlaceQuerySet, name: str, value: Any) -> PlaceQuerySet:
        # lat, lon and radius act together, in filter_queryset.
        return queryset
