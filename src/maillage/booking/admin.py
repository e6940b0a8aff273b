from django.contrib import admin
from django.http import HttpRequest

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.booking.models import Booking, BookingEvent

HISTORY_FIELDS = ("at", "from_status", "to_status", "actor", "channel", "reason")


class BookingEventInline(DepartementOnlyAdminMixin, admin.TabularInline):
    """The booking's history: read only, as its table is append-only."""

    model = BookingEvent
    fields = HISTORY_FIELDS
    readonly_fields = HISTORY_FIELDS
    ordering = ["id"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Read only: bookings change through their rules (pages, API), never by hand."""

    list_display = ["space", "user", "start", "end", "seats", "status", "price_cents"]
    list_filter = ["status", "exclusive", "space__place__commune__ept"]
    search_fields = ["user__email", "space__name", "space__place__name"]
    list_select_related = ["space__place", "user"]
    date_hierarchy = "start"
    inlines = [BookingEventInline]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False
