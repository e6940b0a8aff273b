"""Login limits (django-axes), per person and per network address.

Two counts of failed logins within the cool-off time (settings.AXES_COOLOFF_TIME):
- per address and IP address (settings.AXES_FAILURE_LIMIT): guessing one person's password;
- per IP address whatever the address tried (settings.MAILLAGE_LOGIN_IP_FAILURE_LIMIT, higher,
  as a whole office may share one IP): trying a few passwords on many people (spraying).
Either count reaching its limit locks the login (public and back-office alike).

The client's IP address is the connection's, or behind reverse proxies
(MAILLAGE_TRUSTED_PROXIES > 0) the one the trusted proxies recorded in X-Forwarded-For:
entries further left were written by the client and are not trusted.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum

IP_ONLY = "ip_address"


def _counted(address: str) -> str:
    """The address the limits count: an IPv6 address stands for its /64 network, which one
    subscriber holds whole (RFC 6177) and may change addresses within at will."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def client_ip(request) -> str:
    """The client's IP address (text) for the login limits; an IPv6 client is its /64.

    With ``settings.MAILLAGE_TRUSTED_PROXIES`` = n > 0, each of the n proxies appended the
    address it received the request from to X-Forwarded-For (RFC 7239 §5.2 describes the
    same chain): the n-th entry from the right is the client. Without n entries, or with a
    value that is not an IP address, the connection's address (REMOTE_ADDR) is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.MAILLAGE_TRUSTED_PROXIES
    chain = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [entry for entry in chain if entry]
    forwarded = [chain[-trusted]] if trusted and len(chain) >= trusted else []
    for candidate in [*forwarded, remote]:
        try:
            return _counted(candidate)
        except ValueError:
            continue
    return remote


def _limit_of(parameters) -> int | None:
    return settings.MAILLAGE_LOGIN_IP_FAILURE_LIMIT if parameters == IP_ONLY else None


class LoginLimitsHandler(AxesDatabaseHandler):
    """Axes' database handler with its own limit for the IP-only lockout parameter.

    Axes compares one failure count with one limit (AXES_FAILURE_LIMIT, L). Each parameter
    set of AXES_LOCKOUT_PARAMETERS keeps its own count c; the IP-only set has its own limit
    M. The count returned is the largest of c for the other sets and ⌊c·L/M⌋ for the IP-only
    one, which reaches L exactly when c reaches M.
    """

    def get_failures(self, request, credentials=None) -> int:
        """The failures that count against this request: the highest share of its limit among
        the lockout parameter sets (an address and IP pair, or the IP alone with its own
        higher limit), as a count axes compares with AXES_FAILURE_LIMIT."""
        limit = get_failure_limit(request, credentials)
        counts = []
        for parameters, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            own_limit = _limit_of(parameters)
            counts.append(count * limit // own_limit if own_limit else count)
        return max(counts, default=0)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful login, forget the failures on that address only: one known
        password must not wipe the failures on other addresses from the same IP."""
        count = 0
        for parameters, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS,
            self.filter_user_attempts(request, credentials),
            strict=True,
        ):
            if parameters != IP_ONLY:
                count += attempts.delete()[0]
        return count
