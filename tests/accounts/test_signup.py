import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import User
from tests.accounts.helpers import STRONG_PASSWORD, delivered, page_text, verification_path

pytestmark = pytest.mark.django_db


def test_the_sign_up_page_is_french_and_accessible(client):
    html = page_text(client.get(reverse("accounts:signup")))
    assert "<h1>Créer un compte</h1>" in html
    assert 'autocomplete="email"' in html
    assert html.count('autocomplete="new-password"') == 2
    assert '<label for="id_email">' in html


def test_sign_up_creates_an_account_that_cannot_book_yet(client, signup_data):
    response = client.post(reverse("accounts:signup"), signup_data)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get()
    assert user.email == "camille.martin@exemple.test"  # one spelling of the address
    assert (user.first_name, user.last_name) == ("Camille", "Martin")
    assert user.check_password(STRONG_PASSWORD)
    assert user.is_active and user.email_verified_at is None and not user.can_book
    assert "_auth_user_id" not in client.session
    assert "camille.martin@exemple.test" in page_text(client.get(response["Location"]))


def test_sign_up_sends_a_french_verification_email(client, signup_data):
    client.post(reverse("accounts:signup"), signup_data)
    assert len(delivered()) == 1
    message = delivered()[0]
    assert message.to == ["camille.martin@exemple.test"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "confirmez votre adresse" in message.subject
    assert message.body.startswith("Bonjour,\n") and "3 jours" in message.body
    assert "Camille" not in message.body  # the address is not proven: no typed text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    path = verification_path(message)
    assert f'href="{settings.MAILLAGE_SITE_URL}{path}"' in html


def test_the_name_is_optional(client, signup_data):
    signup_data.update(first_name="", last_name="")
    assert client.post(reverse("accounts:signup"), signup_data).status_code == 302
    assert User.objects.get().get_full_name() == ""


def _refused(client, data) -> str:
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert not User.objects.exists()
    assert delivered() == []
    html = page_text(response)
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    return html


@pytest.mark.parametrize("spelling", ["Agent@CD92.test", "  agent@cd92.test  "])
def test_an_address_already_used_is_never_revealed(client, signup_data, spelling):
    User.objects.create_user("agent@cd92.test", "motdepasse-agent-1")
    signup_data["email"] = spelling
    response = client.post(reverse("accounts:signup"), signup_data)
    assert response["Location"] == reverse("accounts:signup_done")  # as for a new address
    assert User.objects.count() == 1
    assert [m.to for m in delivered()] == [["agent@cd92.test"]]
    assert delivered()[0].subject == "Vous avez déjà un compte Maillage"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("court-1", "trop court"),
        ("12345678901234", "entièrement numérique"),
        ("motdepasse", "trop courant"),
        ("azertyuiop", "trop courant"),
        ("camille.martin@exemple", "trop semblable au champ"),
    ],
)
def test_a_weak_password_is_refused_with_the_rule(client, signup_data, password, rule):
    signup_data.update(password1=password, password2=password)
    html = _refused(client, signup_data)
    assert "Mot de passe</a> :" in html
    assert rule in html


def test_mismatched_passwords_are_refused(client, signup_data):
    signup_data["password2"] = STRONG_PASSWORD + "x"
    html = _refused(client, signup_data)
    assert "Confirmation du mot de passe</a> : Les deux mots de passe ne sont pas" in html


@pytest.mark.parametrize("email", ["camille", "camille@", "@exemple.test", "a b@exemple.test"])
def test_an_invalid_address_is_refused(client, signup_data, email):
    signup_data["email"] = email
    html = _refused(client, signup_data)
    assert "Saisissez une adresse électronique valide" in html


def test_empty_fields_are_named(client):
    html = _refused(client, {})
    assert "Saisissez votre adresse électronique." in html
    assert "Saisissez le champ « Mot de passe »." in html
    assert "Prénom</a>" not in html  # optional


@pytest.mark.parametrize("model_check", [True, False])
def test_an_existing_address_is_caught_by_the_model_or_the_database(
    client, signup_data, monkeypatch, model_check
):
    # The model's check, or else the database's case-insensitive unique constraint, decides.
    if not model_check:
        monkeypatch.setattr(User, "validate_unique", lambda self, exclude=None: None)
        monkeypatch.setattr(User, "validate_constraints", lambda self, exclude=None: None)
    User.objects.create_user("camille.martin@exemple.test", "motdepasse-autre-1")
    response = client.post(reverse("accounts:signup"), signup_data)
    assert response["Location"] == reverse("accounts:signup_done")
    assert User.objects.count() == 1
    assert delivered()[0].subject == "Vous avez déjà un compte Maillage"


def test_sign_up_needs_the_csrf_token(signup_data):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("accounts:signup"), signup_data).status_code == 403
    assert not User.objects.exists()


def test_a_logged_in_user_is_sent_to_their_account(client, resident):
    client.force_login(resident)
    response = client.get(reverse("accounts:signup"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:account")


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("first_name", "Le prénom doit faire au plus 150 caractères."),
        ("last_name", "Le nom doit faire au plus 150 caractères."),
    ],
)
def test_a_name_too_long_is_refused_naming_the_field(client, signup_data, field, message):
    signup_data[field] = "x" * 151
    assert message in _refused(client, signup_data)
