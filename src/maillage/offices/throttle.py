"""At most PER_HOUR office requests sent from one network address each clock hour: the
client's IP address as the login limits read it (accounts.lockout.client_ip: behind the
trusted proxies, an IPv6 client's /64). Counted in the shared cache (the database's, so that
every web server counts together); two requests sent at the very same instant may both pass
the last place, which a limit against abuse tolerates. Nothing about the sender is stored."""

from datetime import datetime

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from maillage.accounts.lockout import client_ip

PER_HOUR = 5
HOUR = 3600
REFUSAL = (
    "Trop de demandes ont été envoyées depuis votre connexion : réessayez dans une heure. "
    "Rien n'a été enregistré."
)


def _key(request: HttpRequest, now: datetime) -> str:
    return f"offices:requests:{client_ip(request)}:{int(now.timestamp()) // HOUR}"


def over_limit(request: HttpRequest, now: datetime | None = None) -> bool:
    """Whether the sender of `request` already sent PER_HOUR requests this hour."""
    return int(cache.get(_key(request, now or timezone.now()), 0)) >= PER_HOUR


def count(request: HttpRequest, now: datetime | None = None) -> None:
    """Count a request sent by the sender of `request` this hour."""
    key = _key(request, now or timezone.now())
    if not cache.add(key, 1, timeout=2 * HOUR):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls: this request starts the count
            cache.set(key, 1, timeout=2 * HOUR)
