from __future__ import annotations

from typing import Any, TypeAlias

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet, BaseModelFormSet, ModelForm
from django.http import HttpRequest

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.places import schedule, services
from maillage.places.models import (
    Closure,
    Equipment,
    OpeningHours,
    Place,
    PlacePhoto,
    Service,
    Space,
)


def _kept_forms(formset: BaseModelFormSet) -> list[ModelForm]:
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.is_valid()
    ]


class OpeningHoursFormSet(BaseInlineFormSet):
    """The week is validated as a whole: ranges of the same day must not overlap."""

    def clean(self) -> None:
        super().clean()
        overlaps = schedule.opening_hours_errors(_opening_ranges(self))
        if overlaps:
            raise ValidationError(overlaps)


def _opening_ranges(formset: BaseModelFormSet) -> list[schedule.OpeningRange]:
    return [
        schedule.OpeningRange(
            f.cleaned_data["weekday"], f.cleaned_data["opens"], f.cleaned_data["closes"]
        )
        for f in _kept_forms(formset)
    ]


class ClosureFormSet(BaseInlineFormSet):
    """Closures of a place: judged as places.services.save_closures judges them (overlaps,
    and the other apps' guards: no closure over bookings), so that the page names the
    fault next to the rows."""

    def clean(self) -> None:
        super().clean()
        kept: list[schedule.DateRange] = []
        new: list[schedule.DateRange] = []
        for form in _kept_forms(self):
            dates = schedule.DateRange(
                form.cleaned_data["start_date"], form.cleaned_data["end_date"]
            )
            moved = {"start_date", "end_date"} & set(form.changed_data)
            (new if form.instance.pk is None or moved else kept).append(dates)
        errors = services.closure_errors(self.instance, kept, new)
        if errors:
            raise ValidationError(errors)


# Form field options by model field class (ModelAdmin.formfield_overrides).
FieldOverrides: TypeAlias = "dict[type[models.Field[Any, Any]], dict[str, Any]]"
# Hours typed and shown as 09:30, not 09:30:00.
TIME_WIDGET: FieldOverrides = {models.TimeField: {"widget": forms.TimeInput(format="%H:%M")}}
CHECKBOXES: FieldOverrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


class PlaceScopedInline(DepartementOnlyAdminMixin, admin.StackedInline):
    """Rows that belong to a place, in the back-office (Département staff only).

    Stacked rather than tabular: every input then has its own visible label.
    """

    extra = 0


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
class PlaceAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
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
        (
            "Adresse",
            {
                "fields": (
                    "address",
                    "postal_code",
                    "commune",
                    "latitude",
                    "longitude",
                    "access_text",
                )
            },
        ),
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
                    "payment_terms",
                ),
                "description": "Les conditions de réservation de tous les espaces du lieu.",
            },
        ),
        ("Gestion", {"fields": ("managers",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Place]:
        return super().get_queryset(request).select_related("commune")

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        if db_field.name in ("approval_delay_hours", "cancellation_notice_hours"):
            # No generic «≥ 0» in the form: the model's validators name the whole range.
            kwargs["min_value"] = None
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Writes go through places.services: the same rights, rules and locks as everywhere.

    def save_model(self, request: HttpRequest, obj: Place, form: ModelForm, change: bool) -> None:
        services.save_place(
            request.user,
            obj,
            services=form.cleaned_data.get("services"),
            managers=form.cleaned_data.get("managers"),
        )

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[BaseModelFormSet], change: bool
    ) -> None:
        # The place's lists were saved with it (save_model): only the rows are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseModelFormSet, change: bool
    ) -> None:
        place, actor = form.instance, request.user
        # commit=False: nothing written yet, but what the history's message tells is known.
        rows = formset.save(commit=False)
        if formset.model is Space:
            for space in formset.deleted_objects:
                services.delete_space(actor, space)
            for space in rows:
                services.save_space(actor, space)
        elif formset.model is OpeningHours:
            if formset.has_changed():
                services.replace_opening_hours(actor, place, _opening_ranges(formset))
        elif formset.model is Closure:
            services.save_closures(actor, place, saved=rows, deleted=formset.deleted_objects)
        else:
            for photo in formset.deleted_objects:
                services.delete_photo(actor, photo)
            for photo in rows:
                services.save_photo(actor, photo)

    def delete_model(self, request: HttpRequest, obj: Place) -> None:
        services.delete_place(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Place]) -> None:
        for place in queryset:
            services.delete_place(request.user, place)


@admin.register(Space)
class SpaceAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "place", "kind", "capacity", "is_bookable"]
    list_filter = ["kind", "is_bookable"]
    search_fields = ["name", "place__name"]
    list_select_related = ["place"]
    formfield_overrides = CHECKBOXES

    def save_model(self, request: HttpRequest, obj: Space, form: ModelForm, change: bool) -> None:
        services.save_space(request.user, obj, equipment=form.cleaned_data.get("equipment"))

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list[BaseModelFormSet], change: bool
    ) -> None:
        # Its equipment was saved with it (save_model); a space has no inline rows.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Space) -> None:
        services.delete_space(request.user, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Space]) -> None:
        for space in queryset:
            services.delete_space(request.user, space)


@admin.register(Service, Equipment)
class CatalogueAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
