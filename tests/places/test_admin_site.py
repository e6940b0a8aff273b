"""Who enters the back-office is decided by places (places.admin_site), not by a flag of the
account: Département staff and the active managers of a place."""

import pytest
from django.contrib import admin
from django.urls import reverse

from maillage.places.admin_site import BackOfficeSite

pytestmark = pytest.mark.django_db


def log_in(client, email: str, password: str):
    return client.post(reverse("admin:login"), {"username": email, "password": password})


def test_the_admin_is_the_back_office_site():
    assert isinstance(admin.site, BackOfficeSite)


@pytest.mark.parametrize(
    ("who", "password"),
    [("manager", "motdepasse-gestion-1"), ("staff_user", "motdepasse-agent-1")],
)
def test_managers_and_staff_log_in_to_the_back_office(client, request, who, password):
    user = request.getfixturevalue(who)
    response = log_in(client, user.email, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_manager_without_places_left_is_refused(client, manager, place):
    place.managers.remove(manager)
    response = log_in(client, manager.email, "motdepasse-gestion-1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    client.force_login(manager)
    assert client.get(reverse("admin:index")).status_code == 302


def test_an_inactive_manager_is_refused(client, manager):
    manager.is_active = False
    manager.save()
    client.force_login(manager)
    assert client.get(reverse("admin:index")).status_code == 302
