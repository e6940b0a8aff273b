from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

GetResponse = Callable[[HttpRequest], HttpResponse]

PERMISSIONS_POLICY = "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header Django does not set itself."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


ADMIN_PREFIX = "/admin/"


class AdminInlineStylesMiddleware:
    """Django's admin widgets write style attributes into their HTML: allow inline styles
    (never scripts) on the back-office pages only. Placed after CSPMiddleware."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(ADMIN_PREFIX):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}  # type: ignore[attr-defined]  # read by django-csp
        return response


class AdminQueryMiddleware:
    """The back-office's list filters hand URL values to the database unchecked: a NUL byte
    (`?status__exact=%00`) made PostgreSQL fail (500) where SQLite found nothing. Such a
    parameter is refused here with a French message naming it (400)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(ADMIN_PREFIX):
            for name, values in request.GET.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    return HttpResponseBadRequest(
                        f"Paramètre « {name.replace(chr(0), '')} » de l'adresse : le caractère "
                        "nul (U+0000) est interdit.",
                        content_type="text/plain; charset=utf-8",
                    )
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """Django answers a method a view does not take (a form's POST-only address opened again
    from the history, a bookmark or a shared link) with an empty 405 that browsers show as
    their own English error: give it the French page «405.html» (with a link to the page
    above), keeping the Allow header. The API's problem details are left alone."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        parent = request.path.rstrip("/").rsplit("/", 1)[0] + "/"
        page = render(request, "405.html", {"parent": parent}, status=405)
        page["Allow"] = response.get("Allow", "")
        return page
