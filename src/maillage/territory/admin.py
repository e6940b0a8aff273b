from django.contrib import admin

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.territory.models import Commune


@admin.register(Commune)
class CommuneAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Reference data, loaded by `maillage load_territory`: read only here."""

    list_display = ["name", "insee_code", "departement", "ept", "population"]
    list_filter = ["departement", "ept"]
    search_fields = ["name", "insee_code", "postal_codes"]
    fields = ("insee_code", "name", "departement", "postal_codes", "population", "ept")
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
