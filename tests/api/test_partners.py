"""Partner apps' keys in the back-office: created by Département staff (the key shown once,
with the OAuth client made alongside), edited (the client kept in step), revoked (the key and
every consent at once), each change in the history; origins and redirect URIs checked line
by line, in French."""

import re
import secrets
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken

from maillage.api import partners
from maillage.api.models import Partner, PartnerAction, PartnerLog, digest
from tests.api.consent_flow import partner_details

pytestmark = pytest.mark.django_db

ADD = reverse("admin:api_partner_add")
LIST = reverse("admin:api_partner_changelist")


def form(**changes):
    data = {
        "name": "Appli Mobilité",
        "contact_name": "Alex Martin",
        "contact_email": "alex@mobilite.test",
        "scopes": "read book",
        "allowed_origins": "https://appli.mobilite.test\nhttp://localhost:5173",
        "redirect_uris": "https://appli.mobilite.test/retour",
        "log-TOTAL_FORMS": "0",
        "log-INITIAL_FORMS": "0",
        "log-MIN_NUM_FORMS": "0",
        "log-MAX_NUM_FORMS": "1000",
        "submission": secrets.token_urlsafe(16),
    }
    data.update(changes)
    return data


def created_key(client) -> tuple[Partner, str]:
    response = client.post(ADD, form())
    assert response.status_code == 200, response.content.decode()[:3000]
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    key = re.search(r'<code id="partner-key">(mlgp_[A-Za-z0-9_-]+)</code>', page).group(1)
    # «Copier» buttons (web/copy.js) beside the key and the client_id.
    assert 'data-copy="partner-key"' in page and 'data-copy="partner-client-id"' in page
    assert "web/copy.js" in page
    return Partner.objects.get(), key


def test_staff_create_a_partner_and_see_its_key_once(client, staff_user, room):
    client.force_login(staff_user)
    partner, key = created_key(client)
    assert len(key) == len("mlgp_") + 43
    # Only the digest and a hint are stored; the key is nowhere in the database's rows.
    assert partner.key_digest == digest(key) and key.startswith(partner.key_hint)
    assert len(partner.key_hint) < 20
    assert not any(key in entry.change_message for entry in LogEntry.objects.all())
    assert partner.origins == ["https://appli.mobilite.test", "http://localhost:5173"]
    assert partner.scope_set == {"read", "book"} and partner.created_by == staff_user
    application = partner.application
    assert application.client_type == Application.CLIENT_PUBLIC
    assert application.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert application.skip_authorization is False and application.algorithm == ""
    assert application.redirect_uris == "https://appli.mobilite.test/retour"
    assert application.name == "Appli Mobilité"
    assert [(e.action, e.actor) for e in PartnerLog.objects.all()] == [
        (PartnerAction.CREATED, staff_user)
    ]
    # Never readable again: the change page shows the hint and the client_id, not the key.
    page = client.get(reverse("admin:api_partner_change", args=[partner.pk])).content.decode()
    assert key not in page and partner.key_hint in page and application.client_id in page
    # The key works.
    week = client.get(f"/api/v1/espaces/{room.pk}/semaine", HTTP_X_API_KEY=key)
    assert week.status_code == 200


def test_only_departement_staff_manage_partners(client, place_manager, staff_user):
    client.force_login(place_manager)
    assert client.get(ADD).status_code in (302, 403)
    assert client.post(ADD, form()).status_code in (302, 403)
    assert not Partner.objects.exists()
    with pytest.raises(PermissionDenied):
        partners.create_partner(place_manager, partner_details())
    partner, _ = partners.create_partner(staff_user, partner_details())
    with pytest.raises(PermissionDenied):
        partners.revoke_partner(place_manager, partner)
    assert Partner.objects.active().count() == 1


def test_editing_keeps_the_oauth_client_in_step(client, staff_user):
    client.force_login(staff_user)
    partner, key = created_key(client)
    url = reverse("admin:api_partner_change", args=[partner.pk])
    changed = form(
        name="Appli Mobilité 2",
        scopes="read",
        allowed_origins="https://nouvelle.mobilite.test:8443",
        redirect_uris="https://nouvelle.mobilite.test/a\nhttps://nouvelle.mobilite.test/b",
    )
    response = client.post(url, changed)
    assert response.status_code == 302, response.context["adminform"].form.errors
    partner.refresh_from_db()
    partner.application.refresh_from_db()
    assert partner.name == "Appli Mobilité 2" and partner.scope_set == {"read"}
    assert partner.origins == ["https://nouvelle.mobilite.test:8443"]
    assert partner.application.name == "Appli Mobilité 2"
    assert partner.application.redirect_uris.split() == [
        "https://nouvelle.mobilite.test/a",
        "https://nouvelle.mobilite.test/b",
    ]
    assert partner.key_digest == digest(key)  # the key stays
    assert [e.action for e in PartnerLog.objects.order_by("id")] == ["created", "changed"]


