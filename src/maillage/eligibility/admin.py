"""Back-office: staff add categories without code. Statuses are not in the admin: they are
read only through the eligibility pages, which log every view."""

from django.contrib import admin

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.eligibility.models import Category


@admin.register(Category)
class CategoryAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["label", "code", "needs_proof", "for_children", "active"]
    list_filter = ["active", "for_children"]
    search_fields = ["label", "code"]

    def get_readonly_fields(self, request, obj=None):
        # The code is what programmes and other apps name: fixed once created.
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # A category in use is kept (deactivate it instead); statuses PROTECT it anyway.
        return False
