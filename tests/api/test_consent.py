"""A partner app acts for a person only with their consent: the authorisation code flow with
S256 PKCE (RFC 6749 §4.1, RFC 7636, RFC 9700) through the consent page, then the API with the
access token, limited to the consented scopes its key still holds."""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from maillage.api.consent import withdraw_consent
from maillage.booking.models import Booking
from tests.api.consent_flow import (
    REDIRECT,
    answer,
    authorize_url,
    consent,
    exchange,
    partner_app,
    pkce,
    query_of,
    refresh,
    tokens_for,
)
from tests.moments import DAY, at

pytestmark = pytest.mark.django_db

SLOT = {"start": at(DAY, 9), "end": at(DAY, 11)}


@pytest.fixture
def person(booker):
    client = Client()
    client.force_login(booker)
    return client


def bearer(access_token: str) -> Client:
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {access_token}")


def book_through(api: Client, room):
    return api.post(
        reverse("api:reservations"),
        {"space": room.pk, **SLOT},
        content_type="application/json",
    )


def test_the_whole_flow_reads_and_books_for_the_person(person, booker, room):
    partner = partner_app("read book")
    verifier, challenge = pkce()
    page = person.get(authorize_url(partner, challenge))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Autoriser Appli Exemple à agir pour vous ?" in html
    assert "Lou Martin" in html and "lou@appli.exemple.fr" in html
    assert "Voir les lieux, vos réservations et vos prix" in html
    assert "Réserver et annuler en votre nom" in html
    allowed = answer(person, page)
    assert allowed.status_code == 302
    params = query_of(allowed["Location"])
    assert params["state"] == "etat-42" and params["code"]
    token = exchange(Client(), partner, params["code"], verifier)
    assert token.status_code == 200
    body = token.json()
    assert body["token_type"] == "Bearer" and set(body["scope"].split()) == {"read", "book"}
    assert body["refresh_token"]

    api = bearer(body["access_token"])
    assert api.get(reverse("api:reservations")).status_code == 200
    booked = book_through(api, room)
    assert booked.status_code == 201, booked.content
    assert Booking.objects.get().user == booker
    listing = api.get(reverse("api:reservations")).json()["results"]
    assert [b["id"] for b in listing] == [booked.json()["id"]]


def test_a_consent_to_read_only_cannot_book(person, room):
    partner = partner_app("read book")
    body = tokens_for(person, partner, scope="read")
    assert body["scope"] == "read"
    api = bearer(body["access_token"])
    assert api.get(reverse("api:reservations")).status_code == 200
    refused = book_through(api, room)
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert not Booking.objects.exists()


def test_a_partner_with_read_only_cannot_obtain_book(person, room):
    partner = partner_app("read")
    verifier, challenge = pkce()
    asked = person.get(authorize_url(partner, challenge, scope="read book"))
    assert asked.status_code == 302
    assert query_of(asked["Location"])["error"] == "invalid_scope"
    # Nor by altering the consent form's hidden scope after a consent to `read`.
    page = person.get(authorize_url(partner, challenge, scope="read"))
    altered = answer(person, page, scope="read book")
    assert query_of(altered["Location"])["error"] == "invalid_scope"
    assert not Grant.objects.exists()
    body = tokens_for(person, partner, scope="read")
    assert book_through(bearer(body["access_token"]), room).status_code == 403
    # A partner whose key lost `book` after the consent loses it too.
    rich = partner_app("read book", name="Autre appli")
    token = tokens_for(person, rich)["access_token"]
    rich.scopes = "read"
    rich.save()
    assert book_through(bearer(token), room).status_code == 403


@pytest.mark.parametrize(
    "pkce_params",
    [
        {},
        {"code_challenge": "x" * 43},  # no method: `plain`
        {"code_challenge": "x" * 43, "code_challenge_method": "plain"},
        {"code_challenge": "x" * 43, "code_challenge_method": "S512"},
    ],
)
def test_no_pkce_or_plain_is_refused_back_to_the_partner(person, pkce_params):
    partner = partner_app()
    response = person.get(authorize_url(partner, None, **pkce_params))
    assert response.status_code == 302  # the redirect address is the registered one
    params = query_of(response["Location"])
    assert params["error"] == "invalid_request" and params["state"] == "etat-42"
    assert "code" not in params
    assert not Grant.objects.exists()


