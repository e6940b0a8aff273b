"""Emails to addresses nobody has proven carry no text chosen by the requester; names refuse
control characters and links."""

import pytest
from django import forms as django_forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from maillage.accounts import forms
from maillage.accounts.emails import going_to_for_unverified
from maillage.accounts.models import User
from maillage.core.validators import PersonName
from tests.accounts.helpers import STRONG_PASSWORD, delivered

pytestmark = pytest.mark.django_db

MARKER = "Gagnez1000"


def _everything_typed(marker: str) -> dict:
    """Sign-up data where every field the requester chooses (except the address and the
    password, which the email needs or never shows) carries the marker."""
    return {
        "email": "cible@exemple.test",
        "first_name": marker,
        "last_name": marker,
        "password1": STRONG_PASSWORD,
        "password2": STRONG_PASSWORD,
        "next": f"/reserver/espace/7/?date=2027-01-12&mot={marker}&{marker.lower()[:8]}=1",
    }


def _sent_text() -> str:
    text = []
    for message in delivered():
        text += [message.subject, message.body]
        text += [content for content, _ in getattr(message, "alternatives", [])]
    return "\n".join(text)


def test_every_sign_up_field_stays_out_of_the_verification_email(client):
    data = _everything_typed(MARKER)
    # Every form field is covered: a new one must be added to the data above.
    assert set(forms.SignupForm.base_fields) <= set(data)
    client.post(reverse("accounts:signup"), data)
    assert len(delivered()) == 1
    sent = _sent_text()
    assert MARKER not in sent and MARKER.lower() not in sent
    assert "/reserver/espace/7/?next=" not in sent  # the page is kept, its words are not
    assert "date%3D2027-01-12" in sent


def test_the_account_exists_email_carries_nothing_typed(client):
    User.objects.create_user("cible@exemple.test", STRONG_PASSWORD)
    client.post(reverse("accounts:signup"), _everything_typed(MARKER))
    assert len(delivered()) == 1 and "déjà un compte" in delivered()[0].subject
    assert MARKER not in _sent_text() and MARKER.lower() not in _sent_text()


def test_resending_the_verification_names_nobody(client):
    User.objects.create_user("nouveau@exemple.test", STRONG_PASSWORD, first_name=MARKER)
    client.post(reverse("accounts:resend_verification"), {"email": "nouveau@exemple.test"})
    assert len(delivered()) == 1
    assert MARKER not in _sent_text()


@pytest.mark.parametrize(
    ("going_to", "kept"),
    [
        ("/reserver/espace/7/?date=2027-01-12", "/reserver/espace/7/?date=2027-01-12"),
        ("/reserver/espace/7/?date=Appelez-le-0612345678", "/reserver/espace/7/"),
        ("/lieux/gagnez-mille-euros/", ""),  # a slug says anything
        ("/pas-une-page/", ""),
        ("//ailleurs.example/", ""),
        ("", ""),
    ],
)
def test_the_page_a_verification_link_leads_to_holds_no_words(going_to, kept):
    assert going_to_for_unverified(going_to) == kept


def test_a_verified_link_still_leads_to_the_space_page(client):
    data = _everything_typed(MARKER)
    client.post(reverse("accounts:signup"), data)
    link = next(line for line in delivered()[0].body.split() if "/inscription/verifier/" in line)
    response = Client().post(link.split("testserver", 1)[-1])
    assert response["Location"] == "/reserver/espace/7/?date=2027-01-12"


@pytest.mark.parametrize(
    "name",
    [
        "Camille\r\nBcc: x@y.fr",
        "Camille\nMartin",
        "Cam\x00ille",
        "Cam\x1bille",
        "Camille\u2028Martin",
        "https://piege.example",
        "voir www.piege",
        "Camille piege.fr",
        "javascript:/alert",
    ],
)
def test_names_refuse_control_characters_and_links(client, name, signup_data):
    with pytest.raises(ValidationError):
        PersonName("Un prénom ou un nom")(name)
    for field in ("first_name", "last_name"):
        response = client.post(reverse("accounts:signup"), {**signup_data, field: name})
        assert response.status_code == 200
        assert not User.objects.exists() and not delivered()
        errors = response.context["form"].errors[field]
        assert any("ne peut pas contenir" in e for e in errors), errors
    with pytest.raises(ValidationError):
        User.objects.create_user("x@exemple.test", STRONG_PASSWORD, last_name=name)


@pytest.mark.parametrize("name", ["Jean-Pierre", "N'Diaye", "Élodie", "J.-P. Martin", "O. Dupont"])
def test_real_names_pass(name):
    PersonName("Un prénom ou un nom")(name)


def test_every_person_name_field_has_the_rule():
    """Any model or account form field holding a first or last name, now or added later."""
    name_fields = {"first_name", "last_name"}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.name in name_fields and hasattr(field, "validators"):
                assert any(isinstance(v, PersonName) for v in field.validators), (model, field.name)
    for form in vars(forms).values():
        if isinstance(form, type) and issubclass(form, django_forms.BaseForm):
            for name, field in form.base_fields.items():
                if name in name_fields:
                    assert any(isinstance(v, PersonName) for v in field.validators), (form, name)
