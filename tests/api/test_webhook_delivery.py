"""Webhook deliveries over real HTTP: the feeds' changes turned into deliveries (cursor and
deliveries in one transaction, nothing skipped nor repeated), signed POSTs a receiver verifies
with the standardwebhooks library, retries on the schedule, 410 disabling, one failing
endpoint never holding up the others, and the log's retention."""

import json
import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from maillage.api import feeds as api_feeds
from maillage.api import partners, webhook_delivery, webhooks
from maillage.api.models import (
    FEED_CHOICES,
    DeliveryStatus,
    DisabledReason,
    WebhookAttempt,
    WebhookCursor,
    WebhookDelivery,
    WebhookEndpoint,
)
from maillage.api.webhook_delivery import ITEM_OF_FEED, RETRY_DELAYS, dispatch
from maillage.core.safe_http import PRIVATE
from tests.api.consent_flow import partner_details
from tests.api.webhook_helpers import ListFeeds, delivery_row
from tests.factories import PlaceFactory, SpaceFactory
from tests.racing import run_together

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
ALL = tuple(name for name in webhooks.EventType.values)


@pytest.fixture
def partner(staff_user):
    partner, _ = partners.create_partner(staff_user, partner_details())
    return partner


@pytest.fixture
def feeds():
    return ListFeeds()


def endpoint_for(staff_user, partner, url, events=ALL):
    details = webhooks.EndpointDetails(url=url, event_types=tuple(events))
    return webhooks.create_endpoint(staff_user, partner, details)


def started(feeds, now=T0):
    """A dispatch that takes the new endpoints' cursors to their feeds' ends."""
    assert dispatch(now, feeds) == 0
    assert all(WebhookCursor.objects.values_list("caught_up", flat=True))


