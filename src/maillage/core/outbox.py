"""The email outbox: emails are queued in the caller's transaction and delivered by the task
worker, so that an email commits or rolls back with the change that caused it.

- `queue(topic, address, ...)` adds an `OutboundEmail` row (optionally under a per-address
  `Throttle`) and, once the transaction commits, enqueues the `deliver_emails` task;
- `register(topic, render)`: the app owning a topic says how its message is built, at
  delivery time, from the row and the database as it is then (apps register in
  `AppConfig.ready`; core imports no app);
- `deliver_due(now)` sends what is due. A failure is retried with back-off (1, 2, 4, 8 min);
  after MAX_ATTEMPTS the message is marked failed with its error, for staff to see (admin,
  «Courriels», filter «en échec»). The scheduler also runs `deliver_emails` every minute,
  which picks up retries and anything whose enqueueing was lost.

Log lines carry ids only (email, user), never an address.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import Error, transaction
from django.utils import timezone
from django_tasks import task

from maillage.core.models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(minutes=1)
BATCH = 100
ERROR_MAX_LENGTH = 1000

Renderer = Callable[[OutboundEmail, datetime], EmailMessage]
_renderers: dict[str, Renderer] = {}


def register(topic: str, render: Renderer) -> None:
    """`render(email, now)` builds the message of rows of `topic` (sent to `email.address`)."""
    _renderers[topic] = render


@dataclass(frozen=True)
class Throttle:
    """At most `limit` emails of `topics` queued to one address per `window`. Over it, an
    email is not queued, silently for the requester (who must not learn whether an address
    has an account) but logged with the topic and the account's id."""

    limit: int
    window: timedelta
    topics: frozenset[str]


def queue(
    topic: str,
    address: str,
    *,
    user: AbstractBaseUser | None = None,
    context: dict[str, Any] | None = None,
    throttle: Throttle | None = None,
    now: datetime | None = None,
) -> OutboundEmail | None:
    """Queue an email of `topic` (a registered renderer) to `address` (about `user`, if
    any; `context`: JSON values for the renderer) in the caller's transaction; its row, or
    None when `throttle` refused it. Delivery is enqueued when the transaction commits."""
    now = now or timezone.now()
    if throttle is not None and _over(throttle, address, now):
        logger.warning(
            "email not queued: too many to this address",
            extra={"topic": topic, "user_id": getattr(user, "pk", None)},
        )
        return None
    email = OutboundEmail.objects.create(
        topic=topic,
        address=address,
        # AUTH_USER_MODEL's class, which core (imported by accounts) does not name.
        user=user,  # type: ignore[misc]
        context=context or {},
        created_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(enqueue_delivery, robust=True)
    return email


def _over(throttle: Throttle, address: str, now: datetime) -> bool:
    recent = OutboundEmail.objects.filter(
        address=address, topic__in=throttle.topics, created_at__gt=now - throttle.window
    )
    return recent.count() >= throttle.limit


def enqueue_delivery() -> None:
    """Ask the worker to deliver what is due (harmless when nothing is)."""
    deliver_emails.enqueue()


def deliver_due(now: datetime | None = None) -> int:
    """Send the emails due at `now`; how many were sent. Several workers may run: rows are
    locked while sent, and a worker skips those another holds (PostgreSQL; SQLite serialises
    writers). A database error is not an email's failure: it propagates (the worker resets
    its connection; the rows stay due)."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                OutboundEmail.objects.filter(
                    sent_at__isnull=True, failed_at__isnull=True, next_attempt_at__lte=now
                )
                .select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "pk")[:BATCH]
            )
            sent += sum(_attempt(email, now) for email in batch)
        if len(batch) < BATCH:
            return sent


def _attempt(email: OutboundEmail, now: datetime) -> bool:
    """Send one email; on failure, count the attempt and set the next (or give up)."""
    try:
        _renderers[email.topic](email, now).send()
    except Error:  # the database's, not the email's (the worker handles it)
        raise
    except Exception as error:  # noqa: BLE001 — any failure is the email's, kept for staff
        email.attempts += 1
        email.last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]
        extra = {"email_id": email.pk, "topic": email.topic, "attempts": email.attempts}
        if email.attempts >= MAX_ATTEMPTS:
            email.failed_at = now
            logger.error("email delivery failed for good (%s)", type(error).__name__, extra=extra)
        else:
            email.next_attempt_at = now + FIRST_RETRY * 2 ** (email.attempts - 1)
            logger.warning(
                "email delivery failed, retried later (%s)", type(error).__name__, extra=extra
            )
        email.save(update_fields=["attempts", "last_error", "failed_at", "next_attempt_at"])
        return False
    email.sent_at = now
    email.save(update_fields=["sent_at"])
    return True


def retry(emails: Iterable[OutboundEmail], now: datetime | None = None) -> int:
    """Make failed emails due again (staff, after fixing the cause); how many."""
    now = now or timezone.now()
    ids = [email.pk for email in emails]
    count = OutboundEmail.objects.filter(pk__in=ids, sent_at__isnull=True).update(
        failed_at=None, attempts=0, next_attempt_at=now, last_error=""
    )
    transaction.on_commit(enqueue_delivery, robust=True)
    return count


@task()
def deliver_emails() -> int:
    """The worker's delivery run (see deliver_due); the number sent."""
    return deliver_due()
