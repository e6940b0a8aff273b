"""A partner app as the Département's staff registers it (a Partner with a DOT Application),
and the steps of a person's consent through it (authorisation code with S256 PKCE)."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

from django.urls import reverse
from oauth2_provider.models import Application

from maillage.api import partners
from maillage.api.models import PARTNER_KEY_PREFIX, Partner, digest

REDIRECT = "https://appli.exemple.fr/retour"


def partner_details(**changes: object) -> partners.PartnerDetails:
    """What staff would enter for a partner app (read and book, one origin, one redirect),
    with `changes`."""
    values: dict = {
        "name": "Appli Mobilité",
        "contact_name": "Alex Martin",
        "contact_email": "alex@mobilite.test",
        "scopes": "read book",
        "origins": ("https://appli.mobilite.test",),
        "redirect_uris": ("https://appli.mobilite.test/retour",),
    }
    values.update(changes)
    return partners.PartnerDetails(**values)


def partner_app(scopes: str = "read book", name: str = "Appli Exemple") -> Partner:
    """An active partner and its public OAuth 2 client (authorisation code, REDIRECT)."""
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
    )
    key = PARTNER_KEY_PREFIX + secrets.token_urlsafe(24)
    return Partner.objects.create(
        name=name,
        contact_name="Lou Martin",
        contact_email="lou@appli.exemple.fr",
        scopes=scopes,
        key_digest=digest(key),
        key_hint=key[:12],
        application=application,
    )


def pkce() -> tuple[str, str]:
    """(code_verifier, its S256 code_challenge), RFC 7636 §4.1–4.2."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.decode().rstrip("=")


def authorize_url(partner: Partner, challenge: str | None, scope="read book", **extra) -> str:
    params = {
        "response_type": "code",
        "client_id": partner.application.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "etat-42",
    }
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    params |= extra
    return f"{reverse('oauth2_provider:authorize')}?{urlencode(params)}"


def query_of(location: str) -> dict[str, str]:
    """The parameters of a redirect to REDIRECT (fails for another address)."""
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT, location
    return {k: v[0] for k, v in parse_qs(parts.query).items()}


def answer(client, page, allow: bool = True, **changes):
    """POSTs the consent page's form (its hidden fields, as the browser would)."""
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data |= changes
    if allow:
        data["allow"] = "Autoriser"
    return client.post(reverse("oauth2_provider:authorize"), data)


def consent(client, partner: Partner, scope: str = "read book") -> tuple[str, str]:
    """A signed-in `client` allows `partner`: (authorisation code, code_verifier)."""
    verifier, challenge = pkce()
    page = client.get(authorize_url(partner, challenge, scope))
    assert page.status_code == 200, page.content
    response = answer(client, page)
    assert response.status_code == 302, response.content
    params = query_of(response["Location"])
    assert params["state"] == "etat-42"
    return params["code"], verifier


def exchange(client, partner: Partner, code: str, verifier: str):
    """POST /oauth/token/ (authorization_code grant with the PKCE verifier)."""
    return client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": partner.application.client_id,
            "code_verifier": verifier,
        },
    )


def tokens_for(client, partner: Partner, scope: str = "read book") -> dict:
    """The token endpoint's JSON after the person's consent (access and refresh tokens)."""
    code, verifier = consent(client, partner, scope)
    response = exchange(client, partner, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()


def refresh(client, partner: Partner, refresh_token: str):
    return client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": partner.application.client_id,
        },
    )
