"""The OpenAPI 3 document's prose and what drf-spectacular cannot infer: how to
authenticate (security schemes) and the problem details (RFC 9457) every operation may answer."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object

from maillage.api.webhook_delivery import RETRY_DELAYS, TIMEOUT_SECONDS

DESCRIPTION = """\
L'API de Maillage, la plateforme départementale des tiers-lieux : les lieux, leurs espaces et
leurs disponibilités, les communes et leur desserte, et la réservation au nom d'une personne.

**Appeler l'API.** Les lectures publiques sont ouvertes sans clé (60 requêtes par minute et
par adresse IP). Une application partenaire reçoit du Département une clé (en-tête
`X-Api-Key`, 600 requêtes par minute). Elle agit pour une personne seulement avec son accord :
OAuth 2, code d'autorisation avec PKCE (`/oauth/authorize/`, `/oauth/token/`),
droits `read` (ses réservations, ses prix) et `book` (réserver, annuler). Une personne peut
aussi créer ses propres jetons pour ses scripts (`Authorization: Bearer mlg_…`).

**Limites.** Au-delà, la réponse est 429 avec `Retry-After` (secondes).

**Erreurs.** Toute erreur est un document « problem details » (RFC 9457,
`application/problem+json`) en français : `detail` dit ce qui ne va pas, `errors` nomme chaque
champ refusé.

**Dates.** Les instants sont en heure de Paris avec leur décalage (ISO 8601) ; les montants en
centimes d'euro.

