"""Webhook deliveries: the change feeds' changes turned into signed POSTs to partners'
endpoints (Standard Webhooks, https://www.standardwebhooks.com).

- `dispatch(now, changes_after)` (task `dispatch_webhooks`, every minute): for each cursor of
  an enabled endpoint of an active partner, reads the next changes of its feed
  (api.feeds.changes_after: in (modified, id) order, never skipping), creates one
  WebhookDelivery per change whose event the endpoint subscribes to, and advances the cursor
  in the same transaction. The cursor moves by compare-and-set and a change gives at most
  one delivery per endpoint (a unique constraint): two dispatchers at once never skip nor
  duplicate a change. A new cursor first walks to its feed's end without delivering.
- `deliver_due(now)` (task `deliver_webhooks`, every minute and as soon as deliveries are
  created): POSTs each due delivery, outside any transaction (a slow receiver holds no
  lock), after claiming it for LEASE. 2xx: delivered. 410 Gone: the endpoint is disabled and
  its pending deliveries cancelled. Anything else (another status, a redirect, which is not
  followed, a refused address, a network error, no answer within TIMEOUT_SECONDS): retried
  after RETRY_DELAYS, then failed. Every attempt is logged (WebhookAttempt). An endpoint that
  fails is not tried again in the same run, so a dead receiver costs one timeout a run and
  never holds up the others.
- `purge(now)` (task `purge_webhook_deliveries`, daily): delivered deliveries are deleted
  DELIVERED_KEPT after they arrived, failed and cancelled ones FINISHED_KEPT after.

The message: body `{"type": "place.updated", "timestamp": "<ISO 8601, UTC>", "data": {"id":
"12", "modified": 123, "url": "<the item in the API>" | null}}` (thin: the partner reads the
item from the API or the feed), headers `webhook-id` (the delivery's message id, the same on
every attempt: receivers ignore a repeat), `webhook-timestamp` (seconds since 1970, at the
attempt) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` by the standardwebhooks library;
two, space-separated, while a rotated secret still signs).
"""

import http
import http.client
import json
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import Error, IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from standardwebhooks.webhooks import Webhook

from maillage.api import feeds
from maillage.api.feeds import Change, Position
from maillage.api.models import (
    DeliveryStatus,
    DisabledReason,
    WebhookAttempt,
    WebhookCursor,
    WebhookDelivery,
    WebhookEndpoint,
)
from maillage.core import safe_http
from maillage.core.text import single_line

logger = logging.getLogger(__name__)

# When a failed delivery is tried again, after each failed attempt in turn: Standard
# Webhooks' (Svix's) schedule, stretched to about three days. The first attempt is
# immediate; after the last delay's attempt fails, the delivery is failed.
RETRY_DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
TIMEOUT_SECONDS = 10  # the whole POST: connection, request, answer's status line and excerpt
# A delivery being sent is claimed this long: if its worker dies, another sends it after.
LEASE = timedelta(minutes=2)
ERROR_MAX_LENGTH = 300  # WebhookAttempt.error; longer text is cut, ending with «…»
EXCERPT_BYTES = 200  # the most of a failed answer's body read and kept in its error
PAGE = 200  # changes read per query of a feed
MAX_PAGES = 50  # per cursor and dispatch: 10,000 changes a minute at most, the rest next run
MAX_SENDS = 1000  # deliveries per run of deliver_due; the next run goes on
DELIVERED_KEPT = timedelta(days=30)
FINISHED_KEPT = timedelta(days=90)
USER_AGENT = "Maillage-Webhooks/1"
# The item a feed's events name: «place.updated» for a change of the «places» feed.
ITEM_OF_FEED = {"places": "place", "spaces": "space", "slots": "slot", "events": "event"}
# The item's resource in the API, for the feeds that have one.
ITEM_ROUTES = {"places": "api:place", "spaces": "api:space_week", "events": "api:event"}

ChangeSource = Callable[[str, Position | None, int], Sequence[Change]]


def event_type(feed: str, deleted: bool) -> str:
    """The event a change of `feed` is: «place.updated», «slot.deleted»…"""
    return f"{ITEM_OF_FEED[feed]}.{'deleted' if deleted else 'updated'}"


