"""CORS for partners' web pages: a browser may call the API (and the OAuth token endpoints,
settings.CORS_URLS_REGEX) from exactly the origins that active partner apps list.

`allow_partner_origins` answers django-cors-headers' `check_request_enabled` signal (connected
in ApiConfig.ready). It reads the database on each cross-origin request, so a revoked
partner's origins stop working at once, in every app server; requests without an Origin
header, and every page outside the API, cost nothing."""

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from maillage.api.models import Partner


def origin_listed(origin: str) -> bool:
    """Whether an active partner lists `origin` (exactly, as the browser sent it)."""
    candidates = Partner.objects.active().filter(allowed_origins__contains=origin)
    return any(origin in partner.origins for partner in candidates.only("allowed_origins"))


def allow_partner_origins(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
    """The signal's handler: True for a request to a CORS address from a listed origin."""
    origin = request.headers.get("Origin")
    if not origin or not re.match(settings.CORS_URLS_REGEX, request.path_info):
        return False
    return origin_listed(origin)
