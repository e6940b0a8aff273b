import weakref
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.api import partners
from maillage.api.models import ApiToken, Partner, PartnerLog
from maillage.core.forms import SubmittedOnce, first_submission, submitted_before
from maillage.core.validators import MultiLine

# django-oauth-toolkit's own admin would let OAuth clients and tokens be edited past
# api.partners' checks and log: partners are edited only through PartnerAdmin.
for oauth_model in (Application, AccessToken, RefreshToken, Grant, IDToken):
    if admin.site.is_registered(oauth_model):
        admin.site.unregister(oauth_model)

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


class PartnerForm(SubmittedOnce, forms.ModelForm):
    """A partner app's details; the origins and redirect URIs checked line by line
    (api.partners), the redirect URIs kept on its OAuth client."""

    redirect_uris = forms.CharField(
        label="adresses de retour OAuth",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[MultiLine("Les adresses de retour")],
        help_text="Une par ligne : https://…, ou le schéma déclaré d'une application mobile "
        "(MAILLAGE_OAUTH_APP_SCHEMES), par exemple fr.exemple.appli:/retour",
    )

    class Meta:
        model = Partner
        fields = ["name", "contact_name", "contact_email", "scopes", "allowed_origins"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["submission"]  # only a creation shows a key
        application = self.instance.application if self.instance.pk else None
        if application is not None:
            self.initial["redirect_uris"] = "\n".join(application.redirect_uris.split())

    def clean_allowed_origins(self) -> str:
        return "\n".join(partners.clean_origins(self.cleaned_data["allowed_origins"]))

    def clean_redirect_uris(self) -> str:
        return "\n".join(partners.clean_redirect_uris(self.cleaned_data["redirect_uris"]))

    def details(self) -> partners.PartnerDetails:
        """The checked details, for api.partners."""
        data = self.cleaned_data
        return partners.PartnerDetails(
            name=data["name"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            scopes=data["scopes"],
            origins=tuple(data["allowed_origins"].splitlines()),
            redirect_uris=tuple(data["redirect_uris"].splitlines()),
        )


class PartnerLogInline(DepartementOnlyAdminMixin, admin.TabularInline):
    """The partner's history, read only."""

    model = PartnerLog
    fields = readonly_fields = ("action", "actor", "at")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Partner)
class PartnerAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Partner apps: created here (the key shown once, right after), edited, revoked (an
    action); never deleted, so that their history stays."""

    form = PartnerForm
    list_display = ["name", "contact_name", "scopes", "key_hint", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "contact_name"]
    readonly_fields = ["key_hint", "client_id", "created_at", "created_by", "revoked_at"]
    inlines = [PartnerLogInline]
    actions = ["revoke"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The key just made, per add request, until its page is rendered; never stored.
        self._new_keys: weakref.WeakKeyDictionary[HttpRequest, str] = weakref.WeakKeyDictionary()

    def get_fields(self, request: HttpRequest, obj: Partner | None = None) -> list[Any]:
        entered: list[Any] = ["name", "contact_name", "contact_email", "scopes", "allowed_origins"]
        entered.append("redirect_uris")
        return [*entered, "submission"] if obj is None else [*entered, *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Partner | None = None) -> list[str]:
        return [] if obj is None else list(self.readonly_fields)

    @admin.display(description="client_id OAuth")
    def client_id(self, obj: Partner) -> str:
        return obj.application.client_id if obj.application else "—"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST" and submitted_before(request):
            messages.info(
                request,
                "Cette application est déjà créée ; sa clé ne s'affiche qu'une fois. Si elle "
                "n'a pas été notée, révoquez l'application et créez-en une autre.",
            )
            return redirect("admin:api_partner_changelist")
        return super().add_view(request, form_url, extra_context)

    def save_model(
        self, request: HttpRequest, obj: Partner, form: forms.ModelForm, change: bool
    ) -> None:
        assert isinstance(form, PartnerForm)
        details = form.details()
        if change:
            partners.change_partner(request.user, obj, details)  # type: ignore[arg-type]
            return
        first_submission(request, form)  # noted: a reload of the key's page is refused
        partner, key = partners.create_partner(request.user, details)  # type: ignore[arg-type]
        obj.pk, obj.application = partner.pk, partner.application
        obj.key_hint, obj.created_at = partner.key_hint, partner.created_at
        self._new_keys[request] = key  # shown by response_add only, gone with the request

    def response_add(
        self, request: HttpRequest, obj: Partner, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The key, once: on this page only (never stored, never readable again)."""
        key = self._new_keys.pop(request, None)
        if key is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "partner": obj,
            "key": key,
            "client_id": obj.application.client_id if obj.application else "",
            "title": "Clé d'API créée",
        }
        response = TemplateResponse(request, "admin/api/partner/key_shown.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A revoked partner is kept for its history, read only (partners.change_partner
        refuses it too)."""
        if obj is not None and obj.revoked_at is not None:
            return False
        return super().has_change_permission(request, obj)

    @admin.action(description="Révoquer les clés choisies (et les consentements donnés)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Partner]) -> HttpResponse | None:
        """After a confirmation page that names them (revoking cannot be undone)."""
        if request.POST.get("post") != "yes":
            return TemplateResponse(
                request,
                "admin/api/partner/revoke_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": "Révoquer des applications partenaires ?",
                    "partners": list(queryset.filter(revoked_at__isnull=True).order_by("name")),
                    "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                },
            )
        done = 0
        for partner in queryset:
            try:
                done += partners.revoke_partner(request.user, partner)  # type: ignore[arg-type]
            except ValidationError as error:  # pragma: no cover — nothing to check today
                self.message_user(request, str(error), messages.ERROR)
        self.message_user(
            request,
            f"{done} clé(s) révoquée(s) : elles et leurs jetons sont refusés dès maintenant."
            if done
            else "Aucune clé à révoquer (déjà révoquées).",
            messages.SUCCESS if done else messages.WARNING,
        )
        return None
