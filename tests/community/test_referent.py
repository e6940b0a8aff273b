"""The Département's referent: named by staff (one current, the database says so), shown on
the community's page and on every page of the managers' space, written to through the
platform (recorded, emailed, limited per day)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.roles import STAFF_ONLY
from maillage.community import services
from maillage.community.models import Referent, ReferentMessage
from maillage.core import outbox
from maillage.core.models import OutboundEmail
from tests.factories import UserFactory, VerifiedUserFactory
from tests.pages import text

pytestmark = pytest.mark.django_db

STAFF_PAGE = reverse("community:staff_referent")
WRITE = reverse("community:write_to_referent")
LINE = "Votre référent·e au Département :"
FORM = {
    "name": "Marc Dubois",
    "title": "Chef de projet tiers-lieux",
    "email": "marc.dubois@cd92.test",
    "phone": "01 41 37 12 00",
    "presentation": "",
}


def test_staff_name_the_referent_on_their_page(client, staff_user):
    client.force_login(staff_user)
    answer = client.post(STAFF_PAGE, FORM, follow=True)
    assert "Marc Dubois est la personne référente du Département." in text(answer)
    referent = Referent.objects.get()
    assert (referent.name, referent.is_current, referent.updated_by) == (
        "Marc Dubois",
        True,
        staff_user,
    )


def test_the_same_address_updates_another_names_a_new_referent(staff_user, referent):
    same = services.set_referent(
        staff_user, name="Claire Fontaine", title="Cheffe de service", email="REFERENTE@cd92.test"
    )
    assert same.pk == referent.pk and same.title == "Cheffe de service"
    other = services.set_referent(staff_user, **FORM)
    referent.refresh_from_db()
    assert not referent.is_current and other.is_current
    assert Referent.objects.current() == other
    assert Referent.objects.count() == 2  # the former one is kept


def test_the_database_holds_one_current_referent(referent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Referent.objects.create(name="Deux", title="Doublon", email="deux@cd92.test")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Ce champ est obligatoire."),
        ("email", "pas-une-adresse", "Saisissez une adresse de courriel valide."),
        ("phone", "12", "Numéro de téléphone invalide"),
        ("name", "Marc\r\nBcc: x@example.org", "Le nom ne peut pas contenir"),
        ("presentation", "x" * 601, "au plus 600 caractères"),
    ],
)
def test_bad_input_is_refused_naming_the_field(client, staff_user, referent, field, value, message):
    client.force_login(staff_user)
    answer = client.post(STAFF_PAGE, {**FORM, field: value})
    assert answer.status_code == 400
    page = text(answer)
    assert "rien n'a été enregistré" in page
    assert any(message in error for error in answer.context["form"].errors[field])
    assert list(Referent.objects.values_list("name", "is_current")) == [("Claire Fontaine", True)]


def test_only_staff_name_the_referent(client, lea, resident, staff_user):
    assert client.get(STAFF_PAGE)["Location"].startswith(reverse("accounts:login"))
    for person in (lea, resident):
        client.force_login(person)
        refused = client.get(STAFF_PAGE)
        # The platform's one wording for the Département's pages and actions.
        assert refused.status_code == 403 and STAFF_ONLY in text(refused)
        assert client.post(STAFF_PAGE, FORM).status_code == 403
        with pytest.raises(PermissionDenied, match=STAFF_ONLY):
            services.set_referent(person, **FORM)
    assert not Referent.objects.exists()


def test_the_community_page_names_the_referent(client, referent):
    page = text(client.get(reverse("community:home")))
    assert "<h1>Communauté des tiers-lieux</h1>" in page
    assert "porteurs de projet des Hauts-de-Seine" in page  # the département's article
    assert "Claire Fontaine" in page and "Chargée de mission tiers-lieux" in page
    assert 'href="mailto:referente@cd92.test"' in page and 'href="tel:0141371100"' in page
    assert f'href="{WRITE}"' in page
    # The members' space is for members: a visitor is told how to join.
    assert "Rejoindre la communauté" in page
    assert reverse("community:directory") not in page


def test_without_a_referent_the_page_says_so(client, lea):
    assert "désignera bientôt" in text(client.get(reverse("community:home")))
    client.force_login(lea)
    assert LINE not in text(client.get(reverse("manager:home")))


@pytest.mark.parametrize(
    "path",
    [
        reverse("manager:home"),
        reverse("manager:bookings"),
        reverse("manager:places"),
        reverse("manager:place", args=["lieu-92012"]),
        reverse("manager:notifications"),
        reverse("programmes:manager"),  # a page of another app under /gestion/
    ],
)
def test_every_manager_page_names_the_referent(client, lea, referent, path):
    client.force_login(lea)
    answer = client.get(path)
    assert answer.status_code == 200
    page = text(answer)
    assert LINE in page and "Claire Fontaine, Chargée de mission tiers-lieux" in page
    assert f'href="{WRITE}"' in page and 'href="mailto:referente@cd92.test"' in page


def test_pages_outside_the_managers_space_do_not(client, lea, referent):
    client.force_login(lea)
    assert LINE not in text(client.get(reverse("web:home")))
    assert LINE not in text(client.get(reverse("booking:my_bookings")))


def test_writing_to_the_referent_records_and_emails(client, lea, referent, mailed):
    client.force_login(lea)
    assert "Claire Fontaine (Chargée de mission tiers-lieux)" in text(client.get(WRITE))
    answer = mailed(
        lambda: client.post(
            WRITE, {"subject": "Salle pour un atelier", "body": "Bonjour,\nAvez-vous…"}
        )
    )
    assert answer.status_code == 302
    message = ReferentMessage.objects.get()
    assert (message.sender, message.referent, message.subject) == (
        lea,
        referent,
        "Salle pour un atelier",
    )
    [email] = mail.outbox
    assert email.to == ["referente@cd92.test"] and email.reply_to == ["lea@lieu.test"]
    assert "Salle pour un atelier" in email.subject and "message de Léa" in email.subject
    assert "Avez-vous…" in email.body and "Lieu de Boulogne-Billancourt" in email.body


def test_staff_read_the_messages_received(client, staff_user, lea, referent):
    services.write_to_referent(lea, subject="Question FEDER", body="Comment candidater ?")
    client.force_login(staff_user)
    assert "Question FEDER" in text(client.get(STAFF_PAGE))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"subject": "", "body": "Bonjour"}, "subject", "Ce champ est obligatoire."),
        ({"subject": "Objet", "body": "   "}, "body", "Ce champ est obligatoire."),
        ({"subject": "A\r\nBcc: x@y.z", "body": "x"}, "subject", "L'objet ne peut pas"),
        ({"subject": "Objet", "body": "x" * 5001}, "body", "au plus 5000 caractères"),
    ],
)
def test_a_bad_message_is_refused_naming_the_field(client, lea, referent, data, field, message):
    client.force_login(lea)
    answer = client.post(WRITE, data)
    assert answer.status_code == 400
    errors = answer.context["form"].errors[field]
    assert any(message in error.replace("\u202f", "") for error in errors), errors
    assert not ReferentMessage.objects.exists() and not OutboundEmail.objects.exists()


def test_messages_are_limited_per_day(lea, referent):
    now = timezone.now()
    for n in range(services.REFERENT_MESSAGES_PER_DAY):
        services.write_to_referent(lea, subject=f"n° {n}", body="x", now=now)
    with pytest.raises(ValidationError) as refused:
        services.write_to_referent(lea, subject="de trop", body="x", now=now)
    assert "Vous avez déjà envoyé 5 messages ces dernières 24 heures" in refused.value.messages[0]
    assert ReferentMessage.objects.count() == services.REFERENT_MESSAGES_PER_DAY
    # A day later, they may write again.
    services.write_to_referent(lea, subject="le lendemain", body="x", now=now + timedelta(days=1))


def test_the_page_shows_the_limit(client, lea, referent):
    for n in range(services.REFERENT_MESSAGES_PER_DAY):
        services.write_to_referent(lea, subject=f"n° {n}", body="x")
    client.force_login(lea)
    answer = client.post(WRITE, {"subject": "de trop", "body": "x"})
    assert answer.status_code == 400 and "réessayez demain" in text(answer)


def test_who_may_write(client, referent):
    assert client.get(WRITE)["Location"].startswith(reverse("accounts:login"))
    unverified = UserFactory()
    client.force_login(unverified)
    answer = client.post(WRITE, {"subject": "Objet", "body": "x"})
    assert answer.status_code == 400 and "Vérifiez d'abord votre adresse" in text(answer)
    # Any signed-in person with a verified address may write (a resident asking how to
    # open a place).
    client.force_login(VerifiedUserFactory())
    assert client.post(WRITE, {"subject": "Objet", "body": "x"}).status_code == 302
    assert ReferentMessage.objects.count() == 1


def test_without_a_referent_nobody_is_written_to(client, lea):
    client.force_login(lea)
    answer = client.post(WRITE, {"subject": "Objet", "body": "x"})
    assert answer.status_code == 400 and "pas encore désigné" in text(answer)
    assert not ReferentMessage.objects.exists()


def test_a_message_delivered_after_a_new_referent_goes_to_whom_it_was_written(
    staff_user, lea, referent, mailed
):
    services.write_to_referent(lea, subject="Objet", body="x")
    services.set_referent(staff_user, **FORM)
    outbox.deliver_due()
    assert [m.to for m in mail.outbox] == [["referente@cd92.test"]]
