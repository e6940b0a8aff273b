"""Errors as RFC 9457 problem details (application/problem+json), in French."""

from django.http import JsonResponse

TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Action non autorisée",
    404: "Ressource introuvable",
    405: "Méthode non autorisée",
    409: "Conflit",
}


def problem(status: int, detail: str, errors: dict[str, list[str]] | None = None, **extra):
    body = {
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
    response["Content-Type"] = "application/problem+json"
    return response
