"""The demo's community: a referent, directory profiles, an announcement, two documents and
three funding opportunities with deadlines ahead; a second run adds nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from maillage.accounts.models import User
from maillage.community import files
from maillage.community.models import (
    Announcement,
    Document,
    FundingOpportunity,
    MemberProfile,
    Referent,
)
from maillage.demo.services import MANAGER_EMAILS
from tests.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(categories, tags):
    """A demo run (the seeded categories and themes again: a transactional test may have
    flushed them)."""
    call_command("demo")


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Referent, MemberProfile, Announcement, Document, FundingOpportunity)
    }


def test_the_demo_has_a_community(demo, client):
    assert counts() == {
        "Referent": 1,
        "MemberProfile": 3,
        "Announcement": 1,
        "Document": 2,
        "FundingOpportunity": 3,
    }
    assert Referent.objects.current().name == "Claire Fontaine"
    assert all(profile.listed for profile in MemberProfile.objects.all())
    assert MemberProfile.objects.filter(offer_tags__isnull=False).distinct().count() == 3
    for document in Document.objects.all():
        with document.file.open("rb") as stored:
            assert files.check(stored, document.size_bytes, document.file.name) == document.kind
    assert sorted(Document.objects.values_list("kind", flat=True)) == ["csv", "pdf"]
    now = timezone.now()
    assert sorted(FundingOpportunity.objects.values_list("fund", flat=True)) == [
        "departement",
        "feder",
        "fse_plus",
    ]
    assert all(o.deadline > now for o in FundingOpportunity.objects.all())
    client.force_login(User.objects.get(email=MANAGER_EMAILS[0]))
    page = text(client.get(reverse("manager:home")))
    assert "Votre référent·e au Département :</strong> Claire Fontaine" in page
    assert "Tiers-lieux et inclusion numérique" in text(client.get(reverse("community:funding")))


def test_a_second_run_adds_nothing(demo):
    before = counts()
    call_command("demo")
    assert counts() == before
