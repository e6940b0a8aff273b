"""The consent page (/oauth/authorize/): a signed-in person sees which partner asks, what it
may do for them, and allows or refuses (django-oauth-toolkit's authorisation endpoint, RFC 6749
§4.1, with S256 PKCE only, RFC 7636 and RFC 9700).

Errors that make the request untrustworthy (unknown or revoked partner, missing or unregistered
redirect address) are shown on the page, in French, and never redirected (RFC 6749 §4.1.2.1);
the others (no PKCE challenge, a `plain` one, an unknown scope, a refusal) go back to the
partner's registered address with `error=…` as the RFC requires."""

from typing import Any
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.views import AuthorizationView
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.oauth2.rfc6749 import errors

from maillage.api.models import Partner

PKCE_METHOD = "S256"

# What the person reads for each untrustworthy request: (title, explanation).
UNKNOWN_PARTNER = (
    "Application inconnue",
    "Cette application n'est pas (ou plus) autorisée par le Département à agir pour les "
    "personnes inscrites sur Maillage. Revenez à l'application et contactez son éditeur.",
)
BAD_REDIRECT = (
    "Adresse de retour refusée",
    "L'application demande à vous renvoyer vers une adresse qu'elle n'a pas déclarée au "
    "Département. Par précaution, vous n'y êtes pas renvoyé·e. Revenez à l'application et "
    "contactez son éditeur.",
)
BAD_REQUEST = (
    "Demande incomplète",
    "La demande de l'application est incomplète ou a été modifiée en chemin. Revenez à "
    "l'application et recommencez.",
)
HOSTILE_CHARACTERS = ("\x00",)


def _french(error: errors.OAuth2Error) -> tuple[str, str]:
    if isinstance(error, errors.MissingClientIdError | errors.InvalidClientIdError):
        return UNKNOWN_PARTNER
    if isinstance(
        error,
        errors.MissingRedirectURIError
        | errors.InvalidRedirectURIError
        | errors.MismatchingRedirectURIError,
    ):
        return BAD_REDIRECT
    return BAD_REQUEST


def form_action_source(redirect_uri: str) -> str:
    """The CSP source that lets the consent form's answer redirect to `redirect_uri`: its
    origin (https://host[:port]) or, for a phone app's private-use scheme, `scheme:`.
    Browsers check form-action on the redirects that follow a form's submission."""
    parts = urlsplit(redirect_uri)
    if parts.netloc and parts.scheme in ("https", "http"):
        return f"{parts.scheme}://{parts.netloc}"
    return f"{parts.scheme}:"


class ConsentView(AuthorizationView):
    """DOT's AuthorizationView with the partner shown (name, contact), S256 PKCE required on
    the page itself (DOT refuses `plain` only once the person has allowed), a revoked partner
    treated as unknown, and the untrustworthy requests' errors explained in French (status
    400). Anonymous visitors go to the site's login (settings.LOGIN_URL) and come back.
    Its page (api/consent.html) replaces DOT's oauth2_provider/authorize.html."""

    template_name = "api/consent.html"

    def validate_authorization_request(
        self, request: HttpRequest
    ) -> tuple[list[str], dict[str, Any]]:
        values = [v for key in request.GET for v in request.GET.getlist(key)]
        if any(c in value for value in values for c in HOSTILE_CHARACTERS):
            raise FatalClientError(error=errors.InvalidRequestFatalError())
        client_id = request.GET.get("client_id", "")
        if (
            client_id
            and not Partner.objects.active().filter(application__client_id=client_id).exists()
        ):
            raise FatalClientError(error=errors.InvalidClientIdError())
        scopes, credentials = super().validate_authorization_request(request)
        if credentials.get("code_challenge_method") != PKCE_METHOD:
            # After the client and redirect checks: the partner's address is trusted.
            raise OAuthToolkitError(
                error=errors.InvalidRequestError(
                    description='PKCE is required with code_challenge_method "S256".',
                    state=credentials.get("state"),
                ),
                redirect_uri=credentials["redirect_uri"],
            )
        return scopes, credentials

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        application = kwargs.get("application")
        if application is not None:
            context["partner"] = Partner.objects.active().filter(application=application).first()
        # «Not you?»: signing out comes back to the login page, then to this very request.
        context["switch_account_next"] = (
            f"{reverse('accounts:login')}?{urlencode({'next': self.request.get_full_path()})}"
        )
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = super().get(request, *args, **kwargs)
        redirect_uri = self.oauth2_data.get("redirect_uri")
        if isinstance(response, TemplateResponse) and response.status_code == 200 and redirect_uri:
            response._csp_update = {"form-action": [form_action_source(redirect_uri)]}  # type: ignore[attr-defined]
        return response

    def error_response(
        self, error: OAuthToolkitError, application: Any, **kwargs: Any
    ) -> HttpResponse:
        # OAuthLibMixin's: whether to redirect (and where), or the error to show.
        redirect, error_response = OAuthLibMixin.error_response(self, error, **kwargs)
        target = error.oauthlib_error.redirect_uri
        if redirect and application is not None and not application.redirect_uri_allowed(target):
            # The form's answer posts the address back (GET's was checked by oauthlib): only
            # a registered one is followed.
            return self._error_page(*BAD_REDIRECT)
        if redirect:
            response: HttpResponse = self.redirect(error_response["url"], application)
            return response
        return self._error_page(*_french(error_response["error"]))

    def form_invalid(self, form: Any) -> HttpResponse:
        # The hidden fields were altered (or missing): nothing to send the partner back to.
        return self._error_page(*BAD_REQUEST)

    def _error_page(self, title: str, explanation: str) -> HttpResponse:
        response: HttpResponse = self.render_to_response(
            {"error_title": title, "error_explanation": explanation}, status=400
        )
        return response