def test_a_revoked_partner_is_kept_read_only(client, staff_user):
    partner, _ = partners.create_partner(staff_user, partner_details())
    partners.revoke_partner(staff_user, partner)
    with pytest.raises(ValidationError, match="révoquée"):
        partners.change_partner(staff_user, partner, partner_details(name="Renommée"))
    client.force_login(staff_user)
    change = reverse("admin:api_partner_change", args=[partner.pk])
    page = client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(change, form(name="Renommée")).status_code == 403
    partner.refresh_from_db()
    assert partner.name != "Renommée"
    assert [e.action for e in PartnerLog.objects.filter(partner=partner)] == [
        "created",
        "revoked",
    ]


def test_partners_are_revoked_not_deleted(client, staff_user):
    partner, _ = partners.create_partner(staff_user, partner_details())
    client.force_login(staff_user)
    response = client.post(reverse("admin:api_partner_delete", args=[partner.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Partner.objects.filter(pk=partner.pk).exists()


def test_revoking_stops_the_key_and_every_consent_at_once(client, staff_user, booker, room):
    partner, key = partners.create_partner(staff_user, partner_details())
    other, other_key = partners.create_partner(staff_user, partner_details(name="Autre"))
    later = timezone.now() + timedelta(hours=1)
    token = AccessToken.objects.create(
        user=booker,
        application=partner.application,
        token="jeton-de-consentement-1",
        expires=later,
        scope="read book",
    )
    RefreshToken.objects.create(
        user=booker, application=partner.application, token="rafraichir-1", access_token=token
    )
    AccessToken.objects.create(
        user=booker,
        application=other.application,
        token="jeton-de-consentement-2",
        expires=later,
        scope="read",
    )
    week = f"/api/v1/espaces/{room.pk}/semaine"
    bearer = {"HTTP_AUTHORIZATION": "Bearer jeton-de-consentement-1"}
    assert client.get(week, HTTP_X_API_KEY=key).status_code == 200
    assert client.get("/api/v1/reservations", **bearer).status_code == 200

    client.force_login(staff_user)
    # First a page that names what will be revoked; nothing is revoked yet.
    confirm = client.post(LIST, {"action": "revoke", "_selected_action": [partner.pk]})
    assert confirm.status_code == 200 and "Oui, révoquer" in confirm.content.decode()
    assert partner.name in confirm.content.decode() and other.name not in confirm.content.decode()
    assert Partner.objects.get(pk=partner.pk).revoked_at is None
    response = client.post(
        LIST, {"action": "revoke", "_selected_action": [partner.pk], "post": "yes"}
    )
    assert response.status_code == 302
    client.logout()

    partner.refresh_from_db()
    assert partner.revoked_at is not None
    assert client.get(week, HTTP_X_API_KEY=key).status_code == 401
    refused = client.get("/api/v1/reservations", **bearer)
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert not AccessToken.objects.filter(application=partner.application).exists()
    assert not RefreshToken.objects.filter(application=partner.application).exists()
    # Another partner's key and consents are untouched.
    assert client.get(week, HTTP_X_API_KEY=other_key).status_code == 200
    assert AccessToken.objects.filter(application=other.application).count() == 1
    log = PartnerLog.objects.filter(partner=partner).order_by("id")
    assert [(e.action, e.actor) for e in log] == [
        ("created", staff_user),
        ("revoked", staff_user),
    ]
    # Revoking again does nothing and records nothing.
    assert partners.revoke_partner(staff_user, partner) is False
    assert PartnerLog.objects.filter(partner=partner).count() == 2


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("https://*.exemple.test", "pas de joker"),
        ("https://exemple.test/", "ni chemin"),
        ("https://exemple.test/app", "ni chemin"),
        ("https://exemple.test?x=1", "ni chemin"),
        ("http://exemple.test", "https obligatoire"),
        ("ftp://exemple.test", "attendu « https://hôte »"),
        ("exemple.test", "attendu « https://hôte »"),
        ("https://user@exemple.test", "pas d'identifiant"),
        ("https://exemple.test:99999", "n'est pas une origine valide"),
        ("https://exe_mple.test", "n'est pas un nom d'hôte valide"),
        ("https://ok.test\nhttps://ok.test/x", "ligne 2"),
        ("\n".join(f"https://a{n}.test" for n in range(21)), "20 lignes au plus"),
    ],
)
def test_origins_are_checked_strictly(client, staff_user, text, fragment):
    client.force_login(staff_user)
    response = client.post(ADD, form(allowed_origins=text))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["allowed_origins"]
    assert any(fragment in e and "Origines web autorisées" in e for e in errors), errors
    assert not Partner.objects.exists() and not Application.objects.exists()


def test_origins_are_kept_as_browsers_send_them():
    assert partners.clean_origins(
        " HTTPS://Appli.Exemple.TEST:443 \n\nhttps://appli.exemple.test\nhttp://127.0.0.1:8000\n"
        "http://[::1]:3000\nhttps://appli.exemple.test:8443"
    ) == (
        "https://appli.exemple.test",
        "http://127.0.0.1:8000",
        "http://[::1]:3000",
        "https://appli.exemple.test:8443",
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("http://appli.exemple.test/retour", "https obligatoire"),
        ("fr.exemple.appli:/retour", "https obligatoire"),
        ("https://*.exemple.test/retour", "sans joker"),
        ("https://appli.exemple.test/retour#x", "pas de fragment"),
        ("https:///retour", "pas d'hôte valide"),
        ("javascript:alert(1)", "https obligatoire"),
    ],
)
def test_redirect_uris_are_checked(client, staff_user, text, fragment):
    client.force_login(staff_user)
    response = client.post(ADD, form(redirect_uris=text))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["redirect_uris"]
    assert any(fragment in e and "Adresses de retour OAuth" in e for e in errors), errors
    assert not Partner.objects.exists()


