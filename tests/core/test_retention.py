"""Retention periods (core.retention): what is older than its kind's period goes, what is
within it or still waiting stays, a second run deletes nothing, and every «…Log» model is
either purged or kept on purpose."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.db.models import Model
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from maillage.accounts.models import AccountAction, AccountLog
from maillage.api import partners
from maillage.api.models import PartnerAction, PartnerLog
from maillage.community.models import CommunityAction, CommunityLog
from maillage.core import retention
from maillage.core.models import OutboundEmail
from maillage.events.models import EventLog, LogAction
from maillage.manager.models import EmbedAction, EmbedLog
from maillage.offices.models import OfferStatus, OfficeOfferLog
from maillage.places.models import ManagerChange, ManagerChangeAction
from tests.api.consent_flow import partner_details

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def _ages(kind: retention.Kind) -> tuple[datetime, datetime]:
    """A time just within `kind`'s period and one just beyond it, before NOW."""
    cutoff = NOW - timedelta(days=kind.days)
    return cutoff + MINUTE, cutoff - MINUTE


def _left(model: type[Model], pks) -> set:
    return set(model._default_manager.filter(pk__in=pks).values_list("pk", flat=True))


# Task results


def _task_result(status: str, finished_at: datetime | None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        finished_at=finished_at,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="maillage.core.retention.purge_task_results",
        backend_name="default",
        run_after=NOW - timedelta(days=400),
    )


@pytest.mark.parametrize("status", [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED])
def test_a_finished_task_result_goes_after_its_period(settings, status):
    settings.MAILLAGE_TASK_RESULT_RETENTION_DAYS = 30
    within, beyond = _ages(retention.TASK_RESULTS)
    kept, gone = _task_result(status, within), _task_result(status, beyond)
    assert retention.purge(retention.TASK_RESULTS, NOW) == {"django_tasks_database.DBTaskResult": 1}
    assert _left(DBTaskResult, [kept.pk, gone.pk]) == {kept.pk}
    assert retention.purge(retention.TASK_RESULTS, NOW) == {"django_tasks_database.DBTaskResult": 0}


@pytest.mark.parametrize("status", [TaskResultStatus.READY, TaskResultStatus.RUNNING])
def test_a_waiting_or_running_task_is_never_deleted(status):
    # Even one whose earlier run finished long ago (queued again after a worker's restart).
    waiting = [_task_result(status, None), _task_result(status, NOW - timedelta(days=3000))]
    assert retention.purge(retention.TASK_RESULTS, NOW)["django_tasks_database.DBTaskResult"] == 0
    assert _left(DBTaskResult, [row.pk for row in waiting]) == {row.pk for row in waiting}


# Login access logs (django-axes)


def _access(model: type[Model], at: datetime, n: int) -> Model:
    fields = {
        "user_agent": "Navigateur",
        "ip_address": "192.0.2.1",
        "username": f"personne{n}@exemple.test",
        "http_accept": "text/html",
        "path_info": "/connexion/",
    }
    if model is AccessAttempt:
        fields |= {"get_data": "", "post_data": "", "failures_since_start": 1}
    row = model._default_manager.create(**fields)
    model._default_manager.filter(pk=row.pk).update(attempt_time=at)  # auto_now_add on create
    return row


@pytest.mark.parametrize("model", [AccessAttempt, AccessFailureLog, AccessLog])
def test_a_login_or_attempt_goes_after_its_period(settings, model):
    settings.MAILLAGE_ACCESS_LOG_RETENTION_DAYS = 180
    within, beyond = _ages(retention.ACCESS_LOGS)
    kept, gone = _access(model, within, 1), _access(model, beyond, 2)
    assert retention.purge(retention.ACCESS_LOGS, NOW)[model._meta.label] == 1
    assert _left(model, [kept.pk, gone.pk]) == {kept.pk}
    assert set(retention.purge(retention.ACCESS_LOGS, NOW).values()) == {0}


# Emails of the outbox


def _email(n: int, created: datetime, **done: datetime) -> OutboundEmail:
    return OutboundEmail.objects.create(
        topic="test",
        address=f"personne{n}@exemple.test",
        created_at=created,
        next_attempt_at=created,
        **done,
    )


@pytest.mark.parametrize("done", ["sent_at", "failed_at"])
def test_an_email_sent_or_abandoned_goes_after_its_period(settings, done):
    settings.MAILLAGE_EMAIL_RETENTION_DAYS = 90
    within, beyond = _ages(retention.SENT_EMAILS)
    old = NOW - timedelta(days=400)
    kept = _email(1, old, **{done: within})
    gone = _email(2, old, **{done: beyond})
    waiting = _email(3, old)  # queued 400 days ago, never sent: still to send
    assert retention.purge(retention.SENT_EMAILS, NOW) == {"core.OutboundEmail": 1}
    assert _left(OutboundEmail, [kept.pk, gone.pk, waiting.pk]) == {kept.pk, waiting.pk}
    assert retention.purge(retention.SENT_EMAILS, NOW) == {"core.OutboundEmail": 0}


# Action logs


