from django.contrib import admin
from django.http import HttpRequest

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.api.models import ApiToken

# Shown, never edited here.
SHOWN = ("name", "user", "created_at", "last_used_at")


@admin.register(ApiToken)
class ApiTokenAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Tokens are issued by `maillage api_token`; here they are listed and revoked."""

    list_display = ["name", "user", "created_at", "last_used_at"]
    fields = SHOWN
    readonly_fields = SHOWN

    def has_add_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False
