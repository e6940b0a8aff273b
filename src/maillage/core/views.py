import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.log import log_response
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from maillage.core.text import french_number
from maillage.core.uploads import UploadTooLarge

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again a write the database had no time for.
RETRY_AFTER_SECONDS = 5
POSTGRES_LOCK_NOT_AVAILABLE = "55P03"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def favicon(request: HttpRequest) -> HttpResponseBase:
    return redirect(static("web/favicon.svg"), permanent=True)


def database_busy(error: BaseException | None) -> bool:
    """A write that waited too long for a lock: SQLite's «database is locked» (its busy
    timeout) or PostgreSQL's lock_not_available (SQLSTATE 55P03, under a lock_timeout)."""
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate == POSTGRES_LOCK_NOT_AVAILABLE or "database is locked" in str(error)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. A write that waited too long on a lock, wherever it was raised (a view, or
    a middleware saving the session), answers 503 with Retry-After and a French page asking
    to try again: its transaction rolled back, nothing was written. Anything else is the 500
    page (Django has logged the traceback). Under /api/ the API's middleware turns either
    answer into problem details."""
    error = sys.exc_info()[1]
    if database_busy(error):
        response = HttpResponse(render_to_string("core/busy.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        # An expected condition under load: one warning, which also keeps Django from
        # logging this 503 again as an error with its traceback.
        log_response(
            "Write abandoned, the database is busy: %s",
            error,
            response=response,
            request=request,
            logger=logger,
            level="warning",
        )
        return response
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400. A body over DATA_UPLOAD_MAX_MEMORY_SIZE, or files over
    MAILLAGE_MAX_UPLOAD_BYTES, is a 413 with a French page naming the limit; any other
    suspicious request (more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS included:
    TooManyFieldsSent) is the French 400 page (templates/400.html)."""
    if isinstance(exception, UploadTooLarge):
        limit = french_number(settings.MAILLAGE_MAX_UPLOAD_BYTES // (1024 * 1024))
        page = render_to_string("core/upload_too_large.html", {"limit": limit})
        return HttpResponse(page, status=413)
    if isinstance(exception, RequestDataTooBig):
        # In bytes, as the API's 413 says it: a rounded «0,0 Mo» named no limit at all.
        limit = french_number(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return HttpResponse(render_to_string("core/too_large.html", {"limit": limit}), status=413)
    return defaults.bad_request(request, exception)