def test_a_tampered_form_cannot_fall_back_to_plain(person):
    partner = partner_app()
    _, challenge = pkce()
    page = person.get(authorize_url(partner, challenge))
    response = answer(person, page, code_challenge_method="plain")
    assert query_of(response["Location"])["error"] == "invalid_request"
    assert not Grant.objects.exists()


def test_a_wrong_verifier_is_refused(person):
    partner = partner_app()
    code, verifier = consent(person, partner)
    wrong = exchange(Client(), partner, code, verifier[::-1])
    assert wrong.status_code == 400
    assert wrong["Content-Type"] == "application/json"
    assert wrong.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()
    missing = exchange(Client(), partner, code, "")
    assert missing.status_code == 400 and missing.json()["error"] in {
        "invalid_request",
        "invalid_grant",
    }


def test_refusing_redirects_with_access_denied(person):
    partner = partner_app()
    _, challenge = pkce()
    page = person.get(authorize_url(partner, challenge))
    response = answer(person, page, allow=False)
    assert response.status_code == 302
    params = query_of(response["Location"])
    assert params == {"error": "access_denied", "state": "etat-42", **params}
    assert "code" not in params
    assert not Grant.objects.exists()


def test_withdrawing_the_consent_cuts_access_and_refresh(person, booker):
    partner = partner_app()
    body = tokens_for(person, partner)
    api = bearer(body["access_token"])
    assert api.get(reverse("api:reservations")).status_code == 200
    withdraw_consent(booker, partner.application_id)
    assert api.get(reverse("api:reservations")).status_code == 401
    refused = refresh(Client(), partner, body["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists() and not RefreshToken.objects.exists()


def test_refresh_tokens_rotate_and_a_replay_is_refused(person):
    partner = partner_app()
    body = tokens_for(person, partner)
    renewed = refresh(Client(), partner, body["refresh_token"])
    assert renewed.status_code == 200
    fresh = renewed.json()
    assert fresh["refresh_token"] != body["refresh_token"]
    assert bearer(fresh["access_token"]).get(reverse("api:reservations")).status_code == 200
    replay = refresh(Client(), partner, body["refresh_token"])
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_a_revoked_partner_is_cut_off(person):
    partner = partner_app()
    body = tokens_for(person, partner)
    partner.revoked_at = timezone.now()
    partner.save()
    response = bearer(body["access_token"]).get(reverse("api:reservations"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    # Its consent page no longer opens: an unknown application, never a redirect.
    _, challenge = pkce()
    page = person.get(authorize_url(partner, challenge))
    assert page.status_code == 400 and "Application inconnue" in page.content.decode()


def test_untrustworthy_requests_are_explained_in_french_not_redirected(person):
    partner = partner_app()
    _, challenge = pkce()
    cases = {
        "Application inconnue": authorize_url(partner, challenge, client_id="inconnu"),
        "Adresse de retour refusée": authorize_url(
            partner, challenge, redirect_uri="https://pirate.exemple.net/retour"
        ),
    }
    for title, url in cases.items():
        response = person.get(url)
        assert response.status_code == 400
        assert "Location" not in response
        html = response.content.decode()
        assert f"<h1>{title}</h1>" in html
        assert 'role="alert"' in html and "Aucun accès n'a été donné" in html
        assert response["Content-Type"].startswith("text/html")
    no_client = person.get(reverse("oauth2_provider:authorize") + "?response_type=code")
    assert no_client.status_code == 400 and "Application inconnue" in no_client.content.decode()


def test_an_altered_form_is_explained(person):
    partner = partner_app()
    _, challenge = pkce()
    page = person.get(authorize_url(partner, challenge))
    response = answer(person, page, client_id="")
    assert response.status_code == 400
    assert "Demande incomplète" in response.content.decode()


def test_a_visitor_logs_in_and_comes_back(client, booker):
    partner = partner_app()
    _, challenge = pkce()
    url = authorize_url(partner, challenge)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url, safe='/')}"
    logged_in = client.post(
        response["Location"],
        {"username": "camille@exemple.test", "password": "motdepasse-camille-1", "next": url},
    )
    assert logged_in.status_code == 302 and logged_in["Location"] == url
    assert client.get(url).status_code == 200


def test_the_page_names_the_account_and_another_person_can_switch(person, other_booker):
    """A shared computer: the page says which account would be used; «Ce n'est pas vous ?»
    signs out and comes back to the same request once the other person has signed in."""
    partner = partner_app()
    _, challenge = pkce()
    url = authorize_url(partner, challenge)
    page = person.get(url)
    assert "camille@exemple.test" in page.content.decode()
    switch = page.context["switch_account_next"]
    assert switch == f"{reverse('accounts:login')}?next={quote(url, safe='')}"
    signed_out = person.post(reverse("accounts:logout"), {"next": switch})
    assert signed_out.status_code == 302 and signed_out["Location"] == switch
    assert person.get(url).status_code == 302  # signed out: to the login page
    back = person.post(
        switch, {"username": "yanis@exemple.test", "password": "motdepasse-yanis-1", "next": url}
    )
    assert back.status_code == 302 and back["Location"] == url
    assert "yanis@exemple.test" in person.get(url).content.decode()


def test_the_consent_page_holds_the_csp(person):
    partner = partner_app()
    _, challenge = pkce()
    page = person.get(authorize_url(partner, challenge))
    policy = dict(
        directive.strip().split(" ", 1) for directive in page["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    # The form's answer redirects to the partner: form-action must allow that origin only.
    assert policy["form-action"].split() == ["'self'", "https://appli.exemple.fr"]
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert "<style" not in html and " style=" not in html, "inline style"
    assert page["X-Frame-Options"] == "DENY" or "frame-ancestors 'none'" in str(policy)


def test_problem_details_stay_under_api(person):
    """ProblemDetailsMiddleware rewrites errors under /api/ only: /oauth/ answers stay
    RFC 6749 JSON, or HTML pages for the person."""
    unknown = person.get("/oauth/inconnu/")
    assert unknown.status_code == 404 and unknown["Content-Type"].startswith("text/html")
    bad_grant = Client().post(reverse("oauth2_provider:token"), {"grant_type": "implicit"})
    assert bad_grant.status_code == 400
    assert bad_grant["Content-Type"] == "application/json"
    assert bad_grant.json()["error"] == "unsupported_grant_type"
    under_api = Client().get("/api/v1/inconnu")
    assert under_api["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("data", "status", "error"),
    [
        ({"grant_type": "authorization_code", "client_id": "inconnu", "code": "x"}, 401,
         "invalid_client"),
        ({"grant_type": "authorization_code", "code": "inconnu", "redirect_uri": REDIRECT,
          "code_verifier": "v" * 43}, 400, "invalid_grant"),
        ({"grant_type": "client_credentials"}, 401, "invalid_client"),  # a public client
        ({"grant_type": "urn:inconnu"}, 400, "unsupported_grant_type"),
        ({}, 400, "unsupported_grant_type"),
    ],
)  # fmt: skip
def test_the_token_endpoint_answers_rfc6749_errors(data, status, error):
    partner = partner_app()
    data = {"client_id": partner.application.client_id, **data}
    response = Client().post(reverse("oauth2_provider:token"), data)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == error
    assert response["Cache-Control"] == "no-store"


def test_the_partner_may_revoke_its_own_tokens(person):
    """RFC 7009: revoking the refresh token ends the access token too."""
    partner = partner_app()
    body = tokens_for(person, partner)
    response = Client().post(
        reverse("oauth2_provider:revoke-token"),
        {"token": body["refresh_token"], "client_id": partner.application.client_id},
    )
    assert response.status_code == 200
    assert bearer(body["access_token"]).get(reverse("api:reservations")).status_code == 401
    assert refresh(Client(), partner, body["refresh_token"]).status_code == 400


def test_an_altered_address_in_the_answer_is_not_followed(person):
    partner = partner_app()
    _, challenge = pkce()
    page = person.get(authorize_url(partner, challenge))
    for allow in (False, True):
        response = answer(person, page, allow=allow, redirect_uri="https://ailleurs.exemple/x")
        assert response.status_code == 400, response.get("Location")
        assert not Grant.objects.exists()
