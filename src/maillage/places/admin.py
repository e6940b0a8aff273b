from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeAlias

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ForeignKey, QuerySet
from django.forms import BaseFormSet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.accounts.roles import has_departement_rights
from maillage.core.dates import long_date
from maillage.places import permissions, schedule
from maillage.places.models import (
    Closure,
    Equipment,
    OpeningHours,
    Place,
    PlacePhoto,
    Service,
    Space,
    today_in_paris,
)


def _kept_forms(formset: BaseFormSet) -> list[forms.Form]:
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.is_valid()
    ]


class OpeningHoursFormSet(BaseInlineFormSet):
    """The week is validated as a whole: ranges of the same day must not overlap."""

    def clean(self) -> None:
        super().clean()
        ranges = [
            schedule.OpeningRange(
                f.cleaned_data["weekday"], f.cleaned_data["opens"], f.cleaned_data["closes"]
            )
            for f in _kept_forms(self)
        ]
        overlaps = schedule.opening_hours_errors(ranges)
        if overlaps:
            raise ValidationError(overlaps)


def _stranded_bookings_error(place_id: int, first_day: date, last_day: date) -> str | None:
    """A closure must not fall on bookings: the manager cancels them first, with a reason
    the people booked are told."""
    # The back-office ties places and bookings together; places itself does not know them.
    from maillage.booking.queries import holding_during

    stranded = holding_during(place_id, first_day, last_day)
    if not stranded:
        return None
    first = timezone.localtime(stranded[0].start)
    when = f"le {long_date(first)} à {first:%H}h{first:%M}"
    if len(stranded) == 1:
        return (
            f"Une réservation est prévue pendant cette fermeture ({when}) : annulez-la "
            "d'abord, avec un motif, dans la gestion des réservations."
        )
    return (
        f"{len(stranded)} réservations sont prévues pendant cette fermeture (la première "
        f"{when}) : annulez-les d'abord, avec un motif, dans la gestion des réservations."
    )


class ClosureFormSet(BaseInlineFormSet):
    """Closures of a place must not overlap each other, nor fall on bookings."""

    def clean(self) -> None:
        super().clean()
        kept = _kept_forms(self)
        ranges = [
            schedule.DateRange(f.cleaned_data["start_date"], f.cleaned_data["end_date"])
            for f in kept
        ]
        errors = []
        for index, closure in enumerate(ranges):
            errors += schedule.closure_errors(closure, today_in_paris(), ranges[index + 1 :])
        if self.instance.pk:
            for form, closure in zip(kept, ranges, strict=True):
                if form.has_changed() and (
                    stranded := _stranded_bookings_error(
                        self.instance.pk, closure.start, closure.end
                    )
                ):
                    errors.append(stranded)
        if errors:
            raise ValidationError(sorted(set(errors)))


# Form field options by model field class (ModelAdmin.formfield_overrides).
FieldOverrides: TypeAlias = "dict[type[models.Field[Any, Any]], dict[str, Any]]"
# Hours typed and shown as 09:30, not 09:30:00.
TIME_WIDGET: FieldOverrides = {models.TimeField: {"widget": forms.TimeInput(format="%H:%M")}}
CHECKBOXES: FieldOverrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


class PlaceScopedInline(admin.StackedInline):
    """Rows that belong to a place: editable by whoever may edit that place.

    Stacked rather than tabular: every input then has its own visible label.
    """

    extra = 0

    def _may_edit(self, request: HttpRequest, place: Place | None) -> bool:
        # Without a place (the add view, or Django asking for the inline's queryset) the
        # parent admin has already limited which places this user reaches.
        if place is None:
            return permissions.can_use_back_office(request.user)
        return permissions.can_edit_place(request.user, place)

    def has_view_permission(self, request: HttpRequest, obj: Place | None = None) -> bool:
        return self._may_edit(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Place | None = None) -> bool:
        return self._may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Place | None = None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Place | None = None) -> bool:
        return self._may_edit(request, obj)


