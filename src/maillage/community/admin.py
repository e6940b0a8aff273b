"""The back-office's part of the community: the directory's themes (tags). The referent,
announcements, documents and funding opportunities have their staff pages
(/departement/communaute/…), which go through the services."""

from django.contrib import admin

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.community.models import Tag


@admin.register(Tag)
class TagAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