def enqueue_delivery() -> None:
    """Ask the worker to deliver what is due (harmless when nothing is)."""
    deliver_webhooks.enqueue()


def cancel_pending(endpoint_id: int, now: datetime) -> int:
    """Stop the pending deliveries of an endpoint; how many."""
    return WebhookDelivery.objects.filter(
        endpoint_id=endpoint_id, status=DeliveryStatus.QUEUED
    ).update(status=DeliveryStatus.STOPPED, next_attempt_at=None, finished_at=now)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _item_url(change: Change) -> str | None:
    route = ITEM_ROUTES.get(change.feed)
    if route is None or change.deleted:
        return None
    return settings.MAILLAGE_SITE_URL + reverse(route, args=[change.id])


def payload(change: Change, now: datetime) -> str:
    """The thin JSON body of a change's message (compact, as sent and signed): the item's id
    as text, as the feed's items carry it."""
    data = {"id": str(change.id), "modified": change.modified, "url": _item_url(change)}
    body = {"type": event_type(change.feed, change.deleted), "timestamp": _iso(now), "data": data}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def new_message_id() -> str:
    """A message id (`msg_` and 24 URL-safe characters), unique per delivery."""
    return "msg_" + secrets.token_urlsafe(18)


# --- Dispatch: changes into deliveries --------------------------------------------------


def dispatch(now: datetime | None = None, changes_after: ChangeSource | None = None) -> int:
    """Turn the feeds' new changes into deliveries for every enabled endpoint; how many
    were created. `changes_after` is the change source (api.feeds.changes_after). One
    cursor's failure is logged and the others go on; a database error propagates (the
    worker resets its connection; the cursors stay where they were)."""
    now = now or timezone.now()
    source = changes_after or feeds.changes_after
    cursors = WebhookCursor.objects.filter(
        endpoint__disabled_at__isnull=True, endpoint__partner__revoked_at__isnull=True
    ).select_related("endpoint")
    created = 0
    for cursor in cursors.order_by("pk"):
        try:
            created += _follow(cursor, now, source)
        except IntegrityError:  # deliveries already there: this cursor's page is left as is
            logger.exception("webhook dispatch refused", extra={"cursor_id": cursor.pk})
        except Error:
            raise
        except Exception:  # any other failure is this cursor's alone
            logger.exception("webhook dispatch failed", extra={"cursor_id": cursor.pk})
    if created:
        transaction.on_commit(enqueue_delivery, robust=True)
    return created


def _follow(cursor: WebhookCursor, now: datetime, source: ChangeSource) -> int:
    """Read `cursor`'s feed page by page (at most MAX_PAGES); the deliveries created."""
    created = 0
    for _ in range(MAX_PAGES):
        after = None
        if cursor.after_modified is not None and cursor.after_id is not None:
            after = Position(cursor.after_modified, cursor.after_id)
        changes = list(source(cursor.feed, after, PAGE))
        at_end = len(changes) < PAGE
        with transaction.atomic():
            if not _advance(cursor, changes[-1].position if changes else None, at_end):
                return created  # another dispatcher moved it: it delivers these
            if cursor.caught_up:
                created += _deliveries(cursor.endpoint, changes, now)
        if changes:
            cursor.after_modified, cursor.after_id = changes[-1].modified, changes[-1].id
        cursor.caught_up = cursor.caught_up or at_end
        if at_end:
            return created
    return created


def _advance(cursor: WebhookCursor, position: Position | None, at_end: bool) -> bool:
    """Move the cursor to `position` (where it is when None) and mark it caught up at its
    feed's end, if it is still where this dispatcher read it (compare-and-set)."""
    changes: dict[str, object] = {"caught_up": cursor.caught_up or at_end}
    if position is not None:
        changes |= {"after_modified": position.modified, "after_id": position.id}
    moved = WebhookCursor.objects.filter(
        pk=cursor.pk,
        after_modified=cursor.after_modified,
        after_id=cursor.after_id,
        caught_up=cursor.caught_up,
    ).update(**changes)
    return moved == 1