def test_a_change_is_posted_signed_and_verified_as_a_receiver_would(
    receiver, staff_user, partner, feeds
):
    endpoint, secret = endpoint_for(staff_user, partner, receiver.url("/hooks"))
    started(feeds)
    feeds.add("places", 12, 1000)
    assert dispatch(T0, feeds) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.message_id.startswith("msg_") and delivery.status == DeliveryStatus.QUEUED

    assert webhook_delivery.deliver_due(T0) == 1
    [request] = receiver.received
    message = Webhook(secret).verify(request.body, request.headers)
    assert message == {
        "type": "place.updated",
        "timestamp": "2026-03-02T09:15:00.000Z",
        "data": {
            "id": "12",
            "modified": 1000,
            "url": f"{settings.MAILLAGE_SITE_URL}/api/v1/lieux/12",
        },
    }
    assert request.headers["webhook-id"] == delivery.message_id
    assert request.headers["content-type"] == "application/json"
    assert request.headers["webhook-signature"].startswith("v1,")
    # Another secret, or a body changed on the way, is refused.
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(request.body, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(request.body.replace(b"12", b"13"), request.headers)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.last_status_code == 200 and delivery.finished_at == T0
    assert delivery.next_attempt_at is None
    [attempt] = WebhookAttempt.objects.all()
    assert attempt.status_code == 200 and attempt.error == "" and attempt.at == T0
    assert 0 <= attempt.duration_ms < 10_000
    # Delivered once: nothing more to send, nothing more to dispatch.
    assert webhook_delivery.deliver_due(T0 + timedelta(hours=1)) == 0
    assert dispatch(T0, feeds) == 0 and len(receiver.received) == 1


def test_a_new_endpoint_receives_the_changes_made_after_it(receiver, staff_user, partner, feeds):
    for number in range(5):
        feeds.add("places", number, 100 + number)
    endpoint_for(staff_user, partner, receiver.url("/hooks"))
    started(feeds)
    assert not WebhookDelivery.objects.exists()
    cursor = WebhookCursor.objects.get(feed="places")
    assert (cursor.after_modified, cursor.after_id) == (104, 4)
    feeds.add("places", 7, 200)
    assert dispatch(T0, feeds) == 1
    assert WebhookDelivery.objects.get().item_id == "7"


def test_a_long_history_is_walked_page_by_page(receiver, staff_user, partner, feeds):
    endpoint_for(staff_user, partner, receiver.url("/hooks"), ["slot.updated"])
    started(feeds)
    total = webhook_delivery.PAGE * 2 + 3
    for number in range(total):
        feeds.add("slots", number, 500)  # one instant: ordered by id
    assert dispatch(T0, feeds) == total
    assert WebhookDelivery.objects.values("item_id").distinct().count() == total
    cursor = WebhookCursor.objects.get()
    assert (cursor.after_modified, cursor.after_id) == (500, total - 1)


def test_each_endpoint_gets_the_events_it_subscribed_to(receiver, staff_user, partner, feeds):
    endpoint_for(staff_user, partner, receiver.url("/retraits"), ["place.deleted"])
    endpoint_for(
        staff_user,
        partner,
        receiver.url("/creneaux"),
        ["slot.updated", "space.updated", "event.updated"],
    )
    assert set(WebhookCursor.objects.values_list("feed", flat=True)) == {
        "places",
        "slots",
        "spaces",
        "events",
    }
    started(feeds)
    feeds.add("places", 3, 10)
    feeds.add("places", 4, 11, deleted=True)
    feeds.add("slots", 9, 12)
    feeds.add("spaces", 5, 13)
    feeds.add("spaces", 6, 14, deleted=True)
    feeds.add("events", 8, 15)
    assert dispatch(T0, feeds) == 4
    assert webhook_delivery.deliver_due(T0) == 4
    bodies = {r.path: [] for r in receiver.received}
    for request in receiver.received:
        bodies[request.path].append(json.loads(request.body))
    assert [(b["type"], b["data"]["id"], b["data"]["url"]) for b in bodies["/retraits"]] == [
        ("place.deleted", "4", None)
    ]
    assert sorted((b["type"], b["data"]["id"], b["data"]["url"]) for b in bodies["/creneaux"]) == [
        ("event.updated", "8", f"{settings.MAILLAGE_SITE_URL}/api/v1/evenements/8"),
        ("slot.updated", "9", None),
        ("space.updated", "5", f"{settings.MAILLAGE_SITE_URL}/api/v1/espaces/5/semaine"),
    ]


def test_a_failure_is_retried_on_the_schedule_then_failed(receiver, staff_user, partner, feeds):
    url = receiver.answer("/panne", 500)
    endpoint_for(staff_user, partner, url)
    started(feeds)
    feeds.add("places", 1, 1)
    dispatch(T0, feeds)
    now = T0
    for number, delay in enumerate(RETRY_DELAYS, start=1):
        assert webhook_delivery.deliver_due(now) == 0
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == DeliveryStatus.QUEUED and delivery.attempts == number
        assert delivery.next_attempt_at == now + delay and delivery.last_status_code == 500
        # Not due a second before.
        assert webhook_delivery.deliver_due(now + delay - timedelta(seconds=1)) == 0
        assert len(receiver.received) == number
        now += delay
    assert webhook_delivery.deliver_due(now) == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.finished_at == now
    assert delivery.attempts == webhook_delivery.MAX_ATTEMPTS == len(receiver.received)
    # One message: the same id on every attempt, so the receiver can tell a repeat.
    assert {r.headers["webhook-id"] for r in receiver.received} == {delivery.message_id}
    errors = set(WebhookAttempt.objects.values_list("error", flat=True))
    assert errors == {"HTTP 500 : réponse 500"}
    assert webhook_delivery.deliver_due(now + timedelta(days=30)) == 0


def test_the_schedule_spans_about_three_days():
    total = sum(RETRY_DELAYS, timedelta())
    assert timedelta(days=2, hours=22) <= total <= timedelta(days=3)
    assert RETRY_DELAYS[0] == timedelta(seconds=5)
    assert list(RETRY_DELAYS[:5]) == sorted(RETRY_DELAYS[:5])


def test_410_disables_the_endpoint_and_stops_its_deliveries(receiver, staff_user, partner, feeds):
    gone, _ = endpoint_for(staff_user, partner, receiver.answer("/parti", 410))
    other, _ = endpoint_for(staff_user, partner, receiver.url("/present"))
    started(feeds)
    feeds.add("places", 1, 1)
    feeds.add("places", 2, 2)
    assert dispatch(T0, feeds) == 4
    assert webhook_delivery.deliver_due(T0) == 2  # the other endpoint's two
    gone.refresh_from_db()
    assert gone.disabled_at == T0 and gone.disabled_reason == DisabledReason.GONE
    assert len(receiver.on("/parti")) == 1  # its second delivery was not even tried
    statuses = set(gone.deliveries.values_list("status", "last_status_code"))
    assert statuses == {(DeliveryStatus.STOPPED, 410), (DeliveryStatus.STOPPED, None)}
    # Nothing more is dispatched to it; the other endpoint goes on.
    feeds.add("places", 3, 3)
    assert dispatch(T0, feeds) == 1
    assert other.deliveries.count() == 3 and gone.deliveries.count() == 2

    # Re-enabled by staff: what changed meanwhile is sent.
    receiver.answer("/parti", 200)
    assert webhooks.enable_endpoint(staff_user, gone)
    assert dispatch(T0 + timedelta(hours=1), feeds) == 1
    assert gone.deliveries.filter(status=DeliveryStatus.QUEUED).get().item_id == "3"


def test_a_failing_endpoint_does_not_hold_up_the_others(receiver, staff_user, partner, feeds):
    endpoint_for(staff_user, partner, receiver.answer("/panne", 503))
    # A port nobody listens on: the connection is refused.
    closed = receiver.url("/x").replace(receiver.base.rsplit(":", 1)[1], "9")
    endpoint_for(staff_user, partner, closed)
    endpoint_for(staff_user, partner, receiver.url("/ok"))
    started(feeds)
    for number in range(3):
        feeds.add("places", number, number)
    assert dispatch(T0, feeds) == 9
    assert webhook_delivery.deliver_due(T0) == 3
    assert len(receiver.on("/ok")) == 3
    # One try per failing endpoint and run: the others wait for the next run.
    assert len(receiver.on("/panne")) == 1
    tried = WebhookDelivery.objects.filter(attempts=1).exclude(status=DeliveryStatus.DELIVERED)
    assert tried.count() == 2
    refused = WebhookAttempt.objects.get(delivery__endpoint__url=closed)
    assert refused.status_code is None and "refuse la connexion" in refused.error


def test_an_unforeseen_error_is_one_deliverys_alone(receiver, staff_user, partner, feeds, caplog):
    broken, _ = endpoint_for(staff_user, partner, receiver.url("/casse"))
    endpoint_for(staff_user, partner, receiver.url("/ok"))
    WebhookEndpoint.objects.filter(pk=broken.pk).update(secret="whsec_")  # signing raises
    started(feeds)
    feeds.add("places", 1, 1)
    dispatch(T0, feeds)
    with caplog.at_level(logging.ERROR, logger="maillage.api.webhook_delivery"):
        assert webhook_delivery.deliver_due(T0) == 1
    assert "EmptyWebhookSecretError" in caplog.text
    attempt = WebhookAttempt.objects.get(delivery__endpoint=broken)
    assert attempt.error == "Erreur interne : EmptyWebhookSecretError"
    assert broken.deliveries.get().next_attempt_at == T0 + RETRY_DELAYS[0]
    assert receiver.on("/casse") == []


def test_a_redirect_is_not_followed(receiver, staff_user, partner, feeds):
    target = receiver.url("/nouvelle")
    endpoint_for(
        staff_user, partner, receiver.answer("/ancienne", 301, headers={"Location": target})
    )
    started(feeds)
    feeds.add("places", 1, 1)
    dispatch(T0, feeds)
    assert webhook_delivery.deliver_due(T0) == 0
    assert receiver.on("/nouvelle") == []
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 301 and "Redirection (HTTP 301) non suivie" in attempt.error


def test_a_private_address_is_refused_at_send_time(receiver, settings, staff_user, partner, feeds):
    endpoint_for(staff_user, partner, receiver.url("/interne"))
    started(feeds)
    feeds.add("places", 1, 1)
    dispatch(T0, feeds)
    settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE = False  # production: loopback refused
    assert webhook_delivery.deliver_due(T0) == 0
    assert receiver.received == []
    assert WebhookAttempt.objects.get().error == PRIVATE


def test_a_long_error_is_cut_explicitly():
    assert webhook_delivery.cut("x" * 400) == "x" * 299 + "…"
    assert webhook_delivery.cut("ligne 1\r\nligne 2") == "ligne 1 ligne 2"
    assert webhook_delivery.cut("court") == "court"


def test_the_cursor_moves_with_the_deliveries_or_not_at_all(
    receiver, staff_user, partner, feeds, caplog
):
    endpoint, _ = endpoint_for(staff_user, partner, receiver.url("/hooks"), ["place.updated"])
    started(feeds)
    feeds.add("places", 1, 10)
    feeds.add("places", 2, 11)
    # A delivery of the second change already there: the page's inserts fail.
    delivery_row(endpoint, "2", T0, modified=11, next_attempt_at=T0)
    with caplog.at_level(logging.ERROR, logger="maillage.api.webhook_delivery"):
        assert dispatch(T0, feeds) == 0
    assert "webhook dispatch refused" in caplog.text
    cursor = WebhookCursor.objects.get()
    assert (cursor.after_modified, cursor.after_id) == (None, None)  # where it was
    assert list(WebhookDelivery.objects.values_list("item_id", flat=True)) == ["2"]
    WebhookDelivery.objects.filter(message_id="msg_2").delete()
    assert dispatch(T0, feeds) == 2
    cursor.refresh_from_db()
    assert (cursor.after_modified, cursor.after_id) == (11, 2)


def test_a_feed_failure_is_one_cursors_alone(receiver, staff_user, partner, feeds, caplog):
    endpoint_for(staff_user, partner, receiver.url("/hooks"), ["place.updated", "slot.updated"])
    started(feeds)
    feeds.add("places", 1, 10)

    def source(feed, after, limit):
        if feed == "slots":
            raise RuntimeError("flux indisponible")
        return feeds(feed, after, limit)

    with caplog.at_level(logging.ERROR, logger="maillage.api.webhook_delivery"):
        assert dispatch(T0, source) == 1
    assert "webhook dispatch failed" in caplog.text


def test_a_revoked_partner_receives_nothing(receiver, staff_user, partner, feeds):
    endpoint_for(staff_user, partner, receiver.url("/hooks"))
    started(feeds)
    feeds.add("places", 1, 1)
    dispatch(T0, feeds)
    partners.revoke_partner(staff_user, partner)
    feeds.add("places", 2, 2)
    assert dispatch(T0, feeds) == 0
    assert webhook_delivery.deliver_due(T0) == 0 and receiver.received == []


def test_after_a_rotation_both_secrets_sign_for_a_day(receiver, staff_user, partner, feeds):
    endpoint, old = endpoint_for(staff_user, partner, receiver.url("/hooks"))
    endpoint, new = webhooks.rotate_secret(staff_user, endpoint, now=T0)
    assert new != old and endpoint.secret_hint == new[: webhooks.SECRET_HINT_LENGTH]
    started(feeds)
    feeds.add("places", 1, 1)
    feeds.add("places", 2, 2)
    dispatch(T0, feeds)
    first, second = WebhookDelivery.objects.order_by("item_id")
    WebhookDelivery.objects.filter(pk=second.pk).update(next_attempt_at=T0 + timedelta(days=1))
    webhook_delivery.deliver_due(T0)
    webhook_delivery.deliver_due(T0 + webhooks.ROTATION_OVERLAP)
    during, after = receiver.received
    assert len(during.headers["webhook-signature"].split()) == 2
    for secret in (old, new):
        Webhook(secret).verify(during.body, during.headers)
    assert len(after.headers["webhook-signature"].split()) == 1
    Webhook(new).verify(after.body, after.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)


def test_the_log_keeps_delivered_messages_30_days_and_failures_90(staff_user, partner, receiver):
    endpoint, _ = endpoint_for(staff_user, partner, receiver.url("/hooks"))
    now = T0

    def delivery(item, status, days):
        finished = now - timedelta(days=days)
        row = delivery_row(endpoint, item, finished, status=status, finished_at=finished)
        WebhookAttempt.objects.create(delivery=row, at=finished, duration_ms=5)
        return row

    delivery("recu-vieux", DeliveryStatus.DELIVERED, 31)
    delivery("recu-recent", DeliveryStatus.DELIVERED, 29)
    delivery("echec-vieux", DeliveryStatus.FAILED, 91)
    delivery("echec-recent", DeliveryStatus.FAILED, 89)
    delivery("arrete-vieux", DeliveryStatus.STOPPED, 91)
    assert webhook_delivery.purge(now) == 3
    assert set(WebhookDelivery.objects.values_list("item_id", flat=True)) == {
        "recu-recent",
        "echec-recent",
    }
    assert WebhookAttempt.objects.count() == 2


def test_the_documented_snippet_verifies_a_real_message(receiver, staff_user, partner, feeds):
    """The Python snippet of the API's description, run as a partner would."""
    from maillage.api.schema import WEBHOOKS  # noqa: PLC0415

    _, secret = endpoint_for(staff_user, partner, receiver.url("/hooks"))
    started(feeds)
    feeds.add("places", 1, 1)
    dispatch(T0, feeds)
    webhook_delivery.deliver_due(T0)
    [request] = receiver.received
    code = WEBHOOKS.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(code.replace("whsec_…", secret), namespace)  # noqa: S102 — the documentation's code
    assert namespace["receive"](request.body, request.headers)["data"]["id"] == "1"
    assert namespace["receive"](request.body + b" ", request.headers) is None


def test_the_tasks_dispatch_then_deliver(
    receiver, staff_user, partner, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415

    endpoint_for(staff_user, partner, receiver.url("/hooks"))
    assert webhook_delivery.dispatch_webhooks.call() == 0  # the real feeds, empty here
    assert webhook_delivery.deliver_webhooks.call() == 0
    assert webhook_delivery.purge_webhook_deliveries.call() == 0
    feeds = ListFeeds()
    feeds.add("places", 1, 2**40)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch(None, feeds) == 1
    assert DBTaskResult.objects.filter(
        task_path="maillage.api.webhook_delivery.deliver_webhooks"
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_then_two_workers_at_once_send_each_change_once(
    territory, receiver, staff_user
):
    """Both dispatchers read the same changes before either writes: the cursor's
    compare-and-set lets one create the deliveries (PostgreSQL makes the other wait for its
    commit, SQLite serialises them). Then two workers claim each delivery once."""
    partner, _ = partners.create_partner(staff_user, partner_details())
    endpoint_for(staff_user, partner, receiver.url("/hooks"), ["place.updated"])
    feeds = ListFeeds()
    started(feeds)
    for number in range(6):
        feeds.add("places", number, number)
    both_read = threading.Barrier(2, timeout=30)

    def source(feed, after, limit):
        found = feeds(feed, after, limit)
        both_read.wait()
        return found

    created = run_together([lambda: dispatch(T0, source), lambda: dispatch(T0, source)])
    assert sorted(created) == [0, 6]
    cursor = WebhookCursor.objects.get()
    assert (cursor.after_modified, cursor.after_id) == (5, 5)
    delivered = run_together([lambda: webhook_delivery.deliver_due(T0)] * 2)
    assert sum(delivered) == 6
    assert sorted(json.loads(r.body)["data"]["id"] for r in receiver.received) == [
        str(n) for n in range(6)
    ]
    assert WebhookAttempt.objects.count() == 6


def test_the_webhook_feeds_are_the_change_feeds():
    assert {name for name, _ in FEED_CHOICES} == set(api_feeds.FEEDS) == set(ITEM_OF_FEED)


@pytest.mark.django_db(transaction=True)
def test_a_real_place_change_reaches_the_partner(commune, receiver, staff_user, client):
    """From the database's feeds (api.feeds: committed changes only) to the receiver."""
    partner, _ = partners.create_partner(staff_user, partner_details())
    events = ["place.updated", "place.deleted", "space.updated"]
    _, secret = endpoint_for(staff_user, partner, receiver.url("/hooks"), events)
    assert dispatch() == 0  # the feeds' past is not sent
    place = PlaceFactory(commune=commune)
    space = SpaceFactory(place=place)
    assert dispatch() == 2
    assert webhook_delivery.deliver_due() == 2
    messages = [Webhook(secret).verify(r.body, r.headers) for r in receiver.received]
    assert sorted((m["type"], m["data"]["id"], m["data"]["url"]) for m in messages) == [
        ("place.updated", str(place.pk), f"{settings.MAILLAGE_SITE_URL}/api/v1/lieux/{place.pk}"),
        (
            "space.updated",
            str(space.pk),
            f"{settings.MAILLAGE_SITE_URL}/api/v1/espaces/{space.pk}/semaine",
        ),
    ]
    # The thin message's address gives the item.
    path = messages[0]["data"]["url"].removeprefix(settings.MAILLAGE_SITE_URL)
    assert client.get(path).json()["id"] == place.pk
    # A place withdrawn: its tombstone is a place.deleted (its space's is not subscribed).
    place_id = place.pk
    space.delete()
    place.delete()
    assert dispatch() == 1
    webhook_delivery.deliver_due()
    last = Webhook(secret).verify(receiver.received[-1].body, receiver.received[-1].headers)
    assert (last["type"], last["data"]) == (
        "place.deleted",
        {"id": str(place_id), "modified": last["data"]["modified"], "url": None},
    )
    assert dispatch() == 0


def test_the_api_document_explains_webhooks(client):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    description = document["info"]["description"]
    for told in (
        "webhook-signature",
        "whsec_",
        "410 Gone",
        "10 secondes",
        "5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 20 h puis 24 h",
    ):
        assert told in description
