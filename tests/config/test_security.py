import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_security_headers(client):
    response = client.get(reverse("web:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_login_without_csrf_token_is_refused(manager):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("admin:login"), {"username": manager.email, "password": "motdepasse-gestion-1"}
    )
    assert response.status_code == 403


def test_staff_log_in_to_the_back_office(client, staff_user):
    response = client.post(
        reverse("admin:login"), {"username": staff_user.email, "password": "motdepasse-agent-1"}
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_login_is_rate_limited(client, manager, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": manager.email, "password": "faux"})
    response = client.post(
        reverse("admin:login"), {"username": manager.email, "password": "motdepasse-gestion-1"}
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_email_login_is_case_insensitive(client, staff_user):
    response = client.post(
        reverse("admin:login"),
        {"username": staff_user.email.upper(), "password": "motdepasse-agent-1"},
    )
    assert response.status_code == 302


def test_inline_styles_are_allowed_in_the_back_office_only(client, staff_user):
    client.force_login(staff_user)
    admin_csp = client.get(reverse("admin:index"))["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in admin_csp
    assert (
        "script-src 'self'" in admin_csp
        and "unsafe-inline" not in admin_csp.split("script-src")[1].split(";")[0]
    )
    assert "unsafe-inline" not in client.get(reverse("web:home"))["Content-Security-Policy"]
