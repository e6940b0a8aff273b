"""The back-office of events, for Département staff: events (their capacity and their
cancellation through events.services, so that the waiting list is offered the new seats and
the registrants are told), and registrations, their log and the organisers' messages, read
only: they change through their rules (pages), never by hand."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.accounts.models import User
from maillage.core.money import euros_column
from maillage.events import services
from maillage.events.models import (
    Event,
    EventLog,
    EventMessage,
    EventStatus,
    Registration,
)

LOG_FIELDS = ("at", "registration", "action", "from_status", "to_status", "actor", "detail")


class ReadOnlyInline(DepartementOnlyAdminMixin, admin.TabularInline):
    """Rows shown with their event or registration, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventLogInline(ReadOnlyInline):
    """Who did what to the event's registrations, oldest first."""

    model = EventLog
    fields = LOG_FIELDS
    readonly_fields = LOG_FIELDS
    ordering = ["id"]


class EventMessageInline(ReadOnlyInline):
    """The organisers' messages to the registrants."""

    model = EventMessage
    fields = ("sent_at", "sender", "subject", "recipients")
    readonly_fields = fields


class EventForm(forms.ModelForm):
    """An event; on change, a capacity below the seats taken (as the database has them now)
    is refused on its field, a cancelled event stays cancelled, and an event with
    registrations is not taken back to a draft."""

    class Meta:
        model = Event
        fields = [
            "place",
            "organiser",
            "title",
            "description",
            "audience",
            "start",
            "end",
            "capacity",
            "max_seats_per_registration",
            "price_cents",
            "registration_opens_at",
            "registration_closes_at",
            "needs_approval",
            "has_waiting_list",
            "hold_hours",
            "status",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        event = self.instance
        if event.pk is None:
            return data
        before = Event.objects.get(pk=event.pk)
        capacity = data.get("capacity")
        if capacity is not None and (refusal := services.capacity_refusal(before, capacity)):
            self.add_error("capacity", refusal.message)
        status = data.get("status")
        if before.status == EventStatus.CANCELLED and status != EventStatus.CANCELLED:
            self.add_error("status", "Un atelier annulé le reste : créez-en un autre.")
        elif status == EventStatus.DRAFT and before.registrations.active().exists():
            self.add_error(
                "status",
                "Des personnes sont inscrites : annulez l'atelier plutôt (elles sont prévenues).",
            )
        return data


@admin.register(Event)
class EventAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Events. A new one is created by the staff member saving it. On change, a new capacity
    goes through services.change_capacity (raised: the waiting list is offered the seats) and
    «Annulé» through services.cancel_event (every registrant told)."""

    form = EventForm
    list_display = ["title", "place", "organiser", "start", "status", "capacity", "seats_taken"]
    list_filter = ["status", "organiser", "audience"]
    search_fields = ["title", "place__name"]
    list_select_related = ["place"]
    date_hierarchy = "start"
    readonly_fields = ["seats_taken", "created_by", "created_at", "updated_at"]
    autocomplete_fields = ["place"]
    inlines = [EventMessageInline, EventLogInline]

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]  # staff: let in
            super().save_model(request, obj, form, change)
            return
        staff: User = request.user  # type: ignore[assignment]  # staff: the admin let them in
        before = Event.objects.get(pk=obj.pk)
        capacity, status = obj.capacity, obj.status
        try:
            with transaction.atomic():
                if capacity > before.capacity:  # raised first: the seats per registration fit
                    services.change_capacity(staff, before, capacity)
                obj.capacity = max(capacity, before.capacity)
                obj.status = before.status
                super().save_model(request, obj, form, change)
                if capacity < before.capacity:
                    services.change_capacity(staff, obj, capacity)
                if status == EventStatus.CANCELLED and before.status != EventStatus.CANCELLED:
                    services.cancel_event(staff, obj)
                elif status != before.status:
                    Event.objects.filter(pk=obj.pk).update(status=status)
        except services.RegistrationRefused as refused:
            messages.error(request, f"Rien n'a été enregistré : {refused.message}")
        obj.refresh_from_db()


@admin.register(Registration)
class RegistrationAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Read only: registrations change through their rules (pages), never by hand. Prices
    are shown in euros (euros_column), never as bare cents."""

    list_display = ["event", "user", "seats", "status", "waiting_since", "offered_until"]
    exclude = ["price_cents", "person_price_cents"]
    readonly_fields = ["price", "person_price"]
    price = euros_column("price_cents", "prix")
    person_price = euros_column("person_price_cents", "prix payé par la personne")
    list_filter = ["status"]
    search_fields = ["user__email", "event__title"]
    list_select_related = ["event", "user"]
    inlines = [EventLogInline]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
