"""Errors as RFC 9457 problem details (application/problem+json), in French."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from maillage.core.text import french_number

CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Action non autorisée",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    409: "Conflit",
    413: "Requête trop volumineuse",
    422: "Requête impossible à traiter",
    500: "Erreur interne",
    503: "Service momentanément indisponible",
}
# What an error answered outside the API's views says (Django's own 400, 404, 413, 500…).
DETAILS = {
    400: "La requête est mal formée.",
    403: "Cette action n'est pas autorisée.",
    404: "Cette adresse de l'API n'existe pas.",
    405: "Cette méthode n'est pas acceptée à cette adresse.",
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
