"""A person's consent to a partner app: OAuth 2 authorisation code with PKCE (RFC 6749 §4.1,
RFC 7636) through django-oauth-toolkit. A partner may ask only for the scopes its key holds."""

from typing import Any

from oauth2_provider.scopes import SettingsScopes

from maillage.api.models import Partner


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
