import pytest
from django.urls import reverse

from maillage.accounts.decorators import verified_email_required
from maillage.accounts.models import User
from tests.accounts.helpers import STRONG_PASSWORD, delivered, page_text

pytestmark = pytest.mark.django_db


def test_my_account_needs_a_login_on_the_public_page(client):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/compte/"


def test_my_account_shows_name_email_and_status(client):
    user = User.objects.create_user(
        "ines@exemple.test", "x", first_name="Inès", last_name="Moreau", email_verified=True
    )
    client.force_login(user)
    html = page_text(client.get(reverse("accounts:account")))
    assert "<h1>Mon compte</h1>" in html
    assert "Inès Moreau" in html and "ines@exemple.test" in html
    assert "Vérifiée" in html and "Vous pouvez réserver." in html
    assert reverse("accounts:password_change") in html
    assert 'aria-current="page"' in html


def test_changing_the_password(client, resident):
    client.force_login(resident)
    url = reverse("accounts:password_change")
    refused = client.post(
        url,
        {"old_password": "faux", "new_password1": "court", "new_password2": "autre"},
    )
    html = page_text(refused)
    assert "Le mot de passe actuel est incorrect." in html
    assert "Les deux mots de passe ne sont pas identiques." in html
    resident.refresh_from_db()
    assert resident.check_password("motdepasse-habitant-1")
    response = client.post(
        url,
        {
            "old_password": "motdepasse-habitant-1",
            "new_password1": STRONG_PASSWORD,
            "new_password2": STRONG_PASSWORD,
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    resident.refresh_from_db()
    assert resident.check_password(STRONG_PASSWORD)
    assert client.session["_auth_user_id"] == str(resident.pk)  # still logged in


def test_changing_the_password_needs_a_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_password_reset_by_email(client, unverified_user):
    response = client.post(reverse("accounts:password_reset"), {"email": "NOUVEAU@exemple.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(delivered()) == 1
    message = delivered()[0]
    assert message.subject == "Maillage : choisir un nouveau mot de passe"
    assert message.alternatives[0][1] == "text/html"
    link = next(line for line in message.body.splitlines() if "/mot-de-passe/nouveau/" in line)
    path = link.removeprefix("http://testserver")
    form_page = client.get(path, follow=True)
    assert "Choisir un nouveau mot de passe" in page_text(form_page)
    form_url = form_page.redirect_chain[-1][0]
    weak = client.post(form_url, {"new_password1": "court", "new_password2": "court"})
    assert "trop court" in page_text(weak)
    done = client.post(
        form_url, {"new_password1": STRONG_PASSWORD + "!", "new_password2": STRONG_PASSWORD + "!"}
    )
    assert done["Location"] == reverse("accounts:password_reset_complete")
    user = User.objects.get()
    assert user.check_password(STRONG_PASSWORD + "!")
    assert user.email_verified_at is not None  # the link proved the address
    # The link works once.
    assert "Ce lien ne peut pas être utilisé" in page_text(client.get(path, follow=True))


def test_password_reset_says_nothing_about_unknown_addresses(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@exemple.test"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert delivered() == []


def test_password_reset_takes_the_address_as_stored_on_both_databases(client, unverified_user):
    """«nouveau@exemple.teſt» reached «nouveau@exemple.test» on PostgreSQL only."""
    client.post(reverse("accounts:password_reset"), {"email": "nouveau@exemple.te\u017ft"})
    assert delivered() == []


def test_verified_email_required(rf, resident):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.http import HttpResponse

    @verified_email_required
    def book(request):
        return HttpResponse("réservé")

    def call(user):
        request = rf.get("/reserver/")
        request.user = user
        request.session = {}
        request._messages = FallbackStorage(request)
        return book(request)

    assert call(AnonymousUser())["Location"] == reverse("accounts:login") + "?next=/reserver/"
    assert call(resident)["Location"] == reverse("accounts:account")
    resident.email_verified_at = resident.date_joined
    assert call(resident).content.decode() == "réservé"
