import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import messages_of, page_text

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-habitant-1"  # the `resident` fixture's


def _login(client, email, password, **extra):
    data = {"username": email, "password": password, **extra}
    return client.post(reverse("accounts:login"), data)


def test_the_login_page_is_ours_and_french(client):
    response = client.get(reverse("accounts:login"))
    html = page_text(response)
    assert "<h1>Connexion</h1>" in html
    assert 'class="site-header"' in html  # the public look, not the admin's
    assert 'name="username"' in html and 'type="email"' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert reverse("accounts:password_reset") in html
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_a_resident_logs_in_and_goes_home(client, resident):
    response = _login(client, "Habitant@Exemple.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(resident.pk)
    home = page_text(client.get(reverse("web:home")))
    assert "Mon compte" in home and "Déconnexion" in home and "Créer un compte" not in home


def test_login_goes_to_a_safe_next_page_only(client, resident):
    target = reverse("accounts:account")
    response = _login(client, resident.email, PASSWORD, next=target)
    assert response["Location"] == target
    client.logout()
    response = _login(client, resident.email, PASSWORD, next="https://ailleurs.example/piege")
    assert response["Location"] == reverse("web:home")


def test_the_next_page_is_carried_by_the_form(client):
    html = page_text(client.get(reverse("accounts:login") + "?next=/compte/"))
    assert '<input type="hidden" name="next" value="/compte/">' in html


def test_a_wrong_password_is_refused_in_french(client, resident):
    response = _login(client, resident.email, "faux")
    assert response.status_code == 200
    html = page_text(response)
    assert 'role="alert"' in html
    assert "Adresse électronique ou mot de passe incorrect" in html
    assert "_auth_user_id" not in client.session


def test_an_invalid_address_is_named(client):
    html = page_text(_login(client, "pas-une-adresse", "x"))
    assert "Adresse électronique</a> : Saisissez une adresse électronique valide" in html


def test_an_unverified_account_can_log_in(client, unverified_user):
    from tests.accounts.conftest import STRONG_PASSWORD

    assert _login(client, unverified_user.email, STRONG_PASSWORD).status_code == 302
    html = page_text(client.get(reverse("accounts:account")))
    assert "Non vérifiée" in html
    assert reverse("accounts:resend_verification") in html


def test_a_deactivated_account_cannot_log_in(client, resident):
    resident.is_active = False
    resident.save()
    assert _login(client, resident.email, PASSWORD).status_code == 200
    assert "_auth_user_id" not in client.session


def test_public_login_is_rate_limited(client, resident, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # Changing the case of the address does not reset the count.
        email = resident.email.upper() if attempt % 2 else resident.email
        _login(client, email, "faux")
    response = _login(client, resident.email, PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives" in page_text(response)
    assert "_auth_user_id" not in client.session
    # The lock is shared with the back-office login.
    admin = client.post(reverse("admin:login"), {"username": resident.email, "password": PASSWORD})
    assert admin.status_code == 429


def test_fewer_failures_than_the_limit_do_not_lock(client, resident, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, resident.email, "faux")
    assert _login(client, resident.email, PASSWORD).status_code == 302


def test_login_needs_the_csrf_token(resident):
    client = Client(enforce_csrf_checks=True)
    assert _login(client, resident.email, PASSWORD).status_code == 403
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(client, resident):
    client.force_login(resident)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert "_auth_user_id" not in client.session
    home = client.get(response["Location"])
    assert "Vous êtes déconnecté" in messages_of(home)
    assert "Connexion" in page_text(home) and "Créer un compte" in page_text(home)


def test_logout_needs_the_csrf_token(resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert "_auth_user_id" in client.session


def test_a_logged_in_visitor_of_the_login_page_goes_home(client, resident):
    client.force_login(resident)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
