from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from maillage.accounts import services
from maillage.accounts.models import User
from tests.accounts.helpers import delivered, last_verification_path, messages_of, page_text

pytestmark = pytest.mark.django_db


def _link(user) -> str:
    return reverse("accounts:verify_email", args=[services.verification_token(user)])


def _issued_days_ago(user, days: float) -> str:
    past = services.signing.time.time() - timedelta(days=days).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=past):
        return _link(user)


def test_the_emailed_link_verifies_the_address_and_logs_in(client, signup_data):
    client.post(reverse("accounts:signup"), signup_data)
    path = last_verification_path()
    page = client.get(path)
    # Opening the link (what a mail scanner does) changes nothing yet.
    assert page.status_code == 200
    assert "Confirmer mon adresse" in page_text(page)
    assert User.objects.get().email_verified_at is None
    assert "_auth_user_id" not in client.session

    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")
    user = User.objects.get()
    assert user.email_verified_at is not None and user.can_book
    assert client.session["_auth_user_id"] == str(user.pk)
    account = page_text(client.get(response["Location"]))
    assert "Votre adresse électronique est vérifiée" in account
    assert "Vérifiée" in account


def test_the_link_works_once(client, unverified_user):
    path = _link(unverified_user)
    assert client.post(path).status_code == 302
    verified_at = User.objects.get().email_verified_at

    other = Client()
    for response in (other.get(path), other.post(path)):
        assert response.status_code == 400
        assert "déjà été utilisé" in page_text(response)
    assert "_auth_user_id" not in other.session  # a used link never logs in again
    assert User.objects.get().email_verified_at == verified_at


def test_the_link_is_valid_three_days(client, unverified_user):
    assert client.get(_issued_days_ago(unverified_user, 2.9)).status_code == 200
    response = client.post(_issued_days_ago(unverified_user, 3.1))
    assert response.status_code == 400
    html = page_text(response)
    assert "Ce lien de vérification a expiré (il est valable 3 jours)" in html
    assert 'role="alert"' in html
    assert reverse("accounts:resend_verification") in html
    assert User.objects.get().email_verified_at is None
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature
        lambda token: "9999" + token[token.index(".") :],  # another user
        lambda token: "pas-un-jeton",
    ],
)
def test_a_tampered_link_is_refused(client, unverified_user, tamper):
    token = tamper(services.verification_token(unverified_user))
    response = client.post(reverse("accounts:verify_email", args=[token]))
    assert response.status_code == 400
    assert "Ce lien de vérification n'est pas valide" in page_text(response)
    assert User.objects.get().email_verified_at is None
    assert "_auth_user_id" not in client.session


def test_a_link_for_a_previous_address_is_refused(client, unverified_user):
    path = _link(unverified_user)
    unverified_user.email = "autre@exemple.test"
    unverified_user.save()
    response = client.post(path)
    assert response.status_code == 400
    assert "ne correspond plus" in page_text(response)


def test_a_deactivated_account_cannot_be_verified(client, unverified_user):
    path = _link(unverified_user)
    User.objects.filter(pk=unverified_user.pk).update(is_active=False)
    assert client.post(path).status_code == 400
    assert User.objects.get().email_verified_at is None


def test_verification_needs_the_csrf_token(unverified_user):
    client = Client(enforce_csrf_checks=True)
    assert client.post(_link(unverified_user)).status_code == 403
    assert User.objects.get().email_verified_at is None


def test_resending_the_link(client, unverified_user):
    response = client.post(
        reverse("accounts:resend_verification"), {"email": "NOUVEAU@exemple.test"}
    )
    assert response.status_code == 302
    assert len(delivered()) == 1
    assert delivered()[0].to == ["nouveau@exemple.test"]
    assert client.post(last_verification_path()).status_code == 302
    assert User.objects.get().can_book


def test_resending_answers_the_same_for_unknown_verified_and_throttled(client, unverified_user):
    User.objects.create_user("deja@exemple.test", "x", email_verified=True)
    answers = set()
    for email in ("inconnu@exemple.test", "deja@exemple.test", "nouveau@exemple.test"):
        response = client.post(reverse("accounts:resend_verification"), {"email": email})
        answers.add(messages_of(client.get(response["Location"])))
    assert len(answers) == 1
    assert "Si un compte non vérifié existe pour cette adresse" in answers.pop()
    assert [m.to for m in delivered()] == [["nouveau@exemple.test"]]
    # At most one email a minute to the same account.
    client.post(reverse("accounts:resend_verification"), {"email": "nouveau@exemple.test"})
    assert len(delivered()) == 1
    cache.delete(services.verification_throttle_key(unverified_user))
    client.post(reverse("accounts:resend_verification"), {"email": "nouveau@exemple.test"})
    assert len(delivered()) == 2


def test_resending_refuses_an_invalid_address(client):
    response = client.post(reverse("accounts:resend_verification"), {"email": "pas une adresse"})
    assert response.status_code == 200
    assert "Saisissez une adresse électronique valide" in page_text(response)


def test_the_resend_form_knows_the_logged_in_user(client, unverified_user):
    client.force_login(unverified_user)
    html = page_text(client.get(reverse("accounts:resend_verification")))
    assert 'value="nouveau@exemple.test"' in html


@pytest.mark.parametrize(
    ("going_to", "landing"),
    [
        ("/reserver/espace/7/?date=2027-01-12", "/reserver/espace/7/?date=2027-01-12"),
        ("https://ailleurs.example/piege", None),
    ],
)
def test_verification_leads_back_to_where_the_person_was_going(
    client, signup_data, going_to, landing
):
    form = client.get(reverse("accounts:signup"), {"next": going_to})
    assert (f'name="next" value="{going_to}"' in form.content.decode()) is (landing is not None)
    client.post(reverse("accounts:signup"), {**signup_data, "next": going_to})
    # The emailed link carries it: opened in another browser, it still leads there.
    response = Client().post(last_verification_path())
    assert response["Location"] == (landing or reverse("accounts:account"))