@pytest.fixture
def log_rows(staff_user, place, event, offer):
    """A maker per registered action log: a row of it at the time given."""
    partner, _ = partners.create_partner(staff_user, partner_details())
    return {
        "accounts.AccountLog": lambda at: AccountLog.objects.create(
            user=staff_user, action=AccountAction.PROFILE, at=at
        ),
        "api.PartnerLog": lambda at: PartnerLog.objects.create(
            partner=partner, action=PartnerAction.CREATED, actor=staff_user, at=at
        ),
        "community.CommunityLog": lambda at: CommunityLog.objects.create(
            action=CommunityAction.ANNOUNCEMENT_PUBLISHED,
            subject_id=1,
            title="Annonce",
            actor=staff_user,
            at=at,
        ),
        "events.EventLog": lambda at: EventLog.objects.create(
            event=event, action=LogAction.CAPACITY, detail="3 → 4", at=at
        ),
        "manager.EmbedLog": lambda at: EmbedLog.objects.create(
            embed_id=1, title="Carte", action=EmbedAction.CREATED, actor=staff_user, at=at
        ),
        "offices.OfficeOfferLog": lambda at: OfficeOfferLog.objects.create(
            offer=offer, actor=staff_user, to_status=OfferStatus.PUBLISHED, at=at
        ),
        "places.ManagerChange": lambda at: ManagerChange.objects.create(
            place=place,
            person=staff_user,
            person_email=staff_user.email,
            action=ManagerChangeAction.GRANTED,
            actor=staff_user,
            at=at,
        ),
    }


def test_each_action_log_goes_after_its_period(settings, log_rows):
    settings.MAILLAGE_ACTION_LOG_RETENTION_DAYS = 365
    assert set(log_rows) == {item.label for item in retention.registered(retention.ACTION_LOGS)}
    within, beyond = _ages(retention.ACTION_LOGS)
    rows = {label: (make(within), make(beyond)) for label, make in log_rows.items()}
    assert retention.purge(retention.ACTION_LOGS, NOW) == dict.fromkeys(log_rows, 1)
    for label, (kept, gone) in rows.items():
        assert _left(apps.get_model(label), [kept.pk, gone.pk]) == {kept.pk}, label
    assert retention.purge(retention.ACTION_LOGS, NOW) == dict.fromkeys(log_rows, 0)


def test_the_daily_tasks_purge_up_to_now(settings, staff_user):
    settings.MAILLAGE_ACTION_LOG_RETENTION_DAYS = 30
    AccountLog.objects.all().delete()
    now = timezone.now()  # the real clock, as the tasks'

    kept = AccountLog.objects.create(
        user=staff_user, action=AccountAction.PROFILE, at=now - timedelta(days=29)
    )
    AccountLog.objects.create(
        user=staff_user, action=AccountAction.PROFILE, at=now - timedelta(days=31)
    )
    assert retention.purge_action_logs.call()["accounts.AccountLog"] == 1
    assert list(AccountLog.objects.values_list("pk", flat=True)) == [kept.pk]
    for purge in (
        retention.purge_task_results,
        retention.purge_access_logs,
        retention.purge_sent_emails,
        retention.purge_action_logs,
    ):
        assert set(purge.call().values()) <= {0}


def test_deletions_go_in_batches_and_log_counts_only(monkeypatch, caplog, settings):
    settings.MAILLAGE_EMAIL_RETENTION_DAYS = 90
    monkeypatch.setattr(retention, "BATCH", 2)
    old = NOW - timedelta(days=200)
    for n in range(5):
        _email(n, old, sent_at=old)
    with caplog.at_level(logging.INFO, logger="maillage.core.retention"):
        assert retention.purge(retention.SENT_EMAILS, NOW) == {"core.OutboundEmail": 5}
    assert not OutboundEmail.objects.exists()
    assert [record.getMessage() for record in caplog.records] == [
        "retention sent_emails: 5 core.OutboundEmail deleted"
    ]


def test_a_registration_names_date_and_time_fields():
    with pytest.raises(ValueError, match="at least one date field"):
        retention.register(retention.ACTION_LOGS, AccountLog)
    with pytest.raises(ValueError, match="is not a date and time"):
        retention.register(retention.ACTION_LOGS, AccountLog, "detail")


def test_every_log_is_purged_or_kept_on_purpose():
    """A new model named «…Log» must be registered with core.retention (by its app's
    AppConfig.ready) or named in retention.KEPT with the reason it is kept."""
    labels = {model._meta.label: model for model in apps.get_models()}
    forgotten = [
        label
        for label, model in labels.items()
        if model.__name__.endswith("Log")
        and retention.kind_of(model) is None
        and label not in retention.KEPT
    ]
    assert forgotten == []
    for label in retention.KEPT:
        assert label in labels, label
        assert retention.kind_of(labels[label]) is None, label


def test_what_is_kept_for_money_is_not_purged():
    kept = {
        "booking.BookingEvent",
        "programmes.LedgerEntry",
        "reimbursements.StatementLine",
        "reimbursements.Dispute",
    }
    assert kept <= set(retention.KEPT)
    purged = {item.label for kind in retention.KINDS for item in retention.registered(kind)}
    assert not kept & purged
