"""Who calls the API: a person's own token, a partner acting with a person's consent, or a
partner app alone (its key). None of them reads the session cookie, so the API is exempt
from CSRF tokens.

`request.auth` is an `ApiCaller`: the scopes it holds, the partner (if any) and the key the
rate limits count against."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request

from maillage.accounts.lockout import client_ip
from maillage.accounts.models import User
from maillage.api.models import TOKEN_PREFIX, ApiToken, Partner, Scope
from maillage.api.rates import count_request

# RFC 6750 §3: how to authenticate, on every 401.
CHALLENGE = 'Bearer realm="maillage"'
ALL_SCOPES = frozenset(Scope.values)
PARTNER_KEY_HEADER = "X-Api-Key"


@dataclass(frozen=True)
class ApiCaller:
    """What authenticated a request: `scopes` (Scope values) it may use, `partner` when a
    partner app calls (alone or for a person), `rate_key` the counter its requests go to."""

    scopes: frozenset[str]
    rate_key: str
    partner: Partner | None = None


def refused(request: Request, message: str) -> exceptions.APIException:
    """What a failed authentication raises: AuthenticationFailed(message), or Throttled once
    the client's IP has spent its anonymous rate (guesses count like anonymous requests)."""
    count, retry_after = count_request(f"ip:{client_ip(request)}")
    if count > settings.MAILLAGE_API_ANONYMOUS_RATE:
        return exceptions.Throttled(wait=retry_after)
    return exceptions.AuthenticationFailed(message)


def _bearer(request: Request) -> str | None:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return key.strip() or None


class PersonalTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer mlg_…`: a person's own token (their scripts), every scope."""

    def authenticate(self, request: Request) -> tuple[User, ApiCaller] | None:
        key = _bearer(request)
        if key is None or not key.startswith(TOKEN_PREFIX):
            return None
        user = ApiToken.user_for_key(key)
        if user is None or not user.is_active:
            raise refused(request, "Jeton inconnu ou révoqué.")
        # One counter per person, however many tokens they make.
        return user, ApiCaller(ALL_SCOPES, f"person:{user.pk}")

    def authenticate_header(self, request: Request) -> str:
        return CHALLENGE


class ConsentTokenAuthentication(OAuth2Authentication):
    """`Authorization: Bearer <access token>`: a partner app acting for the person who
    consented (django-oauth-toolkit), with the consented scopes its key still holds."""

    www_authenticate_realm = "maillage"

    def authenticate(self, request: Request) -> tuple[User, ApiCaller] | None:
        key = _bearer(request)
        if key is None or key.startswith(TOKEN_PREFIX):
            return None
        found = super().authenticate(request)
        if found is None:
            raise refused(request, "Jeton inconnu, expiré ou révoqué.")
        user, token = found
        if user is None:  # a grant without a person (client credentials): never issued here
            raise refused(request, "Jeton inconnu, expiré ou révoqué.")
        partner = Partner.objects.active().filter(application_id=token.application_id).first()
        if partner is None or not user.is_active:
            raise refused(request, "Jeton inconnu, expiré ou révoqué.")
        scopes = frozenset(token.scope.split()) & partner.scope_set
        return user, ApiCaller(scopes, f"partner:{partner.pk}", partner)

    def authenticate_header(self, request: Request) -> str:
        return CHALLENGE


class PartnerKeyAuthentication(BaseAuthentication):
    """`X-Api-Key: mlgp_…`: a partner app on its own (public data, its own rate limit)."""

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiCaller] | None:
        key = request.headers.get(PARTNER_KEY_HEADER)
        if key is None:
            return None
        partner = Partner.for_key(key.strip())
        if partner is None:
            raise refused(request, "Clé d'API inconnue ou révoquée.")
        origin = request.headers.get("Origin")
        if origin is not None and not _origin_allowed(request, partner, origin):
            raise exceptions.PermissionDenied(
                f"Cette clé d'API n'autorise pas les appels depuis la page web « {origin[:100]} » "
                "(en-tête Origin) : le Département peut ajouter cette origine à celles de "
                "l'application partenaire."
            )
        return AnonymousUser(), ApiCaller(partner.scope_set, f"partner:{partner.pk}", partner)

    def authenticate_header(self, request: Request) -> str:
        return CHALLENGE


def _origin_allowed(request: Request, partner: Partner, origin: str) -> bool:
    """Whether a browser page at `origin` may use the partner's key: an origin the partner
    lists, or this site's own (its API documentation page)."""
    return origin in partner.origins or origin == request.build_absolute_uri("/").rstrip("/")


def caller_of(request: Any) -> ApiCaller | None:
    """The request's ApiCaller, or None for an anonymous request."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiCaller) else None
