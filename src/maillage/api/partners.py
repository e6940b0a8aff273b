"""Partner apps' keys, as the Département's staff manage them (the back-office's use cases).

- `create_partner(actor, details)`: a new Partner, its key (`mlgp_…`, returned once: only its
  digest and a short hint are stored) and its OAuth 2 client (django-oauth-toolkit
  Application: public, authorization code with PKCE, consent always asked, no OpenID);
- `change_partner(actor, partner, details)`: its details, the client kept in step;
- `revoke_partner(actor, partner)`: the key and every consent at once (revoked_at set, the
  client's tokens and pending codes deleted).

Each runs in one transaction, takes the acting person (Département staff only, else
PermissionDenied) and appends a PartnerLog. `clean_origins` and `clean_redirect_uris` check the
lines entered (ValidationError in French naming the field and the line).
"""

import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken
from oauth2_provider.settings import oauth2_settings

from maillage.accounts.models import User
from maillage.accounts.roles import has_departement_rights
from maillage.api.models import (
    PARTNER_KEY_PREFIX,
    Partner,
    PartnerAction,
    PartnerLog,
    WebhookEndpoint,
    digest,
)

ORIGINS_LABEL = "Origines web autorisées"
REDIRECTS_LABEL = "Adresses de retour OAuth"
REVOKED_UNCHANGED = (
    "Cette application est révoquée : elle est gardée telle quelle pour son historique. "
    "Pour rétablir un accès, créez une nouvelle application."
)
MAX_LINES = 20
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]"}
DEFAULT_PORTS = {"https": 443, "http": 80}
# A host name (RFC 1123 labels) or a bracketed IPv6 address, as an origin carries it.
HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])$"
)
# The key's visible beginning kept to tell keys apart in the back-office.
HINT_LENGTH = 12


@dataclass(frozen=True)
class PartnerDetails:
    """What staff enter for a partner app: `scopes` a Partner.scopes choice, `origins` and
    `redirect_uris` the checked lines (see clean_origins, clean_redirect_uris)."""

    name: str
    contact_name: str
    contact_email: str
    scopes: str
    origins: tuple[str, ...] = ()
    redirect_uris: tuple[str, ...] = ()


