"""The scheduled sweeps: the notice a month before a status ends, the retention purge."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

from maillage.core import schedule
from maillage.eligibility import services, tasks
from maillage.eligibility.models import (
    AccessAction,
    EligibilityStatus,
    State,
    StatusAccess,
    stored_proofs,
)
from tests.factories import StaffFactory, VerifiedUserFactory
from tests.fixtures.eligibility import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(categories):
    return VerifiedUserFactory(email="camille@exemple.test")


def test_both_sweeps_are_scheduled_daily():
    periods = {item.name: item.period for item in schedule.periodic_tasks()}
    assert periods[tasks.send_expiry_notices.module_path] == timedelta(days=1)
    assert periods[tasks.purge_expired_statuses.module_path] == timedelta(days=1)


def test_a_status_ending_within_a_month_is_told_once(person, status_factory, child_of):
    today = timezone.localdate()
    ending = status_factory("handicap", person=person, valid_until=today + timedelta(days=30))
    status_factory("rsa", person=person, valid_until=today + timedelta(days=31))  # later
    status_factory("independant", person=person, valid_until=today - timedelta(days=1))  # ended
    renewed = {"person": person, "valid_from": today, "valid_until": today + timedelta(days=9)}
    status_factory("independant", **renewed)
    status_factory("independant", **{**renewed, "valid_until": today + timedelta(days=400)})
    child = status_factory(
        "collegien", child=child_of(person), valid_until=today + timedelta(days=3)
    )
    assert services.queue_expiry_notices() == 2
    assert services.queue_expiry_notices() == 0
    assert set(
        EligibilityStatus.objects.filter(expiry_notice_at__isnull=False).values_list(
            "pk", flat=True
        )
    ) == {ending.pk, child.pk}


def test_no_notice_to_a_person_who_turned_them_off(person, status_factory):
    status_factory("handicap", person=person, valid_until=timezone.localdate() + timedelta(days=5))
    person.notify_status_expiry = False
    person.save(update_fields=["notify_status_expiry"])
    assert services.queue_expiry_notices() == 0
    person.notify_status_expiry = True
    person.save(update_fields=["notify_status_expiry"])
    assert services.queue_expiry_notices() == 1


def test_the_notice_names_the_date_but_never_the_category(person, status_factory, mailed):
    end = timezone.localdate() + timedelta(days=10)
    status_factory("handicap", person=person, valid_until=end)
    mailed(services.queue_expiry_notices)
    [message] = mail.outbox
    assert message.to == ["camille@exemple.test"]
    assert "prend fin le" in message.body and str(end.year) in message.body
    assert "/compte/droits/" in message.body
    for word in ("RQTH", "AAH", "handicap", "RSA"):
        assert word not in message.body and word not in message.subject


@override_settings(MAILLAGE_STATUS_RETENTION_DAYS=365)
def test_the_purge_deletes_statuses_ended_longer_than_the_retention(person, status_factory):
    today, now = timezone.localdate(), timezone.now()
    old = status_factory(
        "rsa",
        person=person,
        valid_from=today - timedelta(days=800),
        valid_until=today - timedelta(days=366),
    )
    kept = status_factory(
        "handicap",
        person=person,
        valid_from=today - timedelta(days=800),
        valid_until=today - timedelta(days=365),
    )
    refused_long_ago = status_factory("independant", person=person, state=State.REFUSED)
    EligibilityStatus.objects.filter(pk=refused_long_ago.pk).update(
        decided_at=now - timedelta(days=366)
    )
    open_request = status_factory("collegien", person=person, state=State.REQUESTED)
    viewer = StaffFactory()
    services.record_accesses(viewer, [old], AccessAction.LIST, now=now - timedelta(days=400))
    services.record_accesses(viewer, [kept], AccessAction.LIST, now=now)
    assert services.purge_expired() == 2
    assert set(EligibilityStatus.objects.values_list("pk", flat=True)) == {
        kept.pk,
        open_request.pk,
    }
    assert list(StatusAccess.objects.values_list("status", flat=True)) == [kept.pk]


def test_proofs_no_status_names_are_swept_after_a_day(person, django_capture_on_commit_callbacks):
    storage = stored_proofs()
    kept = services.ask_status(
        person, category_code="rsa", proof=services.UploadedProof(io.BytesIO(PDF), len(PDF))
    )
    orphan = storage.save("proofs/orphelin.pdf", ContentFile(PDF))
    assert services.sweep_orphan_proofs() == 0  # too recent: maybe a request being written
    assert services.sweep_orphan_proofs(now=timezone.now() + timedelta(days=2)) == 1
    assert not storage.exists(orphan)
    assert storage.exists(kept.proof.name)
    with django_capture_on_commit_callbacks(execute=True):
        person.delete()  # the request goes with the account; its proof with the next sweep
    assert services.sweep_orphan_proofs(now=timezone.now() + timedelta(days=2)) == 1
    assert storage.listdir("proofs")[1] == []


def test_the_tasks_run_the_sweeps(person, status_factory):
    status_factory("rsa", person=person, valid_until=timezone.localdate() + timedelta(days=5))
    assert tasks.send_expiry_notices.call() == 1
    assert tasks.purge_expired_statuses.call() == {"statuses": 0, "proof_files": 0}
