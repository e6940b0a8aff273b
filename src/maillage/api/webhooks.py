"""Partners' webhooks as the Département's staff manage them (the back-office's use cases).

A partner app that prefers push to polling the change feeds gives one or more addresses
(WebhookEndpoint) and the events each wants (EventType: «place.updated», «place.deleted»,
«space.…», «slot.…»). The platform POSTs there a thin message per change, signed with the
Standard Webhooks scheme (api.webhook_delivery).

- `create_endpoint(actor, partner, details)`: a new endpoint and its signing secret
  (`whsec_…`, returned once);
- `change_endpoint(actor, endpoint, details)`: its address and events;
- `rotate_secret(actor, endpoint)`: a new secret, returned once; the previous one keeps
  signing beside it for ROTATION_OVERLAP, so the partner switches without losing a message;
- `disable_endpoint(actor, endpoint)` and `enable_endpoint(actor, endpoint)`: stop it (its
  pending deliveries cancelled) or start it again (from where its cursors stood: what changed
  meanwhile is sent);
- `retry_delivery(actor, delivery)`: a failed or cancelled delivery sent again, with a fresh
  retry schedule.

Each runs in one transaction, takes the acting person (Département staff only, else
PermissionDenied), refuses a revoked partner's endpoints (ValidationError) and appends a
PartnerLog. `clean_url` and `clean_event_types` check what staff enter (ValidationError in
French naming the field).
"""

import base64
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from maillage.accounts.models import User
from maillage.api.models import (
    WEBHOOK_SECRET_PREFIX,
    DeliveryStatus,
    DisabledReason,
    EventType,
    Partner,
    PartnerAction,
    WebhookAttempt,
    WebhookCursor,
    WebhookDelivery,
    WebhookEndpoint,
)
from maillage.api.partners import HOST, LOOPBACK_HOSTS, REVOKED_UNCHANGED, check_actor, record
from maillage.api.webhook_delivery import ITEM_OF_FEED, cancel_pending, enqueue_delivery
from maillage.core.safe_http import is_public

URL_LABEL = "Adresse de réception"
EVENTS_LABEL = "Événements"
URL_MAX_LENGTH = WebhookEndpoint._meta.get_field("url").max_length or 500
FEED_OF_ITEM = {item: feed for feed, item in ITEM_OF_FEED.items()}
# How long the previous secret still signs after a rotation (both signatures are sent).
ROTATION_OVERLAP = timedelta(hours=24)
# The secret's visible beginning kept to tell secrets apart: «whsec_» and 6 characters.
SECRET_HINT_LENGTH = 12
SECRET_BYTES = 32  # Standard Webhooks: between 24 and 64 random bytes


@dataclass(frozen=True)
class EndpointDetails:
    """What staff enter for an endpoint: `url` and `event_types` as clean_url and
    clean_event_types return them."""

    url: str
    event_types: tuple[str, ...]


