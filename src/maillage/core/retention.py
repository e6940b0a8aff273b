"""Retention periods: one registry of what is deleted once old, one purge.

Each `Kind` of record names the setting holding its period in days. Models join a kind with
`register(kind, model, *date_fields, where=Q())`: a row goes once one of its `date_fields`
is older than the period (a NULL date never is: what is still waiting stays) and it matches
`where`. Core registers its own rows and the libraries' (task results, login access logs,
sent emails) in CoreConfig.ready; each app registers its action logs («who did what») in
its own AppConfig.ready, as apps register their periodic tasks, so that core imports no app.

A daily task per kind (`purge_*`, scheduled by CoreConfig.ready) deletes in batches of
BATCH rows, each batch in one transaction, and logs how many rows of each model went:
counts only, never what the rows held.

Some logs are kept on purpose, whatever their age: KEPT names them and why. A test fails
when a model named «…Log» is neither registered nor in KEPT, so a new log cannot be
forgotten.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

BATCH = 1000


@dataclass(frozen=True)
class Kind:
    """A kind of record deleted after the number of days in setting `setting`."""

    name: str
    setting: str

    @property
    def days(self) -> int:
        return int(getattr(settings, self.setting))


TASK_RESULTS = Kind("task_results", "MAILLAGE_TASK_RESULT_RETENTION_DAYS")
ACCESS_LOGS = Kind("access_logs", "MAILLAGE_ACCESS_LOG_RETENTION_DAYS")
SENT_EMAILS = Kind("sent_emails", "MAILLAGE_EMAIL_RETENTION_DAYS")
ACTION_LOGS = Kind("action_logs", "MAILLAGE_ACTION_LOG_RETENTION_DAYS")
KINDS = (TASK_RESULTS, ACCESS_LOGS, SENT_EMAILS, ACTION_LOGS)

# Logs kept whatever their age (model label: why). The «…Log» models must each be here or
# registered (tests/core/test_retention.py).
KEPT = {
    "booking.BookingEvent": "the booking history: append-only (database triggers), the "
    "evidence of what a booking cost and who changed it",
    "programmes.LedgerEntry": "the programmes' ledger: append-only (database triggers), the "
    "evidence of every amount taken from or given back to a budget",
    "reimbursements.StatementLine": "the lines of issued statements: frozen (database "
    "triggers), what the places are paid",
    "reimbursements.Dispute": "the contested statement lines: evidence for money",
    "eligibility.StatusAccess": "purged with the statuses it concerns "
    "(MAILLAGE_STATUS_RETENTION_DAYS, eligibility.services.purge_expired)",
    "api.WebhookAttempt": "purged with its delivery (api.webhook_delivery)",
}


@dataclass(frozen=True)
class Purgeable:
    """Rows of `model` deleted once one of `date_fields` is older than their kind's period
    and they match `where`."""

    model: type[models.Model]
    date_fields: tuple[str, ...]
    where: Q = field(default_factory=Q)

    @property
    def label(self) -> str:
        return self.model._meta.label

    def older_than(self, cutoff: datetime) -> Q:
        dated = reduce(or_, (Q(**{f"{name}__lt": cutoff}) for name in self.date_fields))
        return self.where & dated


_registry: dict[Kind, dict[str, Purgeable]] = {kind: {} for kind in KINDS}


def register(
    kind: Kind, model: type[models.Model], *date_fields: str, where: Q | None = None
) -> None:
    """Delete rows of `model` once one of `date_fields` is older than `kind`'s period (and
    they match `where`). Raises ValueError without a date field or for a field that is not
    a date and time."""
    if not date_fields:
        raise ValueError(f"{model._meta.label}: at least one date field")
    for name in date_fields:
        if not isinstance(model._meta.get_field(name), models.DateTimeField):
            raise ValueError(f"{model._meta.label}.{name} is not a date and time")
    item = Purgeable(model, date_fields, where if where is not None else Q())
    _registry[kind][item.label] = item


def registered(kind: Kind) -> list[Purgeable]:
    """The models of `kind`, by label."""
    return sorted(_registry[kind].values(), key=lambda item: item.label)


def kind_of(model: type[models.Model]) -> Kind | None:
    """The kind `model` is registered under, or None."""
    label = model._meta.label
    return next((kind for kind in KINDS if label in _registry[kind]), None)


def _delete(item: Purgeable, cutoff: datetime) -> int:
    """Delete the rows of `item` older than `cutoff`, BATCH at a time; how many."""
    manager = item.model._default_manager
    old = item.older_than(cutoff)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(manager.filter(old).order_by("pk").values_list("pk", flat=True)[:BATCH])
            if batch:
                # Filtered again: a row changed since it was read is judged as it is now.
                _, per_model = manager.filter(pk__in=batch).filter(old).delete()
                deleted += per_model.get(item.label, 0)
        if len(batch) < BATCH:
            return deleted


def purge(kind: Kind, now: datetime | None = None) -> dict[str, int]:
    """Delete what `kind` keeps no longer (older than its setting's days before `now`); how
    many rows of each model, by label."""
    cutoff = (now or timezone.now()) - timedelta(days=kind.days)
    counts = {}
    for item in registered(kind):
        counts[item.label] = _delete(item, cutoff)
        logger.info("retention %s: %d %s deleted", kind.name, counts[item.label], item.label)
    return counts


@task()
def purge_task_results() -> dict[str, int]:
    """Task results finished longer than MAILLAGE_TASK_RESULT_RETENTION_DAYS ago."""
    return purge(TASK_RESULTS)


@task()
def purge_access_logs() -> dict[str, int]:
    """Login attempts and logins older than MAILLAGE_ACCESS_LOG_RETENTION_DAYS."""
    return purge(ACCESS_LOGS)


@task()
def purge_sent_emails() -> dict[str, int]:
    """Emails sent or abandoned longer than MAILLAGE_EMAIL_RETENTION_DAYS ago."""
    return purge(SENT_EMAILS)


@task()
def purge_action_logs() -> dict[str, int]:
    """Action logs older than MAILLAGE_ACTION_LOG_RETENTION_DAYS."""
    return purge(ACTION_LOGS)
