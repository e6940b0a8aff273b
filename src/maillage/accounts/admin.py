from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.accounts.models import AccountLog, User
from maillage.accounts.roles import has_departement_rights
from maillage.core import outbox
from maillage.core.models import OutboundEmail


class UserCreationForm(AdminUserCreationForm):
    """Accounts the Département creates need no email check."""

    class Meta:
        model = User
        fields = ("email",)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email_verified_at = timezone.now()
        if commit:
            user.save()
        return user


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict[str, type[forms.Field]] = {}


@admin.register(User)
class UserAdmin(DepartementOnlyAdminMixin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_departement_staff", "is_active"]
    list_filter = ["is_departement_staff", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name", "phone")}),
        (
            "Courriels facultatifs",
            {"fields": ("remind_bookings", "remind_events", "notify_status_expiry")},
        ),
        ("Droits", {"fields": ("is_active", "is_departement_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined", "email_verified_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined", "email_verified_at"]


@admin.register(AccountLog)
class AccountLogAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Read only: the services append the log; nobody adds, changes or deletes a line."""

    list_display = ["at", "action", "user", "actor", "detail"]
    list_filter = ["action"]
    search_fields = ["user__email", "actor__email"]
    list_select_related = ["user", "actor"]
    readonly_fields = ["at", "action", "user", "actor", "detail"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class DeliveryState(admin.SimpleListFilter):
    title = "état"
    parameter_name = "etat"
    STATES = {
        "attente": ("en attente", Q(sent_at__isnull=True, failed_at__isnull=True)),
        "envoye": ("envoyé", Q(sent_at__isnull=False)),
        "echec": ("en échec", Q(failed_at__isnull=False)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.STATES.items()]

    def queryset(self, request, queryset):
        if self.value() in self.STATES:
            return queryset.filter(self.STATES[self.value()][1])
        return queryset


@admin.register(OutboundEmail)
class OutboundEmailAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """The email outbox (core.outbox): what waits, what left, what failed for good and why.
    Read only, but a failed email can be sent again once its cause is fixed."""

    list_display = ["pk", "topic", "user", "created_at", "sent_at", "failed_at", "attempts"]
    list_filter = [DeliveryState, "topic"]
    list_select_related = ["user"]
    search_fields = ["address"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [
        "topic",
        "user",
        "address",
        "context",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "failed_at",
        "attempts",
        "last_error",
    ]

    def has_add_permission(self, request, *args):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Renvoyer les courriels sélectionnés (non envoyés)")
    def send_again(self, request, queryset):
        count = outbox.retry(queryset)
        self.message_user(request, f"{count} courriel(s) remis en file d'envoi.")


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """The task queue (django_tasks_db's admin, read only), for Département staff: failed
    tasks with their traceback (filter «Status»)."""

    def has_module_permission(self, request):
        return has_departement_rights(request.user)

    def has_view_permission(self, request, obj=None):
        return has_departement_rights(request.user)
