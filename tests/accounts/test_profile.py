"""«Mes coordonnées» and «Mes courriels»: the person's own name, phone and optional emails,
validated in French, logged, never someone else's."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from maillage.accounts import services
from maillage.accounts.models import AccountAction, AccountLog, User
from maillage.core.validators import normalize_french_phone
from tests.accounts.helpers import page_text

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")
PREFERENCES = reverse("accounts:preferences")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+33612345678", "06 12 34 56 78"),
        ("01.23.45.67.89", "01 23 45 67 89"),
        ("  ", ""),
    ],
)
def test_a_phone_is_stored_one_way(typed, stored):
    assert normalize_french_phone(typed) == stored


def test_editing_my_name_and_phone_is_logged_without_the_values(client, resident):
    client.force_login(resident)
    assert 'autocomplete="tel"' in page_text(client.get(PROFILE))
    data = {"first_name": " Inès ", "last_name": "Moreau", "phone": "+33 6 12 34 56 78"}
    response = client.post(PROFILE, data)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    resident.refresh_from_db()
    assert (resident.first_name, resident.last_name, resident.phone) == (
        "Inès",
        "Moreau",
        "06 12 34 56 78",
    )
    [entry] = AccountLog.objects.all()
    assert (entry.user, entry.actor, entry.action) == (resident, resident, AccountAction.PROFILE)
    assert entry.detail == "first_name, last_name, phone"
    assert "Inès" not in entry.detail and "06" not in entry.detail
    assert "06 12 34 56 78" in page_text(client.get(reverse("accounts:account")))
    # The same values again change nothing and log nothing.
    client.post(PROFILE, data)
    assert AccountLog.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "Numéro de téléphone invalide"),
        ("phone", "00 23 45 67 89", "Numéro de téléphone invalide"),
        ("phone", "0" * 30, "Le téléphone doit faire au plus 20 caractères"),
        ("first_name", "www.exemple.fr", "Le prénom ne peut pas contenir de lien"),
        ("last_name", "Martin\nDupont", "Le nom ne peut pas contenir de retour à la ligne"),
        ("last_name", "x" * 151, "Le nom doit faire au plus 150 caractères"),
    ],
)
def test_bad_input_is_refused_in_french_naming_the_field(client, resident, field, value, message):
    client.force_login(resident)
    data = {"first_name": "Inès", "last_name": "Moreau", "phone": "", field: value}
    response = client.post(PROFILE, data)
    assert response.status_code == 200
    assert message in page_text(response)
    resident.refresh_from_db()
    assert resident.first_name == "" and not AccountLog.objects.exists()


def test_the_service_refuses_a_bad_phone_and_anyone_but_the_person(resident, booker):
    with pytest.raises(ValidationError) as refused:
        services.update_profile(resident, resident, first_name="", last_name="", phone="123")
    assert "phone" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.update_profile(resident, resident, first_name="x" * 151, last_name="", phone="")
    assert "first_name" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.update_profile(booker, resident, first_name="X", last_name="", phone="")
    with pytest.raises(PermissionDenied):
        services.update_preferences(booker, resident, remind_bookings=False)
    with pytest.raises(ValueError, match="unknown"):
        services.update_preferences(resident, resident, is_superuser=True)
    resident.refresh_from_db()
    assert resident.first_name == "" and resident.remind_bookings and not resident.is_superuser


def test_an_older_rows_other_fields_never_block_the_edit(resident):
    User.objects.filter(pk=resident.pk).update(email="ancienne-adresse-sans-arobase")
    resident.refresh_from_db()
    assert services.update_profile(resident, resident, first_name="Inès", last_name="", phone="")
    assert User.objects.get(pk=resident.pk).first_name == "Inès"


def test_the_pages_only_edit_the_signed_in_person(client, resident, booker):
    client.force_login(booker)
    client.post(PROFILE, {"first_name": "Pirate", "last_name": "", "phone": "", "id": resident.pk})
    client.post(PREFERENCES, {"user": resident.pk})
    resident.refresh_from_db()
    assert resident.first_name == "" and resident.remind_bookings
    assert User.objects.get(pk=booker.pk).first_name == "Pirate"


def test_the_pages_need_a_login_and_a_csrf_token(client, resident):
    for url in (PROFILE, PREFERENCES):
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(resident)
    data = {"first_name": "X", "last_name": "", "phone": ""}
    assert strict.post(PROFILE, data).status_code == 403
    assert strict.post(PREFERENCES, {}).status_code == 403
    resident.refresh_from_db()
    assert resident.first_name == "" and resident.remind_bookings


def test_turning_optional_emails_off_and_on(client, resident):
    client.force_login(resident)
    html = page_text(client.get(PREFERENCES))
    assert "Je souhaite recevoir" in html and "toujours" in html
    client.post(PREFERENCES, {"remind_events": "on"})
    resident.refresh_from_db()
    assert (resident.remind_bookings, resident.remind_events, resident.notify_status_expiry) == (
        False,
        True,
        False,
    )
    [entry] = AccountLog.objects.all()
    assert entry.action == AccountAction.PREFERENCES
    assert entry.detail == "remind_bookings, notify_status_expiry"


def test_the_back_office_shows_the_account_log_read_only(client, resident, staff_user):
    services.update_profile(resident, resident, first_name="Inès", last_name="", phone="")
    client.force_login(staff_user)
    changelist = client.get(reverse("admin:accounts_accountlog_changelist"))
    assert changelist.status_code == 200 and "first_name" in changelist.content.decode()
    line = AccountLog.objects.get()
    assert client.get(reverse("admin:accounts_accountlog_add")).status_code == 403
    delete = reverse("admin:accounts_accountlog_delete", args=[line.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    person = client.get(reverse("admin:accounts_user_change", args=[resident.pk]))
    assert person.status_code == 200 and "Courriels facultatifs" in person.content.decode()
    client.force_login(resident)
    assert client.get(reverse("admin:accounts_accountlog_changelist")).status_code in {302, 403}


def test_the_note_on_required_fields_shows_only_where_one_is(client, resident):
    note = "Les champs marqués d'un astérisque"
    assert note in page_text(client.get(reverse("accounts:signup")))
    client.force_login(resident)
    assert note not in page_text(client.get(PROFILE))  # every field optional
