"""The back-office of programmes, for Département staff: programmes and their envelopes
(money added or taken back through the ledger, never typed over), employers and their
members, and the ledger itself (read only)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.validators import DomainNameValidator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.accounts.services import normalize_email
from maillage.booking.models import Channel
from maillage.core.money import EurosField, euros_column
from maillage.core.text import count, euros, french_number
from maillage.eligibility.second_factor import ShowsCategoriesAdminMixin
from maillage.places.models import SpaceKind
from maillage.programmes import services
from maillage.programmes.models import (
    CIVIL_SERVICE_TELEWORK_DAYS_PER_WEEK,
    MAX_BUDGET_CENTS,
    Account,
    CapCounter,
    CapKind,
    Employer,
    Envelope,
    LedgerEntry,
    Membership,
    Programme,
    ProgrammePlace,
)

# Changing any of these changes the rule (who, where, when, in which order, what is paid):
# the programme's version is raised, and a quote made under the former one is refused at
# commit (services.commit). Only the name, public label and funder leave it as it is.
RULE_FIELDS = frozenset(
    {
        "categories",
        "employer",
        "space_kinds",
        "covers_events",
        "valid_from",
        "valid_until",
        "priority",
        "kind",
        "person_basis_points",
        "fixed_hour_cents",
        "fixed_half_day_cents",
        "fixed_day_cents",
        "credit_cents",
        "credit_bursary_cents",
        "credit_period",
        "quota_days",
        "quota_period",
        "cumulative",
        "late_rule",
        "cap_days_per_month",
        "cap_minutes_per_year",
        "cap_cents",
        "cap_period",
    }
)


class ProgrammeForm(forms.ModelForm):
    """A programme, its space kinds as boxes to tick, and money to add to or take back from
    its envelope (as ledger rows, services.change_envelope)."""

    space_kinds = forms.MultipleChoiceField(
        label="Types d'espaces",
        choices=SpaceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : tous les types.",
    )
    add_cents = EurosField(label="Abonder l'enveloppe de (€)", required=False)
    take_back_cents = EurosField(label="Retirer de l'enveloppe (€)", required=False)

    class Meta:
        model = Programme
        exclude: list[str] = []
        widgets = {"categories": forms.CheckboxSelectMultiple}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        add, take_back = data.get("add_cents") or 0, data.get("take_back_cents") or 0
        if add and take_back:
            self.add_error("take_back_cents", "Abondez ou retirez, pas les deux à la fois.")
        envelope = Envelope.objects.filter(programme_id=self.instance.pk).first()
        budget, left = (envelope.budget_cents, envelope.left_cents) if envelope else (0, 0)
        if add > MAX_BUDGET_CENTS - budget:
            self.add_error(
                "add_cents",
                f"Le budget d'une enveloppe ne dépasse pas {euros(MAX_BUDGET_CENTS)} : on peut "
                f"l'abonder de {euros(MAX_BUDGET_CENTS - budget)} au plus.",
            )
        if take_back > left:
            self.add_error(
                "take_back_cents",
                f"On ne peut retirer plus que ce qui reste de l'enveloppe ({euros(left)}).",
            )
        return data


class EnvelopeInline(DepartementOnlyAdminMixin, admin.StackedInline):
    """The envelope's threshold and who is warned; what is left moves through the ledger."""

    model = Envelope
    fields = ["budget", "left", "warn_below_cents", "warn_email", "warned_at"]
    readonly_fields = ["budget", "left", "warned_at"]
    can_delete = False
    extra = 0

    # Read-only money is shown in euros (a read-only cents field would show the bare cents).
    budget = euros_column("budget_cents", "budget accordé")
    left = euros_column("left_cents", "reste")


class ProgrammePlaceInline(DepartementOnlyAdminMixin, admin.TabularInline):
    """The places that joined: their managers accept the terms on their own page; staff may
    add a place here, having its agreement (they are recorded as who accepted)."""

    model = ProgrammePlace
    fields = ("place", "joined_at", "joined_by", "left_at")
    readonly_fields = ("joined_at", "joined_by", "left_at")
    autocomplete_fields = ["place"]
    extra = 0
    can_delete = False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Programme)
class ProgrammeAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    form = ProgrammeForm
    list_display = ["name", "public_label", "kind", "valid_from", "valid_until", "priority"]
    list_filter = ["kind"]
    search_fields = ["name", "public_label", "funder"]
    readonly_fields = ["version"]
    inlines = [EnvelopeInline, ProgrammePlaceInline]
    fieldsets = [
        (None, {"fields": ["name", "public_label", "funder", "version"]}),
        ("Qui et où", {"fields": ["categories", "employer", "space_kinds", "covers_events"]}),
        ("Quand", {"fields": ["valid_from", "valid_until", "priority", "cumulative"]}),
        (
            "Avantage",
            {
                "fields": [
                    "kind",
                    "person_basis_points",
                    ("fixed_hour_cents", "fixed_half_day_cents", "fixed_day_cents"),
                    ("credit_cents", "credit_bursary_cents", "credit_period"),
                    ("quota_days", "quota_period"),
                    "late_rule",
                ]
            },
        ),
        (
            "Plafonds par bénéficiaire",
            {
                "fields": [
                    "cap_days_per_month",
                    "cap_minutes_per_year",
                    ("cap_cents", "cap_period"),
                ]
            },
        ),
        ("Conditions pour les lieux", {"fields": ["terms", "payment_delay_days"]}),
        ("Enveloppe", {"fields": ["add_cents", "take_back_cents"]}),
    ]

    def save_model(
        self, request: HttpRequest, obj: Programme, form: ProgrammeForm, change: bool
    ) -> None:
        if change and RULE_FIELDS & set(form.changed_data):
            obj.version += 1
        super().save_model(request, obj, form, change)
        if obj.exceeds_civil_service_telework():
            messages.warning(
                request,
                f"« {obj.name} » paie {obj.quota_days} jours par semaine : la fonction publique "
                f"limite le télétravail à {CIVIL_SERVICE_TELEWORK_DAYS_PER_WEEK} jours par "
                "semaine (décret n° 2016-151, art. 3). Vérifiez que cet employeur peut en "
                "accorder plus.",
            )

    def save_formset(
        self, request: HttpRequest, form: ProgrammeForm, formset: Any, change: bool
    ) -> None:
        if formset.model is not ProgrammePlace:
            super().save_formset(request, form, formset, change)
            return
        for joined in formset.save(commit=False):
            joined.joined_at, joined.joined_by = timezone.now(), request.user
            joined.save()

    def save_related(
        self, request: HttpRequest, form: ProgrammeForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        programme = form.instance
        Envelope.objects.get_or_create(programme=programme)
        amount = (form.cleaned_data.get("add_cents") or 0) - (
            form.cleaned_data.get("take_back_cents") or 0
        )
        if amount:
            services.change_envelope(
                request.user,  # type: ignore[arg-type]  # staff: the admin let them in
                programme,
                amount,
                channel=Channel.BACK_OFFICE,
            )


class MembershipForm(forms.ModelForm):
    """A member's address, kept as accounts keep addresses (normalize_email: lower case), so
    that the formset's check of duplicates sees «A@x.fr» and «a@x.fr» as one."""

    class Meta:
        model = Membership
        fields = ["email", "places"]

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])


class MembershipInline(DepartementOnlyAdminMixin, admin.TabularInline):
    model = Membership
    form = MembershipForm
    fields = ["email", "places"]
    extra = 1
    autocomplete_fields = ["places"]


class EmployerForm(forms.ModelForm):
    """An employer; its members' email domain is a domain name (IDNA accepted), without @."""

    class Meta:
        model = Employer
        fields = ["name", "email_domain", "payment_delay_days"]

    def clean_email_domain(self) -> str:
        domain: str = self.cleaned_data["email_domain"].strip().lower()
        if domain:
            DomainNameValidator(
                message="« Domaine des adresses des membres » : un nom de domaine, par exemple "
                "« hauts-de-seine.fr » (sans @ ni espace)."
            )(domain)
        return domain


@admin.register(Employer)
class EmployerAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    form = EmployerForm
    list_display = ["name", "email_domain"]
    search_fields = ["name", "email_domain"]
    fields = ["name", "email_domain", "payment_delay_days"]
    inlines = [MembershipInline]


def movement(amount: int, account: str, cap_kind: str | None) -> str:
    """A ledger row's signed `amount` in its account's unit, in French: euros for an
    envelope, a wallet or an amount cap («-12,50 €»), minutes or days for the other caps
    («+90 min», «+1 jour»)."""
    sign = "+" if amount > 0 else ""
    if account != Account.CAP or cap_kind == CapKind.CENTS:
        return sign + euros(amount)
    if cap_kind == CapKind.MINUTES:
        return f"{sign}{french_number(amount)}\u00a0min"
    return sign + count(amount, "jour")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ShowsCategoriesAdminMixin, admin.ModelAdmin):
    """The append-only ledger: read only. It ties bookings (people) to programmes (and so to
    the categories they target): shown only to those who may see categories. Amounts are
    shown in their account's unit (movement), never as bare cents."""

    list_display = ["at", "programme", "account", "account_id", "shown_amount", "reason", "booking"]
    readonly_fields = [
        "at",
        "programme",
        "booking",
        "registration",
        "account",
        "account_id",
        "shown_amount",
        "reason",
        "actor",
        "channel",
    ]
    exclude = ["amount"]  # shown as shown_amount
    list_filter = ["account", "reason", "channel", "programme"]
    list_select_related = ["programme"]
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[LedgerEntry]:
        # A cap row's unit is its counter's kind: read with the rows, not once per row.
        kind = CapCounter.objects.filter(pk=OuterRef("account_id")).values("kind")[:1]
        entries: QuerySet[LedgerEntry] = super().get_queryset(request)
        return entries.annotate(cap_kind=Subquery(kind)).order_by("-id")

    @admin.display(description="mouvement", ordering="amount")
    def shown_amount(self, entry: LedgerEntry) -> str:
        return movement(entry.amount, entry.account, getattr(entry, "cap_kind", None))

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
