"""A person's consent to a partner app: OAuth 2 authorisation code with PKCE (RFC 6749 §4.1,
RFC 7636) through django-oauth-toolkit. A partner may ask only for the scopes its key holds."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken
from oauth2_provider.scopes import SettingsScopes, get_scopes_backend

from maillage.accounts.models import User
from maillage.api.models import ApiToken, Partner

logger = logging.getLogger(__name__)


class PartnerScopes(SettingsScopes):
    """OAUTH2_PROVIDER's SCOPES_BACKEND_CLASS: the scopes an application may be given are
    its partner's (none for a revoked partner, or an application without one)."""

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        every: list[str] = super().get_available_scopes(application, request, *args, **kwargs)
        if application is None:
            return every
        partner = Partner.objects.active().filter(application=application).first()
        return [] if partner is None else [s for s in every if s in partner.scope_set]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        available = self.get_available_scopes(application, request, *args, **kwargs)
        return [s for s in super().get_default_scopes(application, request) if s in available]


# What a person sees of, and does with, their access to the API: their own tokens and the
# partner apps they consented to («Mon compte › Accès à l'API», api.account_views).


@dataclass(frozen=True)
class Consent:
    """A partner app a person consented to: `application_id` (the DOT Application the
    withdrawal names), `name` (the partner's, or the application's without a partner),
    `contact` (the partner's contact name, "" without one), `scopes` the French descriptions
    of the scopes it still holds for the person (its tokens' ∩ its key's; none for a revoked
    partner), `since` the first token's instant, `last_renewed` the latest token's (when the
    app last obtained an access token), `revoked` whether the Département revoked the partner."""

    application_id: int
    name: str
    contact: str
    scopes: tuple[str, ...]
    since: datetime
    last_renewed: datetime
    revoked: bool


def tokens_of(person: User) -> list[ApiToken]:
    """The person's own API tokens, newest first (name, created_at, last_used_at)."""
    return list(ApiToken.objects.filter(user=person).order_by("-created_at", "-id"))


@transaction.atomic
def create_token(person: User, name: str) -> tuple[ApiToken, str]:
    """A new token of `person` named `name`, and its key (shown once: only its digest is kept).

    Raises ValidationError (French) for a name the field refuses (empty, too long, several
    lines)."""
    token, key = ApiToken.issue(person, name)
    logger.info("API token %s created by user %s", token.pk, person.pk)
    return token, key


@transaction.atomic
def revoke_token(person: User, token_id: int) -> None:
    """Deletes `person`'s token `token_id`: its key stops working at once.

    Raises ApiToken.DoesNotExist when the token is not the person's (or no longer exists)."""
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=person)
    token.delete()
    logger.info("API token %s revoked by user %s", token_id, person.pk)


def consents_of(person: User) -> list[Consent]:
    """The partner apps `person` consented to and still holds a token for (an access token,
    even expired, or a live refresh token), by name then application id."""
    access_tokens = AccessToken.objects.filter(user=person, application__isnull=False)
    refresh_tokens = RefreshToken.objects.filter(user=person, revoked__isnull=True)
    application_ids = set(access_tokens.values_list("application_id", flat=True)) | set(
        refresh_tokens.values_list("application_id", flat=True)
    )
    if not application_ids:
        return []
    descriptions = get_scopes_backend().get_all_scopes()
    refresh_instants = list(
        RefreshToken.objects.filter(user=person, application_id__in=application_ids).values_list(
            "application_id", "created"
        )
    )
    partners = {
        p.application_id: p for p in Partner.objects.filter(application_id__in=application_ids)
    }
    consents = []
    for application in Application.objects.filter(pk__in=application_ids):
        tokens = [t for t in access_tokens if t.application_id == application.pk]
        # Rotated (revoked) refresh tokens too: the first one dates the consent.
        instants = [t.created for t in tokens] + [
            created for app_id, created in refresh_instants if app_id == application.pk
        ]
        granted = {scope for t in tokens for scope in t.scope.split()}
        partner = partners.get(application.pk)
        revoked = partner is None or partner.revoked_at is not None
        held = set() if revoked or partner is None else granted & partner.scope_set
        consents.append(
            Consent(
                application_id=application.pk,
                name=partner.name if partner else application.name,
                contact=partner.contact_name if partner else "",
                scopes=tuple(descriptions[s] for s in sorted(held) if s in descriptions),
                since=min(instants),
                last_renewed=max(instants),
                revoked=revoked,
            )
        )
    return sorted(consents, key=lambda c: (c.name.casefold(), c.application_id))


@transaction.atomic
def withdraw_consent(person: User, application_id: int) -> None:
    """Withdraws `person`'s consent to the partner app `application_id`: their access and
    refresh tokens and pending authorisation codes for it are deleted at once (the app's next
    call is 401, its refresh token refused).

    Raises Application.DoesNotExist when the person holds nothing for that application."""
    held = (
        AccessToken.objects.filter(user=person, application_id=application_id).exists()
        or RefreshToken.objects.filter(user=person, application_id=application_id).exists()
        or Grant.objects.filter(user=person, application_id=application_id).exists()
    )
    if not held:
        raise Application.DoesNotExist
    refreshes = RefreshToken.objects.filter(user=person, application_id=application_id)
    accesses = AccessToken.objects.filter(user=person, application_id=application_id)
    counts = (refreshes.delete()[0], accesses.delete()[0])
    Grant.objects.filter(user=person, application_id=application_id).delete()
    logger.info(
        "Consent to application %s withdrawn by user %s (%s refresh, %s access tokens)",
        application_id,
        person.pk,
        *counts,
    )
