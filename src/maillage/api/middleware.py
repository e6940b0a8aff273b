from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from maillage.api.problems import as_problem, is_problem, problem

API_PREFIX = "/api/"


class ProblemDetailsMiddleware:
    """Under /api/, every error is RFC 9457 problem details, whoever answered it: the API's
    views, Django (404 of an unknown address, 400 of a suspicious request, 500 of an
    unexpected exception, logged with its traceback by Django as usual) or another middleware
    (503 of a busy database). First in MIDDLEWARE, so it sees every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path_info.startswith(API_PREFIX)
            and response.status_code >= 400
            and not is_problem(response)
        ):
            return as_problem(response)
        return response

    def process_exception(self, request, exception):
        # Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE with a bare 400.
        if request.path_info.startswith(API_PREFIX) and isinstance(exception, RequestDataTooBig):
            return problem(
                413,
                "Le corps de la requête est trop volumineux : "
                f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} octets au plus.".replace(",", "\u202f"),
            )
        return None
