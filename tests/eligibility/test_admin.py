"""Staff add categories in the back-office, without code; nobody else sees them there. The
back-office pages showing people's categories ask for the second factor."""

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from maillage.eligibility.models import Category
from maillage.programmes.models import LedgerEntry
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
    response = client.get(reverse("admin:eligibility_category_changelist"))
    assert response.status_code == 302  # the back-office is Département staff's only
    assert response["Location"].startswith(reverse("admin:login"))


def test_no_second_factor_device_is_in_the_back_office(client, django_user_model):
    """A TOTP device's secret key readable with the password alone would be no second factor:
    not even a superuser finds the devices in the back-office."""
    from django.contrib import admin
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not admin.site.is_registered(TOTPDevice)
    boss = django_user_model.objects.create_superuser("chef@cd92.test", "motdepasse-chef-1")
    client.force_login(boss)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404


def shows_people_s_categories(model) -> bool:
    """A model whose back-office pages would show people's categories: eligibility's own
    (statuses, children, the access log…), except the list of categories (labels, nobody in
    it), and any model tying a person (an account, a booking) to a programme (programmes
    target categories), such as the ledger."""
    from django.conf import settings

    from maillage.booking.models import Booking
    from maillage.programmes.models import Programme

    if model is Category:
        return False
    if model._meta.app_label == "eligibility":
        return True
    related = {field.related_model for field in model._meta.get_fields() if field.is_relation}
    people = {Booking, django_apps.get_model(settings.AUTH_USER_MODEL)}
    return bool(related & people) and Programme in related


def admin_url(model, page: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}", args=args)


def test_every_back_office_page_showing_categories_asks_for_the_second_factor(
    client, django_user_model, categories, second_factor_login
):
    """Found in the admin registry, so that a model registered later is held to it too: a
    superuser without a second factor in the session is sent to enter a code (or refused),
    never shown the list or a row; with one, the list opens."""
    from django.contrib import admin

    gated = [model for model in admin.site._registry if shows_people_s_categories(model)]
    assert LedgerEntry in gated
    boss = django_user_model.objects.create_superuser("chef@cd92.test", "motdepasse-chef-1")
    client.force_login(boss)
    code_pages = (reverse("eligibility:otp_setup"), reverse("eligibility:otp_verify"))
    for model in gated:
        for url in (admin_url(model, "changelist"), admin_url(model, "change", 1)):
            response = client.get(url)
            assert response.status_code == 403 or (
                response.status_code == 302 and response["Location"].startswith(code_pages)
            ), url
    second_factor_login(client, boss)
    for model in gated:
        assert client.get(admin_url(model, "changelist")).status_code == 200


def test_staff_holding_view_category_enter_their_code_then_see_the_ledger(
    client, verifier, staff_user
):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    ledger = reverse("admin:programmes_ledgerentry_changelist")
    client.force_login(staff_user)  # Département staff, not allowed to see categories
    assert client.get(ledger).status_code == 403
    assert ledger not in client.get(reverse("admin:index")).content.decode()
    device = TOTPDevice.objects.create(user=verifier, name="Téléphone", confirmed=True)
    client.force_login(verifier)
    assert ledger not in client.get(reverse("admin:index")).content.decode()
    response = client.get(ledger)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("eligibility:otp_verify"))
    entered = client.post(response["Location"], {"token": f"{totp(device.bin_key):06d}"})
    assert entered["Location"] == ledger
    assert client.get(ledger).status_code == 200
    assert ledger in client.get(reverse("admin:index")).content.decode()
