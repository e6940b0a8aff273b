from django.http import HttpRequest, HttpResponse

from maillage.api.problems import as_problem, is_problem
from maillage.core.middleware import GetResponse

API_PREFIX = "/api/"


class ProblemDetailsMiddleware:
    """Under /api/, every error is RFC 9457 problem details, whoever answered it: the API's
    views, Django (404 of an unknown address, 400 of a suspicious request, 500 of an
    unexpected exception, logged with its traceback by Django as usual; 413 of a body over
    the limit and 503 of a busy database, from core.views' handlers). First in MIDDLEWARE,
    so it sees every answer."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path_info.startswith(API_PREFIX)
            and response.status_code >= 400
            and not is_problem(response)
        ):
            return as_problem(response)
        return response