def _deliveries(endpoint: WebhookEndpoint, changes: list[Change], now: datetime) -> int:
    wanted = endpoint.event_set
    rows = [
        WebhookDelivery(
            endpoint=endpoint,
            message_id=new_message_id(),
            event_type=event_type(change.feed, change.deleted),
            item_id=str(change.id),
            modified=change.modified,
            payload=payload(change, now),
            created_at=now,
            next_attempt_at=now,
        )
        for change in changes
        if event_type(change.feed, change.deleted) in wanted
    ]
    WebhookDelivery.objects.bulk_create(rows)
    return len(rows)


# --- Delivery: signed POSTs ----------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one POST gave: the status answered (None: no answer) and, on failure, why."""

    status: int | None
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def cut(text: str, length: int = ERROR_MAX_LENGTH) -> str:
    """`text` on one line, at most `length` characters: a longer one is cut and ends with
    «…»."""
    text = single_line(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets that sign a message at `now`: the endpoint's, and its previous one while
    a rotation's overlap lasts."""
    found = [endpoint.secret]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and now < until:
        found.append(endpoint.previous_secret)
    return found


def headers(delivery: WebhookDelivery, now: datetime) -> dict[str, str]:
    """The request's headers, signed at the current second (the receiver compares the
    timestamp with its clock: Standard Webhooks allows five minutes)."""
    sent_at = datetime.fromtimestamp(int(time.time()), UTC)
    signatures = " ".join(
        Webhook(secret).sign(delivery.message_id, sent_at, delivery.payload)
        for secret in signing_secrets(delivery.endpoint, now)
    )
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signatures,
    }


def post(url: str, body: bytes, request_headers: dict[str, str]) -> Outcome:
    """POST `body` to `url` within TIMEOUT_SECONDS, redirects not followed, the address
    checked (core.safe_http, settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE); never raises for the
    exchange's failures: they are the Outcome's error (French, for staff)."""
    parts = urlsplit(url)
    deadline = safe_http.Deadline(TIMEOUT_SECONDS)
    try:
        connection = safe_http.connection(parts, settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE, deadline)
        try:
            connection.request("POST", safe_http.target(parts), body=body, headers=request_headers)
            response = connection.getresponse()
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
        finally:
            connection.close()
    except safe_http.FetchError as error:
        return Outcome(None, error.message)
    except (OSError, http.client.HTTPException) as error:
        if deadline.expired or isinstance(error, TimeoutError):
            return Outcome(None, f"Pas de réponse en {TIMEOUT_SECONDS} secondes.")
        return Outcome(None, f"Échange impossible : {type(error).__name__} {error}")
    finally:
        deadline.stop()
    status = response.status
    if 200 <= status < 300:
        return Outcome(status)
    if 300 <= status < 400:
        return Outcome(status, f"Redirection (HTTP {status}) non suivie : corrigez l'adresse.")
    return Outcome(status, f"HTTP {status} : {excerpt}" if excerpt.strip() else f"HTTP {status}")


def deliver_due(now: datetime | None = None) -> int:
    """Send the deliveries due at `now` (at most MAX_SENDS); how many were delivered.
    Several workers may run: each claims a delivery before sending it. One delivery's
    failure, whatever it is, is recorded and the others go on; a database error propagates
    (the worker resets its connection; a claimed delivery is sent again after LEASE)."""
    now = now or timezone.now()
    failing: set[int] = set()
    delivered = 0
    for _ in range(MAX_SENDS):
        delivery = _claim(now, failing)
        if delivery is None:
            break
        outcome, duration_ms = _send(delivery, now)
        _record(delivery, outcome, duration_ms, now)
        if outcome.delivered:
            delivered += 1
        else:
            failing.add(delivery.endpoint_id)
    return delivered


def _claim(now: datetime, failing: set[int]) -> WebhookDelivery | None:
    """The next due delivery, claimed for LEASE (a conditional update: a worker claiming it
    at the same moment gets another), or None."""
    due = (
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.QUEUED,
            next_attempt_at__lte=now,
            endpoint__disabled_at__isnull=True,
            endpoint__partner__revoked_at__isnull=True,
        )
        .exclude(endpoint_id__in=failing)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "next_attempt_at")
    )
    for pk, at in due[:20]:
        claimed = WebhookDelivery.objects.filter(
            pk=pk, status=DeliveryStatus.QUEUED, next_attempt_at=at
        ).update(next_attempt_at=now + LEASE)
        if claimed:
            return WebhookDelivery.objects.select_related("endpoint").get(pk=pk)
    return None


