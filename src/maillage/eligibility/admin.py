"""Back-office: staff add categories without code (a list of labels: nobody in it). Statuses
are not in the admin: they are read only through the eligibility pages, which log every
view. An admin showing people's categories takes second_factor.ShowsCategoriesAdminMixin
(tests/eligibility/test_admin.py finds those in the registry)."""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.eligibility.models import Category

# django-otp registers its devices, secret keys shown, on the back-office (django_otp comes
# before this app): a second factor readable with the password alone would be none.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


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
