"""«Mon compte › Accès à l'API»: a person sees and revokes their own API tokens and the partner
apps they consented to, and nobody else's (404)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from maillage.api.consent import consents_of, create_token
from maillage.api.models import ApiToken
from tests.api.consent_flow import consent, partner_app, refresh, tokens_for

pytestmark = pytest.mark.django_db

PAGE = "/compte/acces-api/"


def signed_in(user) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


@pytest.fixture
def camille(booker):
    return signed_in(booker)


@pytest.fixture
def yanis(other_booker):
    return signed_in(other_booker)


def api_status(key: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(reverse("api:reservations")).status_code


def test_the_account_page_links_to_it(camille):
    assert reverse("api_access:home") == PAGE
    page = camille.get(reverse("accounts:account")).content.decode()
    assert f'<a href="{PAGE}">Accès à l\'API</a>' in page


def test_visitors_log_in_first(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={PAGE}"
    assert (
        client.post(
            reverse("api_access:create_token"), {"name": "x", "submission": "envoi-1"}
        ).status_code
        == 302
    )
    assert not ApiToken.objects.exists()


def test_the_page_lists_exactly_the_persons_tokens_and_consents(
    camille, yanis, booker, other_booker
):
    create_token(booker, "Tableur de Camille")
    create_token(other_booker, "Script de Yanis")
    shared = partner_app("read book", name="Appli Commune")
    only_yanis = partner_app("read", name="Appli de Yanis")
    tokens_for(camille, shared, scope="read")
    tokens_for(yanis, shared)
    tokens_for(yanis, only_yanis, scope="read")
    consent(camille, partner_app(name="Appli en attente"))  # a code, no token: not listed

    html = camille.get(PAGE).content.decode()
    assert "Tableur de Camille" in html and "Script de Yanis" not in html
    assert "Appli Commune" in html and "Appli de Yanis" not in html
    assert "Appli en attente" not in html
    assert "voir les lieux, vos réservations et vos prix" in html
    assert "réserver et annuler en votre nom" not in html  # Camille gave `read` only
    assert "jamais utilisé" in html

    [mine] = consents_of(booker)
    assert mine.name == "Appli Commune" and mine.contact == "Lou Martin"
    assert mine.scopes == ("Voir les lieux, vos réservations et vos prix",)
    assert mine.since <= mine.last_renewed and not mine.revoked
    assert {c.name for c in consents_of(other_booker)} == {"Appli Commune", "Appli de Yanis"}


def test_a_token_is_created_its_key_shown_once(camille, booker):
    submission = re.search(r'name="submission" value="([^"]+)"', camille.get(PAGE).content.decode())
    sent = {"name": "Mon tableur", "submission": submission.group(1)}
    response = camille.post(reverse("api_access:create_token"), sent)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = response.context["new_key"]
    assert key.startswith("mlg_") and key in response.content.decode()
    token = ApiToken.objects.get(user=booker)
    assert token.name == "Mon tableur"
    assert api_status(key) == 200
    again = camille.get(PAGE).content.decode()
    assert "Mon tableur" in again and key not in again
    # Reloading the answer posts the form again: nothing more is created.
    reload = camille.post(reverse("api_access:create_token"), sent)
    assert reload.status_code == 302 and ApiToken.objects.filter(user=booker).count() == 1
    assert "déjà créé" in camille.get(PAGE).content.decode()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Donnez un nom au jeton."),
        ("deux\nlignes", "ne peut pas contenir de retour à la ligne"),
        ("x" * 101, "100 caractères"),
    ],
)
def test_a_bad_name_is_refused(camille, name, message):
    response = camille.post(
        reverse("api_access:create_token"), {"name": name, "submission": "envoi-1"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["new_key"] == ""
    assert not ApiToken.objects.exists()


def test_a_person_revokes_their_token_not_anothers(camille, yanis, booker, other_booker):
    mine, my_key = create_token(booker, "Le mien")
    theirs, their_key = create_token(other_booker, "Le sien")
    url = reverse("api_access:revoke_token", args=[theirs.pk])
    assert camille.post(url).status_code == 404
    assert api_status(their_key) == 200
    response = camille.post(reverse("api_access:revoke_token", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == PAGE
    assert api_status(my_key) == 401
    assert list(ApiToken.objects.all()) == [theirs]
    assert camille.post(reverse("api_access:revoke_token", args=[mine.pk])).status_code == 404
    assert camille.get(url).status_code == 405


def test_withdrawing_access_cuts_only_the_persons_tokens(camille, yanis, booker, other_booker):
    partner = partner_app()
    mine = tokens_for(camille, partner)
    tokens_for(camille, partner)  # a second consent to the same app: both go
    consent(camille, partner)  # and a code not yet exchanged
    theirs = tokens_for(yanis, partner)
    other_app = partner_app(name="Autre appli")
    untouched = tokens_for(camille, other_app)

    response = camille.post(reverse("api_access:withdraw", args=[partner.application_id]))
    assert response.status_code == 302 and response["Location"] == PAGE
    follow = camille.get(PAGE).content.decode()
    assert "L&#x27;accès est retiré" in follow or "L'accès est retiré" in follow

    assert api_status(mine["access_token"]) == 401
    assert refresh(Client(), partner, mine["refresh_token"]).status_code == 400
    for model in (AccessToken, RefreshToken, Grant):
        assert not model.objects.filter(user=booker, application=partner.application).exists()
    assert api_status(theirs["access_token"]) == 200
    assert api_status(untouched["access_token"]) == 200
    assert [c.name for c in consents_of(booker)] == ["Autre appli"]


def test_a_person_cannot_withdraw_anothers_consent(camille, yanis, other_booker):
    partner = partner_app()
    theirs = tokens_for(yanis, partner)
    url = reverse("api_access:withdraw", args=[partner.application_id])
    assert camille.post(url).status_code == 404
    assert camille.post(reverse("api_access:withdraw", args=[987654])).status_code == 404
    assert api_status(theirs["access_token"]) == 200
    assert camille.get(url).status_code == 405


def test_forms_need_the_csrf_token(booker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(booker)
    token, key = create_token(booker, "Le mien")
    response = client.post(reverse("api_access:revoke_token", args=[token.pk]))
    assert response.status_code == 403
    assert api_status(key) == 200
    page = client.get(PAGE)
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
