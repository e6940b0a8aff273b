"""The back-office of events, for Département staff: events, changed through the organisers'
use cases (events.organising: their rules and their log; their capacity and their
cancellation through events.services, so that the waiting list is offered the new seats and
the registrants are told), and registrations, their log and the organisers' messages, read
only: they change through their rules (pages), never by hand."""

from copy import copy
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import construct_instance
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.accounts.models import User
from maillage.core.money import euros_column
from maillage.events import organising, services
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


# The fields staff edit: the organisers' own (events.organising.EDITED_FIELDS), and the status.
EDITED_FIELDS = (*organising.EDITED_FIELDS, "status")
# What a published event keeps (organising.FROZEN_ONCE_PUBLISHED), shown read only; its
# capacity stays editable, through services.change_capacity.
FROZEN_FIELDS = tuple(name for name in organising.FROZEN_ONCE_PUBLISHED if name != "capacity")


class Refused(Exception):
    """A rule refused the change while it was saved (the event changed since the form was
    read): `message` in French; the change view shows it, nothing written."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EventForm(forms.ModelForm):
    """An event, judged by the organisers' rules before anything is saved: the fields' rules
    and those between them (organising.event_errors); on change, a capacity the event can no
    longer take (services.capacity_refusal, as the database has the event now), a status
    that does not follow the event's life (a draft is published, or cancelled; a published
    event is cancelled, never taken back to a draft), a publication organising.publish would
    refuse (organising.publish_errors). A new event is created as a draft, or published at
    once."""

    # The event as stored when the form was judged (None: a new one); set by `clean`.
    before: Event | None = None

    class Meta:
        model = Event
        fields = list(EDITED_FIELDS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        event = self.instance
        status = data.get("status")
        self.before = before = Event.objects.get(pk=event.pk) if event.pk else None
        if before is None:
            if status == EventStatus.CANCELLED:
                self.add_error("status", "Un atelier se crée en brouillon, ou publié.")
            return data
        capacity = data.get("capacity")
        if (
            before.status == EventStatus.PUBLISHED
            and capacity is not None
            and (refusal := services.capacity_refusal(before, capacity))
        ):
            self.add_error("capacity", refusal.message)
        if before.status == EventStatus.PUBLISHED and status == EventStatus.DRAFT:
            self.add_error(
                "status",
                "Un atelier publié ne redevient pas un brouillon : annulez-le plutôt "
                "(les personnes inscrites sont prévenues).",
            )
        return data

    def _post_clean(self) -> None:
        # As ModelForm's, but the rules between fields (the CHECK constraints') are told by
        # events.organising, in French and next to their field, rather than as constraints.
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields)
            self.instance.full_clean(
                exclude=[
                    field.name
                    for field in Event._meta.fields
                    if field.name not in self.fields or field.name in self.errors
                ],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            self.add_error(None, error)
        if self.errors:
            return
        now = timezone.now()
        judged = self.instance
        if self.before is not None and self.before.status == EventStatus.PUBLISHED:
            # Its capacity is services.change_capacity's (capacity_refusal judged it), which
            # brings the seats per registration down with it.
            judged = copy(self.instance)
            judged.capacity = self.before.capacity
        errors = organising.event_errors(judged, now)
        if self.cleaned_data.get("status") == EventStatus.PUBLISHED and (
            self.instance.pk is None
            or Event.objects.filter(pk=self.instance.pk, status=EventStatus.DRAFT).exists()
        ):
            errors = {**organising.publish_errors(self.instance, now), **errors}
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)


@admin.register(Event)
class EventAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Events, changed through the organisers' use cases, as staff organise every event: a
    new one is created by events.organising.save_event (a draft, logged), then published
    by organising.publish when asked; a change is saved by organising.save_event (its rules,
    an EDITED log, a registration deadline applied to the waiting list), a published
    event's capacity by services.change_capacity (the waiting list offered the new seats),
    a publication by organising.publish, a cancellation by services.cancel_event (every
    registrant told). A published event's frozen fields are read only, a cancelled event
    wholly. An event is never deleted (cancel it). A refusal met while saving is shown on
    the page, nothing written."""

    form = EventForm
    fields = [*EDITED_FIELDS, "seats_taken", "created_by", "created_at", "updated_at"]
    list_display = ["title", "place", "organiser", "start", "status", "capacity", "seats_taken"]
    list_filter = ["status", "organiser", "audience"]
    search_fields = ["title", "place__name"]
    list_select_related = ["place"]
    date_hierarchy = "start"
    readonly_fields = ["seats_taken", "created_by", "created_at", "updated_at"]
    autocomplete_fields = ["place"]
    inlines = [EventMessageInline, EventLogInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Event | None = None) -> list[str]:
        shown = list(self.readonly_fields)
        if obj is not None and obj.status == EventStatus.CANCELLED:
            return [*shown, *EDITED_FIELDS]
        if obj is not None and obj.status == EventStatus.PUBLISHED:
            return [*shown, *FROZEN_FIELDS]
        return shown

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refused:  # its transaction was rolled back
            messages.error(request, f"Rien n'a été enregistré : {refused.message}")
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        staff: User = request.user  # type: ignore[assignment]  # staff: the admin let them in
        try:
            self._save(staff, obj, change)
        except PermissionDenied as error:
            raise Refused(str(error)) from error
        except ValidationError as error:
            raise Refused(" ".join(error.messages)) from error
        obj.refresh_from_db()

    def _save(self, staff: User, obj: Event, change: bool) -> None:
        status = obj.status
        before = Event.objects.get(pk=obj.pk) if change else None
        if before is not None and before.status == EventStatus.CANCELLED:
            return  # read only: nothing to save
        capacity = obj.capacity
        if before is not None and before.status == EventStatus.PUBLISHED:
            obj.capacity = before.capacity  # services.change_capacity moves it
        organising.save_event(staff, obj)  # a new event: a draft
        if capacity != obj.capacity:
            services.change_capacity(staff, obj, capacity)
        if status != obj.status and status == EventStatus.PUBLISHED:
            organising.publish(staff, obj)
        elif status != obj.status and status == EventStatus.CANCELLED:
            services.cancel_event(staff, obj)


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
