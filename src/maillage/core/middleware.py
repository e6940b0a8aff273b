import logging

from django.db import OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


ADMIN_PREFIX = "/admin/"


class AdminInlineStylesMiddleware:
    """Django's admin widgets write style attributes into their HTML: allow inline styles
    (never scripts) on the back-office pages only. Placed after CSPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(ADMIN_PREFIX):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        return response


class AdminQueryMiddleware:
    """The back-office's list filters hand URL values to the database unchecked: a NUL byte
    (`?status__exact=%00`) made PostgreSQL fail (500) where SQLite found nothing. Such a
    parameter is refused here with a French message naming it (400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(ADMIN_PREFIX):
            for name, values in request.GET.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    return HttpResponseBadRequest(
                        f"Paramètre « {name.replace(chr(0), '')} » de l'adresse : le caractère "
                        "nul (U+0000) est interdit.",
                        content_type="text/plain; charset=utf-8",
                    )
        return self.get_response(request)


# Seconds a client is asked to wait before trying again a write the database had no time for.
RETRY_AFTER_SECONDS = 5
POSTGRES_LOCK_NOT_AVAILABLE = "55P03"


def database_busy(error: BaseException) -> bool:
    """A write that waited too long for a lock: SQLite's «database is locked» (its busy
    timeout) or PostgreSQL's lock_not_available (SQLSTATE 55P03, under a lock_timeout)."""
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate == POSTGRES_LOCK_NOT_AVAILABLE or "database is locked" in str(error)


class DatabaseBusyMiddleware:
    """A view whose write waited too long on a lock answers 503 with Retry-After and a French
    page asking to try again (nothing was written: the transaction rolled back), not a 500.
    Under /api/ the API's middleware turns this answer into problem details."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_busy(exception):
            return None
        logger.warning("Write abandoned, the database is busy: %s", exception)
        response = HttpResponse(render_to_string("core/busy.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
