"""Rate limits of the API: settings.MAILLAGE_API_KEY_RATE requests a minute per partner key or
person (a partner's consented tokens count against its key; a person's own tokens, however
many, against the person), settings.MAILLAGE_API_ANONYMOUS_RATE per IP address
(accounts.lockout.client_ip) for anonymous calls and failed authentications; beyond, 429 with
Retry-After. Counted by api.rates: one round trip a request, unlike DRF's SimpleRateThrottle,
which rewrites the list of every request's time in the cache."""

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from maillage.accounts.lockout import client_ip
from maillage.api.authentication import caller_of
from maillage.api.rates import count_request


class RateLimit(BaseThrottle):
    """Per key (ApiCaller.rate_key) or, anonymous, per client IP."""

    def allow_request(self, request: Request, view: Any) -> bool:
        caller = caller_of(request)
        if caller is None:
            key, limit = f"ip:{client_ip(request)}", settings.MAILLAGE_API_ANONYMOUS_RATE
        else:
            key, limit = caller.rate_key, settings.MAILLAGE_API_KEY_RATE
        count, self.retry_after = count_request(key)
        return count <= limit

    def wait(self) -> float:
        return float(self.retry_after)