class SpaceInline(PlaceScopedInline):
    model = Space
    fields = [
        "name",
        "kind",
        "capacity",
        "is_bookable",
        "price_hour_cents",
        "price_half_day_cents",
        "price_day_cents",
    ]
    show_change_link = True


class PlacePhotoInline(PlaceScopedInline):
    model = PlacePhoto
    fields = ["image", "alt_text", "position"]
    # The model's validator judges the content (places.photos) and says why in French; the
    # form's own image check would answer a vaguer message first.
    formfield_overrides = {
        models.ImageField: {
            "form_class": forms.FileField,
            "widget": AdminFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
    }


class OpeningHoursInline(PlaceScopedInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    formfield_overrides = TIME_WIDGET


class ClosureInline(PlaceScopedInline):
    model = Closure
    formset = ClosureFormSet


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "status", "is_fictional"]
    list_filter = ["status", "commune__ept", "is_fictional"]
    search_fields = ["name", "commune__name", "address"]
    list_select_related = ["commune"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["managers"]
    inlines = [SpaceInline, OpeningHoursInline, ClosureInline, PlacePhotoInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}, **CHECKBOXES}
    fieldsets = (
        (
            None,
            {"fields": ("name", "slug", "status", "opening_date", "description", "is_fictional")},
        ),
        ("Adresse", {"fields": ("address", "postal_code", "commune", "latitude", "longitude")}),
        ("Contact", {"fields": ("website", "email", "phone", "siret")}),
        ("Services et équipements", {"fields": ("services",)}),
        (
            "Très haut débit",
            {"fields": ("broadband_technology", "broadband_down_mbps", "broadband_up_mbps")},
        ),
        (
            "Accessibilité",
            {
                "fields": (
                    "step_free_access",
                    "accessible_toilets",
                    "hearing_loop",
                    "accessible_parking",
                )
            },
        ),
        (
            "Réservations",
            {
                "fields": (
                    "requires_approval",
                    "approval_delay_hours",
                    "cancellation_notice_hours",
                ),
                "description": "Les conditions de réservation de tous les espaces du lieu.",
            },
        ),
        ("Gestion", {"fields": ("managers",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Place]:
        return permissions.editable_places(request.user).select_related("commune")

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name in ("approval_delay_hours", "cancellation_notice_hours"):
            # No generic «≥ 0» in the form: the model's validators name the whole range.
            kwargs["min_value"] = None
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Place | None = None) -> list[str]:
        if has_departement_rights(request.user):
            return []
        # Statuses, the URL and the list of managers are the Département's to validate.
        return ["status", "slug", "is_fictional", "managers"]

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Place | None = None
    ) -> dict[str, Sequence[str]]:
        return self.prepopulated_fields if has_departement_rights(request.user) else {}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_back_office(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Place | None = None) -> bool:
        if obj is None:
            return permissions.can_use_back_office(request.user)
        return permissions.can_edit_place(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj: Place | None = None) -> bool:
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_create_place(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Place | None = None) -> bool:
        return permissions.can_delete_place(request.user, obj)


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "kind", "capacity", "is_bookable"]
    list_filter = ["kind", "is_bookable"]
    search_fields = ["name", "place__name"]
    list_select_related = ["place"]
    formfield_overrides = CHECKBOXES

    def get_queryset(self, request: HttpRequest) -> QuerySet[Space]:
        return Space.objects.filter(place__in=permissions.editable_places(request.user))

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "place":
            # Only the places this user may edit can be chosen: the form refuses any other.
            kwargs["queryset"] = permissions.editable_places(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_back_office(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Space | None = None) -> bool:
        if obj is None:
            return permissions.can_use_back_office(request.user)
        return permissions.can_edit_place(request.user, obj.place)

    def has_change_permission(self, request: HttpRequest, obj: Space | None = None) -> bool:
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_back_office(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Space | None = None) -> bool:
        return self.has_view_permission(request, obj)


@admin.register(Service, Equipment)
class CatalogueAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
