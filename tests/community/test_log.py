"""The community's log: who published an announcement, shared or deleted a document, added,
changed or deleted a funding opportunity, and when, kept after a deletion; nothing logged
for what is refused; the back-office shows it, read only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maillage.community import announcements, documents, funding
from maillage.community.models import CommunityLog
from tests.community.samples import PDF, opportunity_fields, upload
from tests.factories import StaffFactory
from tests.moments import paris

pytestmark = pytest.mark.django_db


def logged() -> list[tuple]:
    return [
        (line.action, line.subject_id, line.title, line.actor)
        for line in CommunityLog.objects.order_by("pk")
    ]


def test_each_change_is_logged_with_who_and_when_and_outlives_its_subject(staff_user):
    other = StaffFactory()
    moment = paris(2026, 12, 1, 9, 30)
    announcement = announcements.publish(staff_user, title="Rencontre", body="Texte", now=moment)
    document = documents.add_document(
        staff_user, title="Statuts", category="statutes", upload=upload("s.pdf", PDF), now=moment
    )
    opportunity = funding.save_opportunity(staff_user, None, opportunity_fields(), now=moment)
    funding.save_opportunity(other, opportunity.pk, {"title": "Appel FEDER 2027"}, now=moment)
    documents.delete_document(other, document.pk, now=moment)
    funding.delete_opportunity(other, opportunity.pk, now=moment)
    assert logged() == [
        ("announcement_published", announcement.pk, "Rencontre", staff_user),
        ("document_added", document.pk, "Statuts", staff_user),
        ("opportunity_added", opportunity.pk, opportunity.title, staff_user),
        ("opportunity_changed", opportunity.pk, "Appel FEDER 2027", other),
        ("document_deleted", document.pk, "Statuts", other),
        ("opportunity_deleted", opportunity.pk, "Appel FEDER 2027", other),
    ]
    assert set(CommunityLog.objects.values_list("at", flat=True)) == {moment}


def test_deletions_through_the_pages_are_logged(client, staff_user):
    document = documents.add_document(
        staff_user, title="Étude", category="studies", upload=upload("e.pdf", PDF)
    )
    opportunity = funding.save_opportunity(staff_user, None, opportunity_fields())
    client.force_login(staff_user)
    for name, pk in (
        ("community:staff_delete_document", document.pk),
        ("community:staff_delete_opportunity", opportunity.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 200  # asks first
        assert client.post(reverse(name, args=[pk]), {"confirmer": "oui"}).status_code == 302
    deleted = CommunityLog.objects.filter(action__endswith="_deleted").order_by("pk")
    assert [(line.action, line.subject_id, line.actor) for line in deleted] == [
        ("document_deleted", document.pk, staff_user),
        ("opportunity_deleted", opportunity.pk, staff_user),
    ]


def test_what_is_refused_is_not_logged(staff_user, lea):
    document = documents.add_document(
        staff_user, title="Étude", category="studies", upload=upload("e.pdf", PDF)
    )
    before = logged()
    with pytest.raises(PermissionDenied):
        announcements.publish(lea, title="Pirate", body="Texte")
    with pytest.raises(PermissionDenied):
        documents.delete_document(lea, document.pk)
    with pytest.raises(ValidationError):
        announcements.publish(staff_user, title="", body="Texte")
    with pytest.raises(ValidationError):
        funding.save_opportunity(staff_user, None, opportunity_fields(title=""))
    with pytest.raises(ValidationError):
        documents.add_document(
            staff_user, title="Faux", category="studies", upload=upload("x.pdf", b"MZ")
        )
    assert logged() == before


def test_the_back_office_shows_the_log_read_only(client, staff_user, lea):
    announcements.publish(staff_user, title="Rencontre", body="Texte")
    changelist = reverse("admin:community_communitylog_changelist")
    client.force_login(staff_user)
    page = client.get(changelist)
    assert page.status_code == 200 and "Rencontre" in page.content.decode()
    line = CommunityLog.objects.get()
    assert client.get(reverse("admin:community_communitylog_add")).status_code == 403
    delete = reverse("admin:community_communitylog_delete", args=[line.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:community_communitylog_change", args=[line.pk])
    client.post(change, {"title": "Autre"})
    assert CommunityLog.objects.get().title == "Rencontre"
    client.force_login(lea)
    assert client.get(changelist).status_code in {302, 403}
