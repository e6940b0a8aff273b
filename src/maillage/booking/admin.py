from django.contrib import admin
from django.http import HttpRequest

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.booking.models import Booking, BookingEvent
from maillage.core.money import euros_column

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
    """Read only: bookings change through their rules (pages, API), never by hand. Prices
    are shown in euros (euros_column), never as bare cents."""

    list_display = ["space", "user", "start", "end", "seats", "status", "price"]
    exclude = ["price_cents", "person_price_cents"]
    readonly_fields = ["price", "person_price"]
    price = euros_column("price_cents", "prix")
    person_price = euros_column("person_price_cents", "prix payé par la personne")
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