def feeds_of(event_types: tuple[str, ...] | frozenset[str]) -> set[str]:
    """The feeds whose changes give these events."""
    return {FEED_OF_ITEM[name.split(".", 1)[0]] for name in event_types}


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes it: `whsec_` + base64 of SECRET_BYTES
    random bytes (standardwebhooks.Webhook reads it)."""
    return WEBHOOK_SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _refused(rule: str) -> ValidationError:
    return ValidationError(f"{URL_LABEL} : {rule}", code="webhook_url")


def clean_url(text: str, allow_private: bool | None = None) -> str:
    """The endpoint address of `text`, trimmed: `https://host[:port]/path[?query]`, no user
    name, no fragment, at most URL_MAX_LENGTH characters. Unless `allow_private` (default
    settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE), the host must be public: an IP address must be
    a public one, and a name must not resolve to a private or loopback address (names that
    do not resolve now are accepted: every send checks again). With it, http is accepted for
    localhost, 127.0.0.1 and [::1]. Raises ValidationError (French) naming the field."""
    if allow_private is None:
        allow_private = settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE
    url = text.strip()
    if len(url) > URL_MAX_LENGTH:
        raise _refused(f"{URL_MAX_LENGTH} caractères au plus.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise _refused(f"« {url} » n'est pas une adresse valide.") from error
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in ("https", "http") or not host:
        raise _refused("attendu « https://hôte/chemin ».")
    if parts.username is not None or parts.password is not None:
        raise _refused("pas d'identifiant ni de mot de passe dans l'adresse.")
    if parts.fragment or "#" in url or any(c.isspace() for c in url):
        raise _refused("ni fragment (#) ni espace dans l'adresse.")
    shown = f"[{host}]" if ":" in host else host
    if not HOST.match(shown):
        raise _refused(f"« {host} » n'est pas un nom d'hôte valide.")
    if scheme == "http" and not (allow_private and shown in LOOPBACK_HOSTS):
        raise _refused("https obligatoire.")
    if not allow_private and not _public_host(host, port or 443):
        raise _refused(
            "elle mène à un réseau privé ou à ce serveur lui-même ; seules les adresses "
            "publiques d'Internet sont acceptées."
        )
    return url


def _public_host(host: str, port: int) -> bool:
    """False when `host` is, or resolves now to, an address that is not public."""
    try:
        return is_public(host)
    except ValueError:  # a name, not an address
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return True  # checked at each send
    return all(is_public(str(entry[4][0])) for entry in found)


def clean_event_types(chosen: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The events chosen, each an EventType value, in EventType's order; at least one.
    Raises ValidationError (French) naming the field."""
    unknown = [name for name in chosen if name not in EventType.values]
    if unknown:
        raise ValidationError(
            f"{EVENTS_LABEL} : « {unknown[0]} » n'est pas un événement proposé.",
            code="webhook_events",
        )
    if not chosen:
        raise ValidationError(f"{EVENTS_LABEL} : choisissez au moins un événement.")
    return tuple(name for name in EventType.values if name in chosen)


def _hint(secret: str) -> str:
    return secret[:SECRET_HINT_LENGTH]