def _send(delivery: WebhookDelivery, now: datetime) -> tuple[Outcome, int]:
    """One attempt and how long it took (ms); whatever goes wrong, even unforeseen, is its
    Outcome."""
    began = time.monotonic()
    try:
        request_headers = headers(delivery, now)
        outcome = post(delivery.endpoint.url, delivery.payload.encode(), request_headers)
    except Exception as error:  # noqa: BLE001 — an attempt's failure, kept for staff
        logger.exception("webhook attempt failed", extra={"delivery_id": delivery.pk})
        outcome = Outcome(None, f"Erreur interne : {type(error).__name__}")
    return outcome, round((time.monotonic() - began) * 1000)


@transaction.atomic
def _record(delivery: WebhookDelivery, outcome: Outcome, duration_ms: int, now: datetime) -> None:
    """Log the attempt and set what comes next: delivered, the endpoint stopped (410 Gone),
    the next attempt (RETRY_DELAYS), or failed. A delivery cancelled while it was sent (its
    endpoint stopped) stays cancelled."""
    status = outcome.status if outcome.status is not None and 100 <= outcome.status <= 599 else None
    WebhookAttempt.objects.create(
        delivery=delivery,
        at=now,
        status_code=status,
        duration_ms=min(duration_ms, 2**31 - 1),
        error=cut(outcome.error),
    )
    attempts = delivery.attempts + 1
    changes: dict[str, object] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": status,
        "next_attempt_at": None,
        "finished_at": now,
    }
    extra = {"delivery_id": delivery.pk, "endpoint_id": delivery.endpoint_id, "status": status}
    if outcome.delivered:
        changes["status"] = DeliveryStatus.DELIVERED
    elif status == http.HTTPStatus.GONE:
        changes["status"] = DeliveryStatus.STOPPED
        logger.warning("webhook endpoint gone (410): disabled", extra=extra)
    elif attempts >= MAX_ATTEMPTS:
        changes["status"] = DeliveryStatus.FAILED
        logger.error("webhook delivery failed for good", extra=extra)
    else:
        changes["next_attempt_at"], changes["finished_at"] = now + RETRY_DELAYS[attempts - 1], None
        logger.warning("webhook delivery failed, retried later", extra=extra)
    WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.QUEUED).update(**changes)
    if status == http.HTTPStatus.GONE:
        disable_gone(delivery.endpoint_id, now)


def disable_gone(endpoint_id: int, now: datetime) -> None:
    """The platform stops an endpoint that answered 410 Gone (Standard Webhooks: the
    receiver wants no more messages) and cancels its pending deliveries. In the caller's
    transaction."""
    WebhookEndpoint.objects.filter(pk=endpoint_id, disabled_at__isnull=True).update(
        disabled_at=now, disabled_reason=DisabledReason.GONE
    )
    cancel_pending(endpoint_id, now)


def purge(now: datetime | None = None) -> int:
    """Delete the deliveries kept long enough (with their attempts): delivered ones
    DELIVERED_KEPT after they arrived, failed and cancelled ones FINISHED_KEPT after they
    finished. How many deliveries were deleted."""
    now = now or timezone.now()
    old = Q(status=DeliveryStatus.DELIVERED, finished_at__lt=now - DELIVERED_KEPT) | Q(
        status__in=[DeliveryStatus.FAILED, DeliveryStatus.STOPPED],
        finished_at__lt=now - FINISHED_KEPT,
    )
    ids = list(WebhookDelivery.objects.filter(old).values_list("pk", flat=True))
    WebhookAttempt.objects.filter(delivery_id__in=ids).delete()
    return WebhookDelivery.objects.filter(pk__in=ids).delete()[0]


@task()
def dispatch_webhooks() -> int:
    """The scheduler's dispatch run (see dispatch); the deliveries created."""
    return dispatch()


@task()
def deliver_webhooks() -> int:
    """The worker's delivery run (see deliver_due); the deliveries delivered."""
    return deliver_due()


@task()
def purge_webhook_deliveries() -> int:
    """The daily purge of the delivery log (see purge); the deliveries deleted."""
    return purge()
