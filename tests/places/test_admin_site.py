"""Who enters the back-office is decided by places (places.admin_site), not by a flag of the
account: Département staff only; place managers work in the managers' workspace (/gestion/)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from maillage.places.admin_site import BackOfficeSite

pytestmark = pytest.mark.django_db


def log_in(client, email: str, password: str):
    return client.post(reverse("admin:login"), {"username": email, "password": password})


def test_the_admin_is_the_back_office_site():
    assert isinstance(admin.site, BackOfficeSite)


def test_staff_log_in_to_the_back_office(client, staff_user):
    response = log_in(client, staff_user.email, "motdepasse-agent-1")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_manager_is_refused_like_a_wrong_password(client, manager):
    response = log_in(client, manager.email, "motdepasse-gestion-1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    client.force_login(manager)
    assert client.get(reverse("admin:index")).status_code == 302


def test_inactive_staff_are_refused(client, staff_user):
    staff_user.is_active = False
    staff_user.save()
    client.force_login(staff_user)
    assert client.get(reverse("admin:index")).status_code == 302
