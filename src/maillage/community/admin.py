"""The back-office's part of the community: the directory's themes (tags), and the log of
who did what to its shared content (read only). The referent, announcements, documents and
funding opportunities have their staff pages (/departement/communaute/…), which go through
the services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.community.models import CommunityLog, Tag


@admin.register(Tag)
class TagAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(CommunityLog)
class CommunityLogAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Read only: the services append the log; nobody adds, changes or deletes a line."""

    list_display = ["at", "action", "title", "subject_id", "actor"]
    list_filter = ["action"]
    search_fields = ["title", "actor__email"]
    list_select_related = ["actor"]
    readonly_fields = ["at", "action", "title", "subject_id", "actor"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