def test_a_declared_phone_app_scheme_is_a_valid_redirect(client, staff_user):
    oauth = {
        **settings.OAUTH2_PROVIDER,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "fr.exemple.appli"],
    }
    with override_settings(MAILLAGE_OAUTH_APP_SCHEMES=["fr.exemple.appli"], OAUTH2_PROVIDER=oauth):
        client.force_login(staff_user)
        partner, _ = created_key_with(client, redirect_uris="fr.exemple.appli:/retour")
        assert partner.application.redirect_uris == "fr.exemple.appli:/retour"
        with pytest.raises(ValidationError, match="schéma d'application déclaré"):
            partners.clean_redirect_uris("com.autre.appli:/retour")


def created_key_with(client, **changes):
    response = client.post(ADD, form(**changes))
    assert response.status_code == 200
    assert "partner-key" in response.content.decode(), response.context["adminform"].form.errors
    return Partner.objects.get(), None


def test_a_key_without_consent_needs_no_redirect(staff_user, room, client):
    partner, key = partners.create_partner(
        staff_user, partner_details(redirect_uris=(), scopes="read")
    )
    assert partner.application.redirect_uris == ""
    assert client.get(f"/api/v1/espaces/{room.pk}/semaine", HTTP_X_API_KEY=key).status_code == 200


def test_oauth_clients_and_tokens_are_edited_only_through_partners():
    from django.contrib import admin
    from oauth2_provider.models import Grant, IDToken

    for model in (Application, AccessToken, RefreshToken, Grant, IDToken):
        assert not admin.site.is_registered(model), model
    assert admin.site.is_registered(Partner)


def test_reloading_the_keys_page_creates_nothing_more(client, staff_user):
    client.force_login(staff_user)
    add_page = client.get(ADD).content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', add_page).group(1)
    data = form(submission=submission)
    assert client.post(ADD, data).status_code == 200
    reload = client.post(ADD, data)
    assert reload.status_code == 302 and reload["Location"] == LIST
    assert Partner.objects.count() == 1
    assert "déjà créée" in client.get(LIST).content.decode()


def test_a_change_needs_no_submission_id(client, staff_user):
    client.force_login(staff_user)
    partner, _ = created_key(client)
    change = reverse("admin:api_partner_change", args=[partner.pk])
    assert 'name="submission"' not in client.get(change).content.decode()
    data = {k: v for k, v in form(name="Appli renommée").items() if k != "submission"}
    assert client.post(change, data).status_code == 302
    assert Partner.objects.get().name == "Appli renommée"