**Listes.** Paginées (`page`, `page_size` jusqu'à 100) dans un ordre stable ; chaque liste a un
`ETag` : renvoyez-le dans `If-None-Match` pour recevoir 304 si rien n'a changé.

**Premiers pas : réserver pour une personne.**
1. Le Département vous crée une application (clé `mlgp_…`, `client_id`, vos adresses de
   retour `https://…` ou le schéma privé de votre appli mobile).
2. Tirez un `code_verifier` au hasard (43 à 128 caractères) ; `code_challenge` =
   BASE64URL(SHA-256(code_verifier)) sans `=`.
3. Ouvrez pour la personne `/oauth/authorize/?response_type=code&client_id=…&redirect_uri=…`
   `&scope=read%20book&state=…&code_challenge=…&code_challenge_method=S256` : elle se connecte
   et accepte ; vous recevez `?code=…&state=…&iss=…` sur votre adresse de retour.
4. `POST /oauth/token/` (formulaire) : `grant_type=authorization_code`, `code`,
   `redirect_uri`, `client_id`, `code_verifier` → `access_token` (1 heure) et `refresh_token`
   (`grant_type=refresh_token` pour en obtenir un nouveau ; chacun ne sert qu'une fois).
5. `GET /api/v1/espaces/{id}/prix?start=…&end=…` avec `Authorization: Bearer <access_token>`,
   puis `POST /api/v1/reservations` avec `Idempotency-Key` et `person_price_cents` affiché.
La personne voit et retire votre accès dans « Mon compte › Accès à l'API » ; votre prochain
appel reçoit alors 401. Swagger UI ci-dessous est en anglais ; son bouton « Authorize »
accepte la clé `X-Api-Key` ou un jeton déjà obtenu.

**Réserver sans doublon.** `POST /reservations` avec un en-tête `Idempotency-Key` : la première
requête réserve (201), toute répétition identique dans les 24 heures renvoie la même
réservation (200), la même clé avec un autre corps est refusée (422).
"""


UNITS = (("h", 3600), ("min", 60), ("s", 1))


def _delays() -> str:
    """RETRY_DELAYS in French: «5 s, 5 min, … puis 24 h»."""
    words = []
    for delay in RETRY_DELAYS:
        seconds = int(delay.total_seconds())
        unit, size = next(
            (u, n) for u, n in (("h", 3600), ("min", 60), ("s", 1)) if seconds % n == 0
        )
        words.append(f"{seconds // size} {unit}")
    return ", ".join(words[:-1]) + f" puis {words[-1]}"


WEBHOOKS = """
**Webhooks (pousser plutôt que lire les flux).** Sur demande, le Département inscrit une
adresse `https://…` de votre application et les événements voulus : `place.updated`,
`place.deleted`, `space.updated`, `space.deleted`, `slot.updated`, `slot.deleted`,
`event.updated`, `event.deleted` (un lieu, un espace, un créneau, un atelier créé ou modifié,
ou retiré). Il vous transmet une fois le secret de
signature (`whsec_…`). Chaque changement survenu après l'inscription vous est envoyé en `POST`,
un message par changement, au plus une minute après :

```json
{"type": "place.updated", "timestamp": "2026-03-02T09:15:00.000Z",
 "data": {"id": "12", "modified": 48213, "url": "https://…/api/v1/lieux/12"}}
```

Le message est mince : lisez l'élément dans l'API (`data.url`, nul pour un créneau ou un
élément retiré) ou dans son flux (`/api/v1/flux/lieux`, `/flux/espaces`, `/flux/creneaux`,
`/flux/evenements`),
où `data.modified` est son `modified` : un message plus ancien que ce que vous avez déjà lu
peut être ignoré. Il est signé selon Standard Webhooks
(https://www.standardwebhooks.com) : en-têtes `webhook-id` (identique à chaque nouvel essai
d'un même message : ignorez un identifiant déjà traité), `webhook-timestamp` (secondes depuis
1970) et `webhook-signature` (`v1,<base64>`, HMAC-SHA256 de `id.timestamp.corps` ; deux
signatures séparées par une espace pendant les 24 heures qui suivent un renouvellement du
secret). Vérifiez-la sur le corps reçu tel quel, avant de le décoder, par exemple en Python
avec la bibliothèque
`standardwebhooks` (`pip install standardwebhooks`) :

```python
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

webhook = Webhook("whsec_…")  # the secret the Département gave you


def receive(body: bytes, headers: dict[str, str]) -> dict | None:
    \"\"\"The message, or None when its signature or its age (5 minutes) is refused.\"\"\"
    try:
        return webhook.verify(body, headers)
    except WebhookVerificationError:
        return None
```

Répondez 2xx en moins de TIMEOUT secondes (traitez ensuite). Sans réponse 2xx (autre code,
redirection, qui n'est pas suivie, ou délai dépassé), le message est renvoyé, à la minute
près, DELAYS après chaque échec (3 jours environ), puis abandonné ; l'ordre des messages
n'est pas garanti. Répondez `410 Gone` pour ne plus rien recevoir :
l'adresse est désactivée jusqu'à ce que le Département la réactive ; les changements survenus
entre-temps vous sont alors envoyés.
""".replace("DELAYS", _delays()).replace("TIMEOUT", str(TIMEOUT_SECONDS))

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Problem details (RFC 9457), en français.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "detail": {"type": "string"}},
                "required": ["field", "detail"],
            },
        },
        "codes": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["type", "title", "status", "detail"],
}
# What any operation may answer besides its own results.
ERRORS = {
    "400": "Requête invalide : chaque champ refusé est nommé.",
    "401": "Jeton ou clé absent, inconnu ou révoqué.",
    "403": "Droit manquant (read, book) pour cette opération.",
    "404": "Ressource introuvable.",
    "405": "Méthode non acceptée.",
    "406": "Format de réponse non disponible.",
    "409": "Conflit : le créneau est pris, ou le prix a changé.",
    "413": "Requête trop volumineuse.",
    "415": "Corps de requête qui n'est pas du JSON.",
    "422": "Idempotency-Key déjà utilisée pour une autre demande.",
    "429": "Trop de requêtes : réessayez après Retry-After secondes.",
    "500": "Erreur interne.",
    "503": "Service momentanément occupé : réessayez après Retry-After secondes.",
}


def complete_document(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the description (DESCRIPTION), the Problem
    component, every error status any operation may answer as problem details, and the 304
    of the lists that carry an ETag."""
    result["info"]["description"] = DESCRIPTION + WEBHOOKS
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    reference = {"$ref": "#/components/schemas/Problem"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            if "get" in path and operation is path["get"] and _is_page(operation):
                responses.setdefault(
                    "304", {"description": "Rien n'a changé depuis l'ETag donné (If-None-Match)."}
                )
            for status, description in ERRORS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": reference}},
                    },
                )
    return result


def _is_page(operation: dict[str, Any]) -> bool:
    """Whether a GET answers a page of a list (its 200 is a Paginated… component)."""
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    reference: str = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    return reference.startswith("#/components/schemas/Paginated")


class PersonalTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "maillage.api.authentication.PersonalTokenAuthentication"
    name = "jetonPersonnel"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        scheme = build_bearer_security_scheme_object("Authorization", "Bearer")
        scheme["description"] = "Le jeton d'une personne pour ses propres scripts (mlg_…)."
        return scheme


class ConsentTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "maillage.api.authentication.ConsentTokenAuthentication"
    name = "accordOAuth2"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": "L'accord d'une personne à une application partenaire (PKCE requis).",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "/oauth/authorize/",
                    "tokenUrl": "/oauth/token/",
                    "refreshUrl": "/oauth/token/",
                    "scopes": settings.OAUTH2_PROVIDER["SCOPES"],
                }
            },
        }


class PartnerKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "maillage.api.authentication.PartnerKeyAuthentication"
    name = "cleApplication"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Api-Key",
            "description": "La clé d'une application partenaire (mlgp_…), donnée par le "
            "Département.",
        }
