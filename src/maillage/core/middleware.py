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
