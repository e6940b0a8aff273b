import weakref
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST
from oauth2_provider.models import AccessToken, Application, Grant, IDToken, RefreshToken

from maillage.accounts.admin_access import DepartementOnlyAdminMixin
from maillage.api import partners, webhooks
from maillage.api.models import (
    ApiToken,
    DeliveryStatus,
    EventType,
    Partner,
    PartnerLog,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
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


class ReadOnlyInline(DepartementOnlyAdminMixin, admin.TabularInline):
    """Rows shown with their partner or delivery, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PartnerLogInline(ReadOnlyInline):
    """The partner's history."""

    model = PartnerLog
    fields = readonly_fields = ("action", "webhook", "detail", "actor", "at")


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

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """The partner's page, with its webhooks and their delivery log
        (admin/api/partner/change_form.html)."""
        partner = self.get_object(request, object_id)
        if partner is not None:
            extra_context = {
                **(extra_context or {}),
                "webhooks": list(partner.webhooks.order_by("pk")),
                "deliveries": webhooks.recent_deliveries(partner),
                "can_change_webhooks": self.has_change_permission(request, partner),
                "retryable": (DeliveryStatus.FAILED, DeliveryStatus.STOPPED),
            }
        return super().change_view(request, object_id, form_url, extra_context)

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


class WebhookEndpointForm(SubmittedOnce, forms.ModelForm):
    """A partner's webhook: its address (api.webhooks.clean_url) and events."""

    url = forms.URLField(
        label="adresse de réception",
        max_length=webhooks.URL_MAX_LENGTH,
        assume_scheme="https",
        error_messages={
            "max_length": f"{webhooks.URL_LABEL} : %(limit_value)d caractères au plus.",
            "invalid": f"{webhooks.URL_LABEL} : attendu « https://hôte/chemin ».",
            "required": f"{webhooks.URL_LABEL} : obligatoire.",
        },
        help_text="https://… : elle reçoit chaque événement en POST (JSON signé) et répond "
        "2xx ; 410 la désactive.",
    )
    event_types = forms.MultipleChoiceField(
        label="événements",
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": f"{webhooks.EVENTS_LABEL} : choisissez au moins un événement."},
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["partner", "url", "event_types"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["submission"]  # only a creation shows a secret
            self.initial["event_types"] = sorted(self.instance.event_set)
        if "partner" in self.fields:
            self.fields["partner"].queryset = Partner.objects.active()  # type: ignore[attr-defined]

    def clean_url(self) -> str:
        return webhooks.clean_url(self.cleaned_data["url"])

    def clean_event_types(self) -> str:
        return " ".join(webhooks.clean_event_types(self.cleaned_data["event_types"]))

    def details(self) -> webhooks.EndpointDetails:
        """The checked details, for api.webhooks."""
        return webhooks.EndpointDetails(
            url=self.cleaned_data["url"],
            event_types=tuple(self.cleaned_data["event_types"].split()),
        )


class RotateSecretForm(SubmittedOnce):
    """«Renouveler le secret»: a reload of the answer showing the new secret renews nothing."""


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """Partners' webhooks: created (the secret shown once, right after), edited, their
    secret renewed (shown once), stopped and started again; never deleted, so that their
    delivery log and history stay. Each change goes through api.webhooks."""

    form = WebhookEndpointForm
    list_display = ["url", "partner", "event_types", "state", "created_at"]
    list_filter = [("disabled_at", admin.EmptyFieldListFilter)]
    search_fields = ["url", "partner__name"]
    readonly_fields = ["partner", "state", "secret_hint", "created_at", "created_by"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The secret just made, per request, until its page is rendered; never stored here.
        self._new_secrets: weakref.WeakKeyDictionary[HttpRequest, str] = weakref.WeakKeyDictionary()

    @admin.display(description="état")
    def state(self, obj: WebhookEndpoint) -> str:
        if obj.disabled_at is None:
            return "actif"
        return f"désactivé : {obj.get_disabled_reason_display()}"

    def get_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> list[Any]:
        if obj is None:
            return ["partner", "url", "event_types", "submission"]
        return ["url", "event_types", *self.readonly_fields]

    def get_readonly_fields(
        self, request: HttpRequest, obj: WebhookEndpoint | None = None
    ) -> list[str]:
        return [] if obj is None else list(self.readonly_fields)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A revoked partner's webhooks are kept as they were, read only."""
        if obj is not None and obj.partner.revoked_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "rotate_form": RotateSecretForm()}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: forms.ModelForm, change: bool
    ) -> None:
        assert isinstance(form, WebhookEndpointForm)
        actor = request.user
        if change:
            webhooks.change_endpoint(actor, obj, form.details())  # type: ignore[arg-type]
            return
        first_submission(request, form)  # noted: a reload of the secret's page is refused
        endpoint, secret = webhooks.create_endpoint(
            actor,  # type: ignore[arg-type]
            form.cleaned_data["partner"],
            form.details(),
        )
        obj.pk, obj.created_at = endpoint.pk, endpoint.created_at
        obj.secret_hint = endpoint.secret_hint
        self._new_secrets[request] = secret

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST" and submitted_before(request):
            messages.info(request, ALREADY_SHOWN)
            return redirect("admin:api_webhookendpoint_changelist")
        return super().add_view(request, form_url, extra_context)

    def response_add(
        self, request: HttpRequest, obj: WebhookEndpoint, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The secret, once: on this page only (never readable again)."""
        secret = self._new_secrets.pop(request, None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return self._secret_shown(request, obj, secret, "Webhook créé")

    def _secret_shown(
        self, request: HttpRequest, endpoint: WebhookEndpoint, secret: str, title: str
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "endpoint": endpoint,
            "secret": secret,
            "title": title,
        }
        response = TemplateResponse(request, "admin/api/webhookendpoint/secret_shown.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def get_urls(self) -> list[URLPattern]:
        def view(function: Any) -> Any:
            return self.admin_site.admin_view(require_POST(function))

        return [
            path("<int:pk>/secret/", view(self.rotate_view), name="api_webhookendpoint_rotate"),
            path(
                "<int:pk>/desactiver/", view(self.disable_view), name="api_webhookendpoint_disable"
            ),
            path("<int:pk>/reactiver/", view(self.enable_view), name="api_webhookendpoint_enable"),
            path(
                "envois/<int:pk>/relancer/",
                view(self.retry_view),
                name="api_webhookendpoint_retry",
            ),
            *super().get_urls(),
        ]

    def _changeable(self, request: HttpRequest, pk: int) -> WebhookEndpoint:
        endpoint = get_object_or_404(WebhookEndpoint.objects.select_related("partner"), pk=pk)
        if not self.has_change_permission(request, endpoint):
            raise PermissionDenied
        return endpoint

    @staticmethod
    def _back(endpoint: WebhookEndpoint) -> HttpResponse:
        return redirect(reverse("admin:api_partner_change", args=[endpoint.partner_id]))

    def rotate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """A new secret, shown once (a reload of that page renews nothing)."""
        endpoint = self._changeable(request, pk)
        form = RotateSecretForm(request.POST)
        if not form.is_valid() or not first_submission(request, form):
            messages.info(request, ALREADY_SHOWN)
            return redirect(reverse("admin:api_webhookendpoint_change", args=[pk]))
        endpoint, secret = webhooks.rotate_secret(request.user, endpoint)  # type: ignore[arg-type]
        return self._secret_shown(request, endpoint, secret, "Secret du webhook renouvelé")

    def disable_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        endpoint = self._changeable(request, pk)
        if webhooks.disable_endpoint(request.user, endpoint):  # type: ignore[arg-type]
            messages.success(request, "Webhook désactivé : ses envois en attente sont arrêtés.")
        return self._back(endpoint)

    def enable_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        endpoint = self._changeable(request, pk)
        if webhooks.enable_endpoint(request.user, endpoint):  # type: ignore[arg-type]
            messages.success(
                request,
                "Webhook réactivé : les changements survenus depuis son arrêt vont lui être "
                "envoyés.",
            )
        return self._back(endpoint)

    def retry_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), pk=pk)
        endpoint = self._changeable(request, delivery.endpoint_id)
        try:
            webhooks.retry_delivery(request.user, delivery)  # type: ignore[arg-type]
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Envoi {delivery.message_id} relancé.")
        return self._back(endpoint)


ALREADY_SHOWN = (
    "Ce secret est déjà créé ; il ne s'affiche qu'une fois. S'il n'a pas été noté, "
    "renouvelez-le depuis la page du webhook."
)


class WebhookAttemptInline(ReadOnlyInline):
    """A delivery's attempts."""

    model = WebhookAttempt
    fields = readonly_fields = ("at", "status_code", "duration_ms", "error")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(DepartementOnlyAdminMixin, admin.ModelAdmin):
    """The delivery log, read only: each message, its state and its attempts (relaunched
    from the partner's page)."""

    list_display = ["created_at", "event_type", "item_id", "endpoint", "status", "attempts"]
    list_filter = ["status", "event_type"]
    search_fields = ["message_id", "item_id", "endpoint__url"]
    fields = readonly_fields = (
        "endpoint",
        "message_id",
        "event_type",
        "item_id",
        "modified",
        "payload",
        "created_at",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "finished_at",
    )
    inlines = [WebhookAttemptInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
