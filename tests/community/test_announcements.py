"""Announcements: staff publish them; the task queue emails every member once, whatever
runs the task again; members read them on «Annonces»; a member may switch the emails off."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from maillage.community import announcements, services
from maillage.community.models import Announcement, AnnouncementDelivery
from maillage.core import outbox
from maillage.core.models import OutboundEmail
from tests.factories import ManagerFactory, UserFactory
from tests.pages import text

pytestmark = pytest.mark.django_db

NEW = reverse("community:staff_announcement")
LIST = reverse("community:announcements")


def test_staff_publish_and_the_worker_emails_each_member_once(
    client, staff_user, lea, karim, sofia, run_tasks
):
    client.force_login(staff_user)
    page = text(client.get(NEW))
    assert "à 3 gestionnaires et porteurs de projet" in page
    answer = client.post(NEW, {"title": "Rencontre du réseau", "body": "Le 12 janvier.\nVenez !"})
    announcement = Announcement.objects.get()
    assert answer["Location"] == reverse("community:announcement", args=[announcement.pk])
    assert announcement.published_by == staff_user
    # Nothing is emailed in the request: the task is queued, in the same transaction.
    assert not OutboundEmail.objects.exists()
    task = DBTaskResult.objects.get()
    assert task.task_path == "maillage.community.announcements.deliver_announcement"
    [result] = run_tasks()
    assert result.status == "SUCCESSFUL" and result.return_value == 3
    outbox.deliver_due()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "karim@lieu.test",
        "lea@lieu.test",
        "sofia@projet.test",
    ]
    email = mail.outbox[0]
    assert email.subject == "Maillage : annonce du Département — Rencontre du réseau"
    assert "Le 12 janvier." in email.body
    assert reverse("community:announcement", args=[announcement.pk]) in email.body
    assert reverse("community:my_emails") in email.body


def test_a_task_run_again_emails_nobody_twice(staff_user, lea, karim):
    announcement = announcements.publish(staff_user, title="Annonce", body="Texte")
    assert announcements.deliver(announcement.pk) == 2
    assert announcements.deliver(announcement.pk) == 0
    newcomer = ManagerFactory(places=[lea.managed_places.get()])
    # A member who joined since gets it when the task runs again; the others do not.
    assert announcements.deliver(announcement.pk) == 1
    assert AnnouncementDelivery.objects.filter(user=newcomer).exists()
    assert OutboundEmail.objects.count() == 3


def test_who_receives_an_announcement(staff_user, lea, karim, sofia, place, resident):
    services.set_member_emails(karim, announcements=False, funding_reminders=True)
    place.managers.add(UserFactory(email="pas-verifiee@lieu.test"))  # address not verified
    announcement = announcements.publish(staff_user, title="Annonce", body="Texte")
    announcements.deliver(announcement.pk)
    assert sorted(OutboundEmail.objects.values_list("address", flat=True)) == [
        "lea@lieu.test",
        "sofia@projet.test",
    ]


def test_one_recipient_failing_stops_none_of_the_others(staff_user, lea, karim, monkeypatch):
    announcement = announcements.publish(staff_user, title="Annonce", body="Texte")
    queue = outbox.queue

    def failing(topic, address, **kwargs):
        if address == lea.email:
            raise RuntimeError("panne")
        return queue(topic, address, **kwargs)

    monkeypatch.setattr(outbox, "queue", failing)
    assert announcements.deliver(announcement.pk) == 1
    assert list(OutboundEmail.objects.values_list("address", flat=True)) == [karim.email]
    assert not AnnouncementDelivery.objects.filter(user=lea).exists()  # written nothing
    monkeypatch.setattr(outbox, "queue", queue)
    assert announcements.deliver(announcement.pk) == 1  # run again: Léa gets hers, once
    assert OutboundEmail.objects.count() == 2


def test_an_unknown_announcement_delivers_nothing():
    assert announcements.deliver(123456) == 0


def test_only_staff_publish(client, lea, resident):
    assert client.get(NEW)["Location"].startswith(reverse("accounts:login"))
    for person in (lea, resident):
        client.force_login(person)
        assert client.post(NEW, {"title": "Annonce", "body": "Texte"}).status_code == 403
        with pytest.raises(PermissionDenied):
            announcements.publish(person, title="Annonce", body="Texte")
    assert not Announcement.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "body": "Texte"}, "title", "Ce champ est obligatoire."),
        ({"title": "   ", "body": "Texte"}, "title", "Ce champ est obligatoire."),
        ({"title": "Annonce", "body": ""}, "body", "Ce champ est obligatoire."),
        ({"title": "A\r\nBcc: x@y.z", "body": "x"}, "title", "Le titre ne peut pas contenir"),
        ({"title": "x" * 151, "body": "x"}, "title", "au plus 150 caractères"),
        ({"title": "Annonce", "body": "x" * 10_001}, "body", "au plus 10000 caractères"),
    ],
)
def test_a_bad_announcement_is_refused_naming_the_field(client, staff_user, data, field, message):
    client.force_login(staff_user)
    answer = client.post(NEW, data)
    assert answer.status_code == 400
    errors = answer.context["form"].errors[field]
    assert any(message in error.replace("\u202f", "") for error in errors), errors
    assert not Announcement.objects.exists() and not DBTaskResult.objects.exists()


def test_the_announcements_go_by_pages_the_latest_first(client, staff_user, lea):
    for n in range(12):
        announcements.publish(staff_user, title=f"Annonce {n}", body="Texte")
    client.force_login(lea)
    first = client.get(LIST)
    assert [item.title for item in first.context["page"]][:2] == ["Annonce 11", "Annonce 10"]
    assert '<a href="?page=2" rel="next">Annonces plus anciennes</a>' in text(first)
    second = client.get(LIST, {"page": "2"})
    assert [item.title for item in second.context["page"]] == ["Annonce 1", "Annonce 0"]
    assert '<a href="?page=1" rel="prev">Annonces plus récentes</a>' in text(second)


def test_members_read_the_announcements(client, staff_user, lea, resident):
    announcements.publish(staff_user, title="Première", body="Un")
    second = announcements.publish(staff_user, title="Seconde", body="Deux\nlignes")
    client.force_login(lea)
    page = text(client.get(LIST))
    assert page.index("Seconde") < page.index("Première")
    assert "Publier une annonce" not in page
    assert "Deux<br>lignes" in text(client.get(reverse("community:announcement", args=[second.pk])))
    assert "Seconde" in text(client.get(reverse("community:home")))  # the latest, on the home
    client.force_login(resident)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("community:announcement", args=[second.pk])).status_code == 403
    client.force_login(staff_user)
    assert "Publier une annonce" in text(client.get(LIST))


def test_a_member_switches_the_emails_off(client, lea, staff_user):
    page = reverse("community:my_emails")
    client.force_login(lea)
    assert 'id="id_announcements" checked' in text(client.get(page))
    answer = client.post(page, {"funding_reminders": "on"}, follow=True)
    assert "Vos choix de courriels de la communauté sont enregistrés." in text(answer)
    choice = services.emails_of(lea)
    assert (choice.announcements, choice.funding_reminders) == (False, True)
    client.force_login(staff_user)
    assert client.get(page).status_code == 403  # staff receive none