def _writable(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """The endpoint locked, unless its partner is revoked (kept as it was: ValidationError)."""
    locked = WebhookEndpoint.objects.select_for_update(of=("self",)).select_related("partner")
    endpoint = locked.get(pk=endpoint.pk)
    if endpoint.partner.revoked_at is not None:
        raise ValidationError(REVOKED_UNCHANGED)
    return endpoint


def _sync_cursors(endpoint: WebhookEndpoint) -> None:
    """One cursor per feed the endpoint's events come from: a feed no longer followed loses
    its cursor, a feed newly followed starts at its end (WebhookCursor.caught_up)."""
    wanted = feeds_of(endpoint.event_set)
    endpoint.cursors.exclude(feed__in=wanted).delete()
    have = set(endpoint.cursors.values_list("feed", flat=True))
    WebhookCursor.objects.bulk_create(
        WebhookCursor(endpoint=endpoint, feed=feed) for feed in sorted(wanted - have)
    )


@transaction.atomic
def create_endpoint(
    actor: User, partner: Partner, details: EndpointDetails
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint of `partner` and its secret, to show once. It receives the changes
    made from its first dispatch on (within a minute), not the feeds' history. Raises
    PermissionDenied, ValidationError (a revoked partner, a field refused)."""
    check_actor(actor)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if partner.revoked_at is not None:
        raise ValidationError(REVOKED_UNCHANGED)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        partner=partner,
        url=details.url,
        event_types=" ".join(details.event_types),
        secret=secret,
        secret_hint=_hint(secret),
        created_at=timezone.now(),
        created_by=actor,
    )
    endpoint.full_clean()
    endpoint.save()
    _sync_cursors(endpoint)
    record(partner, PartnerAction.WEBHOOK_CREATED, actor, webhook=endpoint)
    return endpoint, secret


@transaction.atomic
def change_endpoint(
    actor: User, endpoint: WebhookEndpoint, details: EndpointDetails
) -> WebhookEndpoint:
    """Change an endpoint's address and events (not its secret). A feed newly followed
    starts at its end. Raises PermissionDenied, ValidationError."""
    check_actor(actor)
    endpoint = _writable(endpoint)
    endpoint.url = details.url
    endpoint.event_types = " ".join(details.event_types)
    endpoint.full_clean()
    endpoint.save(update_fields=["url", "event_types"])
    _sync_cursors(endpoint)
    record(endpoint.partner, PartnerAction.WEBHOOK_CHANGED, actor, webhook=endpoint)
    return endpoint


@transaction.atomic
def rotate_secret(
    actor: User, endpoint: WebhookEndpoint, now: datetime | None = None
) -> tuple[WebhookEndpoint, str]:
    """A new secret for `endpoint`, to show once; messages are signed with both the new
    and the previous secret for ROTATION_OVERLAP. Raises PermissionDenied, ValidationError."""
    check_actor(actor)
    now = now or timezone.now()
    endpoint = _writable(endpoint)
    secret = new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_until = now + ROTATION_OVERLAP
    endpoint.secret, endpoint.secret_hint = secret, _hint(secret)
    endpoint.save(
        update_fields=["secret", "secret_hint", "previous_secret", "previous_secret_until"]
    )
    record(endpoint.partner, PartnerAction.SECRET_ROTATED, actor, webhook=endpoint)
    return endpoint, secret


@transaction.atomic
def disable_endpoint(actor: User, endpoint: WebhookEndpoint, now: datetime | None = None) -> bool:
    """Stop an endpoint (its pending deliveries cancelled); False when it was already
    stopped. Raises PermissionDenied, ValidationError."""
    check_actor(actor)
    now = now or timezone.now()
    endpoint = _writable(endpoint)
    if endpoint.disabled_at is not None:
        return False
    endpoint.disabled_at, endpoint.disabled_reason = now, DisabledReason.STAFF
    endpoint.save(update_fields=["disabled_at", "disabled_reason"])
    cancel_pending(endpoint.pk, now)
    record(endpoint.partner, PartnerAction.WEBHOOK_DISABLED, actor, webhook=endpoint)
    return True


@transaction.atomic
def enable_endpoint(actor: User, endpoint: WebhookEndpoint) -> bool:
    """Start a stopped endpoint again: what its feeds changed since it stopped is sent (its
    cursors stayed). False when it was not stopped. Raises PermissionDenied,
    ValidationError."""
    check_actor(actor)
    endpoint = _writable(endpoint)
    if endpoint.disabled_at is None:
        return False
    endpoint.disabled_at, endpoint.disabled_reason = None, ""
    endpoint.save(update_fields=["disabled_at", "disabled_reason"])
    record(endpoint.partner, PartnerAction.WEBHOOK_ENABLED, actor, webhook=endpoint)
    return True


NOT_RETRIED = "Seul un envoi en échec ou arrêté, vers un webhook actif, peut être relancé."


@transaction.atomic
def retry_delivery(
    actor: User, delivery: WebhookDelivery, now: datetime | None = None
) -> WebhookDelivery:
    """Send a failed or cancelled delivery again, from the start of the retry schedule (its
    attempts so far stay in its log). Raises PermissionDenied, ValidationError (NOT_RETRIED,
    or a revoked partner)."""
    check_actor(actor)
    now = now or timezone.now()
    endpoint = _writable(delivery.endpoint)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    finished = (DeliveryStatus.FAILED, DeliveryStatus.STOPPED)
    if delivery.status not in finished or endpoint.disabled_at is not None:
        raise ValidationError(NOT_RETRIED)
    delivery.status, delivery.attempts = DeliveryStatus.QUEUED, 0
    delivery.next_attempt_at, delivery.finished_at = now, None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "finished_at"])
    transaction.on_commit(enqueue_delivery, robust=True)
    record(
        endpoint.partner,
        PartnerAction.DELIVERY_RETRIED,
        actor,
        webhook=endpoint,
        detail=delivery.message_id,
    )
    return delivery


def recent_deliveries(partner: Partner, limit: int = 50) -> list[WebhookDelivery]:
    """The partner's latest deliveries (newest first), each with `last_error`, its last
    attempt's error (None before any), for its back-office page."""
    last = WebhookAttempt.objects.filter(delivery=OuterRef("pk")).order_by("-pk")
    found = (
        WebhookDelivery.objects.filter(endpoint__partner=partner)
        .select_related("endpoint")
        .annotate(last_error=Subquery(last.values("error")[:1]))
    )
    return list(found.order_by("-created_at", "-pk")[:limit])