def _lines(text: str, label: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise ValidationError(f"{label} : {MAX_LINES} lignes au plus.")
    return lines


def _origin(line: str, number: int) -> str:
    where = f"{ORIGINS_LABEL}, ligne {number}"
    if "*" in line:
        raise ValidationError(f"{where} : pas de joker (*), une origine exacte par ligne.")
    try:
        parts = urlsplit(line)
        port = parts.port
    except ValueError as error:
        raise ValidationError(f"{where} : « {line} » n'est pas une origine valide.") from error
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host:
        raise ValidationError(
            f"{where} : attendu « https://hôte » ou « https://hôte:port », pas « {line} »."
        )
    if parts.path or parts.query or parts.fragment or "?" in line or "#" in line:
        raise ValidationError(
            f"{where} : une origine n'a ni chemin ni « / » final (« {scheme}://{host} »)."
        )
    if parts.username is not None or parts.password is not None:
        raise ValidationError(f"{where} : pas d'identifiant dans une origine.")
    shown = f"[{host}]" if ":" in host else host
    if not HOST.match(shown):
        raise ValidationError(f"{where} : « {host} » n'est pas un nom d'hôte valide.")
    if scheme == "http" and shown not in LOOPBACK_HOSTS:
        raise ValidationError(f"{where} : https obligatoire (http seulement pour localhost).")
    default = port is None or port == DEFAULT_PORTS[scheme]
    return f"{scheme}://{shown}" + ("" if default else f":{port}")


def clean_origins(text: str) -> tuple[str, ...]:
    """The web origins of `text` (one per line, blank lines ignored), each as a browser sends
    it: `scheme://host[:port]`, lowercase, no default port. https only (http for localhost,
    127.0.0.1 and [::1]); no path, query, user or wildcard. Raises ValidationError naming the
    field and the line."""
    found: list[str] = []
    for number, line in enumerate(_lines(text, ORIGINS_LABEL), start=1):
        origin = _origin(line, number)
        if origin not in found:
            found.append(origin)
    return tuple(found)


def _app_schemes() -> list[str]:
    """The private-use schemes allowed (settings.MAILLAGE_OAUTH_APP_SCHEMES, as
    django-oauth-toolkit enforces them)."""
    allowed = oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES
    return [s.lower() for s in allowed if s.lower() not in ("http", "https")]


def clean_redirect_uris(text: str) -> tuple[str, ...]:
    """The OAuth 2 redirect URIs of `text` (one per line): https with a host and no fragment
    (RFC 6749 §3.1.2), or a private-use scheme listed in settings.MAILLAGE_OAUTH_APP_SCHEMES
    (a phone app's, RFC 8252 §7.1). No wildcard, no space. Raises ValidationError naming the
    field and the line."""
    found: list[str] = []
    for number, line in enumerate(_lines(text, REDIRECTS_LABEL), start=1):
        where = f"{REDIRECTS_LABEL}, ligne {number}"
        if "*" in line or any(c.isspace() for c in line):
            raise ValidationError(f"{where} : une adresse exacte, sans joker ni espace.")
        try:
            parts = urlsplit(line)
            parts.port  # noqa: B018 — raises ValueError for a port out of range
        except ValueError as error:
            raise ValidationError(f"{where} : « {line} » n'est pas une adresse valide.") from error
        if parts.fragment or "#" in line:
            raise ValidationError(f"{where} : pas de fragment (#) dans une adresse de retour.")
        scheme = parts.scheme.lower()
        if scheme == "https":
            host = (parts.hostname or "").lower()
            if not host or not HOST.match(f"[{host}]" if ":" in host else host):
                raise ValidationError(f"{where} : « {line} » n'a pas d'hôte valide.")
            if parts.username is not None:
                raise ValidationError(f"{where} : pas d'identifiant dans l'adresse.")
        elif scheme not in _app_schemes():
            listed = ", ".join(_app_schemes()) or "aucun"
            raise ValidationError(
                f"{where} : https obligatoire, ou un schéma d'application déclaré "
                f"(MAILLAGE_OAUTH_APP_SCHEMES : {listed})."
            )
        if line not in found:
            found.append(line)
    return tuple(found)


def check_actor(actor: User) -> None:
    """Only Département staff manage partner apps (their keys and webhooks): else
    PermissionDenied."""
    if not has_departement_rights(actor):
        raise PermissionDenied("Seule l'équipe du Département gère les clés des partenaires.")


def _sync_application(partner: Partner, details: PartnerDetails) -> None:
    application = partner.application or Application(
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        skip_authorization=False,
        algorithm=Application.NO_ALGORITHM,
    )
    application.name = details.name
    application.redirect_uris = " ".join(details.redirect_uris)
    # DOT answers CORS on its token endpoint for https origins only (oauthlib's rule).
    application.allowed_origins = " ".join(o for o in details.origins if o.startswith("https:"))
    if details.redirect_uris:
        application.full_clean(exclude=["client_secret", "user"])
    else:  # a key without consent (public data only): no authorisation can complete
        application.clean_fields(exclude=["client_secret", "user", "redirect_uris"])
    application.save()
    partner.application = application


def _apply(partner: Partner, details: PartnerDetails) -> None:
    partner.name = details.name
    partner.contact_name = details.contact_name
    partner.contact_email = details.contact_email
    partner.scopes = details.scopes
    partner.allowed_origins = "\n".join(details.origins)


def record(
    partner: Partner,
    action: PartnerAction,
    actor: User,
    *,
    webhook: WebhookEndpoint | None = None,
    detail: str = "",
) -> None:
    """Append what `actor` did to `partner` (or to its `webhook`) to its PartnerLog."""
    PartnerLog.objects.create(
        partner=partner,
        action=action,
        actor=actor,
        webhook=webhook,
        detail=detail,
        at=timezone.now(),
    )


@transaction.atomic
def create_partner(actor: User, details: PartnerDetails) -> tuple[Partner, str]:
    """A new partner app and its key (`mlgp_` + 43 URL-safe characters), to show once.
    Raises PermissionDenied (not Département staff), ValidationError (French) for details a
    field refuses."""
    check_actor(actor)
    key = PARTNER_KEY_PREFIX + secrets.token_urlsafe(32)
    partner = Partner(key_digest=digest(key), key_hint=key[:HINT_LENGTH], created_by=actor)
    _apply(partner, details)
    partner.full_clean(exclude=["application", "key_digest", "key_hint"])
    _sync_application(partner, details)
    partner.save()
    record(partner, PartnerAction.CREATED, actor)
    return partner, key


@transaction.atomic
def change_partner(actor: User, partner: Partner, details: PartnerDetails) -> Partner:
    """Change a partner's details (not its key); its OAuth client follows (name, redirect
    URIs, origins). A revoked partner is kept as it was, for its history: refused with a
    ValidationError. Raises PermissionDenied, ValidationError."""
    check_actor(actor)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.revoked_at is not None:
        raise ValidationError(REVOKED_UNCHANGED)
    _apply(partner, details)
    partner.full_clean(exclude=["application", "key_digest", "key_hint"])
    _sync_application(partner, details)
    partner.save()
    record(partner, PartnerAction.CHANGED, actor)
    return partner


@transaction.atomic
def revoke_partner(actor: User, partner: Partner) -> bool:
    """Stop a partner's key and every consent given to it, at once: revoked_at set (the key
    and its consent tokens are refused from then on), its OAuth tokens and pending codes
    deleted. False (nothing done) if it was already revoked. Raises PermissionDenied."""
    check_actor(actor)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.revoked_at is not None:
        return False
    partner.revoked_at = timezone.now()
    partner.save(update_fields=["revoked_at"])
    if partner.application_id is not None:
        RefreshToken.objects.filter(application_id=partner.application_id).delete()
        AccessToken.objects.filter(application_id=partner.application_id).delete()
        Grant.objects.filter(application_id=partner.application_id).delete()
    record(partner, PartnerAction.REVOKED, actor)
    return True
