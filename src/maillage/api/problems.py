"""Errors as RFC 9457 problem details (application/problem+json), in French."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from rest_framework import exceptions
from rest_framework.views import set_rollback

from maillage.core.text import french_number

CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Action non autorisée",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    406: "Format de réponse non disponible",
    409: "Conflit",
    413: "Requête trop volumineuse",
    415: "Format de requête non accepté",
    422: "Requête impossible à traiter",
    429: "Trop de requêtes",
    500: "Erreur interne",
    503: "Service momentanément indisponible",
}
# What an error answered outside the API's views says (Django's own 400, 404, 413, 500…).
DETAILS = {
    400: "La requête est mal formée.",
    403: "Cette action n'est pas autorisée.",
    404: "Cette adresse de l'API n'existe pas.",
    405: "Cette méthode n'est pas acceptée à cette adresse.",
    406: "L'API ne répond qu'en JSON (application/json).",
    415: "Le corps de la requête doit être du JSON (Content-Type: application/json).",
    413: "Le corps de la requête est trop volumineux : "
    f"{french_number(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)} octets au plus.",
    500: "Une erreur interne est survenue ; elle a été signalée. Réessayez plus tard.",
    503: "Le service est momentanément occupé : réessayez dans un instant.",
}
# Headers describing the body an error had, which problem details replace; it keeps every
# other one (Allow, Retry-After, WWW-Authenticate, and the security headers of the middleware).
BODY_HEADERS = {"content-type", "content-length", "content-disposition", "content-encoding"}


def problem(
    status: int, detail: str, errors: dict[str, list[str]] | None = None, **extra: object
) -> JsonResponse:
    """A problem details answer: `detail` says what went wrong in French; `errors` lists
    messages per field (body key, query parameter or header) as [{"field", "detail"}]."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": TITLES.get(status, "Erreur"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [
            {"field": field, "detail": message}
            for field, messages in errors.items()
            for message in messages
        ]
    body.update(extra)
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = CONTENT_TYPE
    return response


def is_problem(response: HttpResponse) -> bool:
    """Whether the answer is already problem details (its Content-Type says so)."""
    return response.get("Content-Type", "").startswith(CONTENT_TYPE)


def as_problem(response: HttpResponse) -> HttpResponse:
    """An error answer (status ≥ 400) made elsewhere than the API's views, as problem details
    with the same status, headers (those that tell the client what to do next, and the
    security headers: nosniff, CSP, HSTS…) and cookies; only the body and what describes it
    change."""
    status = response.status_code
    converted = problem(status, DETAILS.get(status, "La requête n'a pas abouti."))
    for name, value in response.headers.items():
        if name.lower() not in BODY_HEADERS:
            converted[name] = value
    converted.cookies = response.cookies
    return converted


class ApiProblem(exceptions.APIException):
    """Raised by an API view: answered as problem(status, detail, errors, **extra), with
    `headers` added (Retry-After…)."""

    def __init__(
        self,
        status: int,
        detail: str,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: object,
    ):
        super().__init__(detail)
        self.status_code = status
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


def _field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested validation messages as {field path: [French message naming it]}."""
    if isinstance(detail, dict):
        found: dict[str, list[str]] = {}
        for key, value in detail.items():
            field = "body" if key == "non_field_errors" else f"{prefix}{key}"
            for name, messages in _field_errors(value, f"{field}.").items():
                found.setdefault(name, []).extend(messages)
        return found
    if isinstance(detail, list) and detail and not all(isinstance(d, str) for d in detail):
        found = {}
        for index, value in enumerate(detail):
            for name, messages in _field_errors(value, f"{prefix}{index}.").items():
                found.setdefault(name, []).extend(messages)
        return found
    field = prefix.rstrip(".") or "body"
    messages = detail if isinstance(detail, list) else [detail]
    return {
        field: [m if str(m).startswith("«") else f"« {field} » : {m}" for m in map(str, messages)]
    }


# What DRF's own refusals say, in the API's words.
DETAIL_OF = {
    exceptions.NotAuthenticated: "Fournissez un jeton : en-tête « Authorization: Bearer "
    "<jeton> », ou une clé d'application : en-tête « X-Api-Key ».",
    exceptions.MethodNotAllowed: DETAILS[405],
    exceptions.UnsupportedMediaType: DETAILS[415],
    exceptions.NotAcceptable: DETAILS[406],
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """DRF's EXCEPTION_HANDLER: every refusal of an API view as problem details (None lets
    any other exception through to the 500 handler, logged)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Cette ressource n'existe pas.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or DETAILS[403])
    if not isinstance(exc, exceptions.APIException):
        return None
    set_rollback()
    status = exc.status_code
    errors: dict[str, list[str]] | None = None
    extra: dict[str, object] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, ApiProblem):
        detail, errors, extra, headers = str(exc.detail), exc.errors, exc.extra, exc.headers
    elif isinstance(exc, exceptions.ValidationError):
        detail, errors = "Certains champs ou paramètres sont invalides.", _field_errors(exc.detail)
    elif isinstance(exc, exceptions.MethodNotAllowed):
        detail = f"La méthode {context['request'].method} n'est pas acceptée à cette adresse."
    elif isinstance(exc, exceptions.Throttled):
        detail = (
            "Trop de requêtes : la limite par minute est atteinte. "
            f"Réessayez dans {int(getattr(exc, 'wait', None) or 1)} s."
        )
    elif isinstance(exc, exceptions.ParseError):
        detail, errors = "Le corps de la requête est invalide.", {"body": [str(exc.detail)]}
    else:
        detail = DETAIL_OF.get(type(exc), str(exc.detail))
    response = problem(status, detail, errors, **extra)
    if getattr(exc, "auth_header", None):
        invalid = (
            ', error="invalid_token"' if isinstance(exc, exceptions.AuthenticationFailed) else ""
        )
        response["WWW-Authenticate"] = exc.auth_header + invalid  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(max(1, int(exc.wait)))  # type: ignore[attr-defined]
    for name, value in headers.items():
        response[name] = value
    return response
