from django.contrib import admin

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Tokens are issued by `maillage api_token`; here they are listed and revoked."""

    list_display = ["name", "user", "created_at", "last_used_at"]
    fields = ["name", "user", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        return False
