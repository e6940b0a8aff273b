"""Staff add categories in the back-office, without code; nobody else sees them there."""

import pytest
from django.urls import reverse

from maillage.eligibility.models import Category
from tests.factories import ManagerFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:eligibility_category_add")


def test_staff_add_a_category(client, staff_user, categories):
    client.force_login(staff_user)
    response = client.post(
        ADD,
        {
            "code": "demandeur-emploi",
            "label": "Demandeur·se d'emploi",
            "needs_proof": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    added = Category.objects.get(code="demandeur-emploi")
    assert (added.label, added.needs_proof, added.for_children) == (
        "Demandeur·se d'emploi",
        True,
        False,
    )


def test_the_code_others_name_is_fixed_and_categories_are_never_deleted(
    client, staff_user, categories
):
    client.force_login(staff_user)
    rsa = categories["rsa"]
    url = reverse("admin:eligibility_category_change", args=[rsa.pk])
    client.post(url, {"code": "autre", "label": "RSA", "active": "on"})
    rsa.refresh_from_db()
    assert (rsa.code, rsa.label, rsa.needs_proof) == ("rsa", "RSA", False)
    delete = reverse("admin:eligibility_category_delete", args=[rsa.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Category.objects.filter(pk=rsa.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "Pas un code!", "label": "X"}, "code"),
        ({"code": "rsa", "label": "Doublon"}, "code"),
        ({"code": "x", "label": "Deux\r\nlignes"}, "label"),
        ({"code": "x", "label": ""}, "label"),
    ],
)
def test_a_bad_category_is_refused_in_french(client, staff_user, categories, data, field):
    client.force_login(staff_user)
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert Category.objects.count() == 4


def test_managers_do_not_see_categories(client, place, categories):
    client.force_login(ManagerFactory(places=[place]))
    assert client.get(reverse("admin:eligibility_category_changelist")).status_code == 403
