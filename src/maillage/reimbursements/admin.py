"""The issued statements in the back-office, for Département staff: read only (an issued
statement never changes; triggers refuse it anyway), filtered by month, payer and kind."""

from django.contrib import admin
from django.http import HttpRequest

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.core.text import euros
from maillage.eligibility.second_factor import ShowsCategoriesAdminMixin
from maillage.reimbursements.models import ReimbursementStatement, StatementLine, StatementMonth


class ReadOnlyAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Seen by staff, never added, changed nor deleted from the back-office."""

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        # Every field shown as text, none a form field: nothing is ever written here.
        excluded = set(self.exclude or ())
        shown = [f.name for f in self.model._meta.fields if f.name not in excluded]
        return [*shown, *self.readonly_fields]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StatementMonth)
class StatementMonthAdmin(ReadOnlyAdmin):
    list_display = ["month", "issued_at", "issued_by"]
    list_select_related = ["issued_by"]
    date_hierarchy = "month"


@admin.register(ReimbursementStatement)
class ReimbursementStatementAdmin(ReadOnlyAdmin):
    list_display = [
        "reference",
        "month",
        "payer",
        "place",
        "programme",
        "employer",
        "shown_total",
        "issued_on",
        "payment_due_on",
    ]
    list_filter = ["payer", "month", "year", "programme", "employer"]
    list_select_related = ["month", "place", "programme", "employer"]
    search_fields = ["place__name", "employer__name", "programme__name", "digest"]
    exclude = ["total_cents"]  # shown as shown_total
    readonly_fields = ["shown_total"]

    @admin.display(description="total", ordering="total_cents")
    def shown_total(self, statement: ReimbursementStatement) -> str:
        return euros(statement.total_cents)


@admin.register(StatementLine)
class StatementLineAdmin(ShowsCategoriesAdminMixin, ReadOnlyAdmin):
    list_display = ["statement", "position", "kind", "place", "programme", "served_on", "amount"]
    list_filter = ["kind", "statement__month", "programme"]
    list_select_related = ["statement", "place", "programme"]
    exclude = ["cents"]  # shown as amount
    readonly_fields = ["amount"]
    raw_id_fields = ["statement", "share", "booking", "registration"]

    @admin.display(description="montant", ordering="cents")
    def amount(self, line: StatementLine) -> str:
        return euros(line.cents)
