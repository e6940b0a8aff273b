"""Concurrent clients on real connections: one current referent, the daily limit of
messages, each announcement and reminder emailed once to each person, one profile and one
email choice per person."""

from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from maillage.community import announcements, documents, funding, services
from maillage.community.models import (
    AnnouncementDelivery,
    CommunityAction,
    CommunityLog,
    Document,
    FundingOpportunity,
    MemberEmails,
    MemberMessage,
    MemberProfile,
    Referent,
    ReferentMessage,
)
from maillage.core.models import OutboundEmail
from tests.community.samples import PDF, opportunity_fields, upload
from tests.factories import ManagerFactory, StaffFactory
from tests.moments import paris
from tests.racing import run_together

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 8


def race(call, clients: int = CLIENTS) -> list[str]:
    """Run call(n) for `clients` numbers at once (tests.racing); each outcome, sorted."""
    return sorted(
        f"refused: {o.messages[0]}"
        if isinstance(o, ValidationError)
        else f"error: {o!r}"
        if isinstance(o, Exception)
        else "done"
        for o in run_together([partial(call, n) for n in range(clients)])
    )


@pytest.fixture
def members(place):
    return [ManagerFactory(places=[place]) for _ in range(3)]


def test_staff_naming_referents_at_once_leave_one_current(db):
    staff = [StaffFactory() for _ in range(CLIENTS)]
    outcomes = race(
        lambda n: services.set_referent(
            staff[n], name=f"Personne {n}", title="Référente", email=f"r{n}@cd92.test"
        )
    )
    assert set(outcomes) <= {"done", f"refused: {services.REFERENT_CHANGED}"}, outcomes
    assert "done" in outcomes
    assert Referent.objects.filter(is_current=True).count() == 1


def test_a_sender_never_passes_the_daily_limit(staff_user, place):
    services.set_referent(staff_user, name="Claire", title="Référente", email="r@cd92.test")
    sender = ManagerFactory(places=[place])
    limit = services.REFERENT_MESSAGES_PER_DAY
    outcomes = race(
        lambda n: services.write_to_referent(sender, subject=f"n° {n}", body="x"),
        clients=limit + 3,
    )
    assert outcomes.count("done") == limit, outcomes
    assert all(o == "done" or "5 messages" in o for o in outcomes), outcomes
    assert ReferentMessage.objects.count() == limit
    assert OutboundEmail.objects.count() == limit


def test_messages_to_members_too(place, other_place):
    sender = ManagerFactory(places=[place])
    recipient = ManagerFactory(places=[other_place])
    profile = services.save_profile(recipient, display_name="Karim", listed=True)
    limit = services.MEMBER_MESSAGES_PER_DAY
    outcomes = race(
        lambda n: services.write_to_member(sender, profile.pk, body=f"n° {n}"), clients=limit + 2
    )
    assert outcomes.count("done") == limit, outcomes
    assert MemberMessage.objects.count() == limit


def test_an_announcement_delivered_twice_at_once_reaches_each_member_once(staff_user, members):
    announcement = announcements.publish(staff_user, title="Annonce", body="Texte")
    counts = run_together([partial(announcements.deliver, announcement.pk) for _ in range(4)])
    assert sum(counts) == len(members), counts
    assert AnnouncementDelivery.objects.count() == len(members)
    assert sorted(OutboundEmail.objects.values_list("address", flat=True)) == sorted(
        member.email for member in members
    )


def test_reminders_queued_twice_at_once_go_once(staff_user, members):
    funding.save_opportunity(
        staff_user, None, opportunity_fields(deadline=paris(2027, 1, 15, 12, 0), opens_on=None)
    )
    now = paris(2027, 1, 13, 12, 0)
    counts = run_together([partial(funding.queue_reminders, now) for _ in range(4)])
    assert sum(counts) == len(members), counts
    assert OutboundEmail.objects.count() == len(members)


def test_first_saves_of_a_profile_at_once_make_one_profile(place):
    """Two tabs, a double click: no unique-constraint error (a 500), one profile, the last
    save's words."""
    person = ManagerFactory(places=[place])
    outcomes = race(
        lambda n: services.save_profile(person, display_name=f"Léa {n}", listed=n % 2 == 0)
    )
    assert outcomes == ["done"] * CLIENTS, outcomes
    profile = MemberProfile.objects.get(user=person)
    assert profile.display_name in {f"Léa {n}" for n in range(CLIENTS)}


def test_first_email_choices_at_once_make_one_row(place):
    person = ManagerFactory(places=[place])
    outcomes = race(
        lambda n: services.set_member_emails(
            person, announcements=n % 2 == 0, funding_reminders=True
        )
    )
    assert outcomes == ["done"] * CLIENTS, outcomes
    assert MemberEmails.objects.filter(user=person).count() == 1


@pytest.mark.parametrize("kind", ["opportunity", "document"])
def test_a_double_click_on_delete_deletes_once_and_never_fails(staff_user, kind):
    """Two confirmations at once: the second waits on the first's lock and finds the row
    gone: the «supprimé» redirect (or 404 if it arrives after), never an error."""
    if kind == "opportunity":
        found = funding.save_opportunity(staff_user, None, opportunity_fields())
        model, action = FundingOpportunity, CommunityAction.OPPORTUNITY_DELETED
    else:
        found = documents.add_document(
            staff_user, title="Statuts", category="statutes", upload=upload("s.pdf", PDF)
        )
        model, action = Document, CommunityAction.DOCUMENT_DELETED
    delete = reverse(f"community:staff_delete_{kind}", args=[found.pk])
    clients = [Client() for _ in range(4)]
    for client in clients:
        client.force_login(staff_user)
    answers = run_together(
        [partial(client.post, delete, {"confirmer": "oui"}) for client in clients]
    )
    codes = sorted(getattr(answer, "status_code", repr(answer)) for answer in answers)
    assert set(codes) <= {302, 404} and 302 in codes, codes
    assert not model.objects.exists()
    assert CommunityLog.objects.filter(action=action).count() == 1


def test_deletions_at_once_by_the_services_delete_once(staff_user):
    found = funding.save_opportunity(staff_user, None, opportunity_fields())
    outcomes = run_together(
        [partial(funding.delete_opportunity, staff_user, found.pk) for _ in range(4)]
    )
    assert sorted(outcomes) == [False, False, False, True], outcomes
