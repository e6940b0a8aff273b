"""Partners' webhooks in the back-office: created by Département staff (the secret shown once,
with a «Copier» button), edited (address and events checked, in French), the secret renewed,
stopped and started again, a delivery relaunched; each in the partner's history; the partner's
page lists its webhooks and the delivery log; nobody else may do any of it."""

import re
import secrets
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maillage.api import partners, webhooks
from maillage.api.models import (
    DeliveryStatus,
    DisabledReason,
    PartnerLog,
    WebhookCursor,
    WebhookEndpoint,
)
from tests.api.consent_flow import partner_details
from tests.api.webhook_helpers import delivery_row

pytestmark = pytest.mark.django_db

ADD = reverse("admin:api_webhookendpoint_add")
T0 = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
PUBLIC = "https://8.8.8.8/webhooks"  # a public address (never contacted by these tests)


@pytest.fixture
def partner(staff_user):
    partner, _ = partners.create_partner(staff_user, partner_details())
    return partner


@pytest.fixture
def endpoint(staff_user, partner):
    details = webhooks.EndpointDetails(url=PUBLIC, event_types=("place.updated",))
    endpoint, _ = webhooks.create_endpoint(staff_user, partner, details)
    return endpoint


def form(partner, **changes):
    data = {
        "partner": str(partner.pk),
        "url": "https://appli.mobilite.test/webhooks/maillage",
        "event_types": ["place.updated", "place.deleted", "slot.updated"],
        "submission": secrets.token_urlsafe(16),
    }
    data.update(changes)
    return data


def change_url(endpoint):
    return reverse("admin:api_webhookendpoint_change", args=[endpoint.pk])


def partner_page(client, partner):
    return client.get(reverse("admin:api_partner_change", args=[partner.pk])).content.decode()


def delivery_of(endpoint, status=DeliveryStatus.FAILED, item="7"):
    return delivery_row(
        endpoint, item, T0, status=status, attempts=10, last_status_code=500, finished_at=T0
    )


def test_staff_add_a_webhook_and_see_its_secret_once(client, staff_user, partner):
    client.force_login(staff_user)
    assert (
        f'value="{partner.pk}" selected'
        in client.get(f"{ADD}?partner={partner.pk}").content.decode()
    )
    data = form(partner)
    response = client.post(ADD, data)
    assert response.status_code == 200, response.content.decode()[:3000]
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    secret = re.search(r'<code id="webhook-secret">(whsec_[A-Za-z0-9+/=]+)</code>', page).group(1)
    assert 'data-copy="webhook-secret"' in page and "web/copy.js" in page
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == secret and secret.startswith(endpoint.secret_hint)
    assert endpoint.event_set == {"place.updated", "place.deleted", "slot.updated"}
    assert endpoint.created_by == staff_user and endpoint.enabled
    # One cursor per feed followed, each to start at its feed's end.
    assert sorted(endpoint.cursors.values_list("feed", "caught_up")) == [
        ("places", False),
        ("slots", False),
    ]
    log = PartnerLog.objects.filter(partner=partner).order_by("id")
    assert [(e.action, e.webhook, e.actor) for e in log][-1] == (
        "webhook_created",
        endpoint,
        staff_user,
    )
    # A reload of that answer makes no second webhook and shows no secret.
    again = client.post(ADD, data)
    assert again.status_code == 302 and WebhookEndpoint.objects.count() == 1
    # Never readable again: the pages show its beginning only.
    assert secret not in client.get(change_url(endpoint)).content.decode()
    listed = partner_page(client, partner)
    assert endpoint.url in listed and f"{endpoint.secret_hint}…" in listed and secret not in listed


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://appli.mobilite.test/hooks", "https obligatoire"),
        ("ftp://appli.mobilite.test/hooks", "attendu « https://hôte/chemin »"),
        ("https://moi:motdepasse@appli.mobilite.test/hooks", "pas d'identifiant"),
        ("https://appli.mobilite.test/hooks#ici", "ni fragment"),
        ("https://10.1.2.3/hooks", "réseau privé"),
        ("https://169.254.169.254/latest", "réseau privé"),
        ("https://[::1]/hooks", "réseau privé"),
        ("https://localhost/hooks", "réseau privé"),  # a name resolving to this machine
        ("http://localhost:8000/hooks", "https obligatoire"),
        ("https://appli.mobilite.test/" + "x" * 500, "500 caractères au plus"),
    ],
)
def test_the_address_is_checked(client, settings, staff_user, partner, url, fragment):
    settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE = False
    client.force_login(staff_user)
    response = client.post(ADD, form(partner, url=url))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(fragment in e for e in errors.get("url", [])), errors
    assert not WebhookEndpoint.objects.exists()
    with pytest.raises(ValidationError, match=re.escape(fragment)):
        webhooks.clean_url(url)


def test_this_machine_over_http_is_allowed_with_the_setting(settings):
    settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE = True
    for url in ("http://localhost:8000/hooks", "http://127.0.0.1:9/x", "http://[::1]/y"):
        assert webhooks.clean_url(f" {url} ") == url
    with pytest.raises(ValidationError, match="https obligatoire"):
        webhooks.clean_url("http://192.168.1.10/hooks")


def test_events_are_checked(client, staff_user, partner):
    client.force_login(staff_user)
    response = client.post(ADD, form(partner, event_types=[]))
    assert response.context["adminform"].form.errors["event_types"] == [
        "Événements : choisissez au moins un événement."
    ]
    response = client.post(ADD, form(partner, event_types=["place.renamed"]))
    assert "event_types" in response.context["adminform"].form.errors
    assert not WebhookEndpoint.objects.exists()
    with pytest.raises(ValidationError, match="« place.renamed » n'est pas un événement proposé"):
        webhooks.clean_event_types(["place.updated", "place.renamed"])
    assert webhooks.clean_event_types(["slot.deleted", "place.updated"]) == (
        "place.updated",
        "slot.deleted",
    )


def test_editing_follows_the_feeds_of_the_events(client, staff_user, partner, endpoint):
    WebhookCursor.objects.filter(endpoint=endpoint).update(
        after_modified=5, after_id=5, caught_up=True
    )
    client.force_login(staff_user)
    changed = form(partner, url="https://nouvelle.mobilite.test/h", event_types=["slot.deleted"])
    del changed["submission"], changed["partner"]
    response = client.post(change_url(endpoint), changed)
    assert response.status_code == 302, response.context["adminform"].form.errors
    endpoint.refresh_from_db()
    assert endpoint.url == "https://nouvelle.mobilite.test/h"
    assert endpoint.event_set == {"slot.deleted"}
    assert list(endpoint.cursors.values_list("feed", "caught_up")) == [("slots", False)]
    assert PartnerLog.objects.filter(webhook=endpoint).latest("id").action == "webhook_changed"


def test_renewing_the_secret_shows_it_once(client, staff_user, endpoint):
    old = endpoint.secret
    client.force_login(staff_user)
    page = client.get(change_url(endpoint)).content.decode()
    assert "Renouveler le secret" in page and old not in page
    submission = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    rotate = reverse("admin:api_webhookendpoint_rotate", args=[endpoint.pk])
    response = client.post(rotate, {"submission": submission})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    new = re.search(r'<code id="webhook-secret">([^<]+)</code>', response.content.decode()).group(1)
    endpoint.refresh_from_db()
    assert endpoint.secret == new != old and endpoint.previous_secret == old
    assert endpoint.previous_secret_until > endpoint.created_at
    # A reload renews nothing.
    assert client.post(rotate, {"submission": submission}).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret == new
    assert PartnerLog.objects.filter(webhook=endpoint, action="secret_rotated").count() == 1


def test_staff_stop_and_start_a_webhook(client, staff_user, partner, endpoint):
    pending = delivery_of(endpoint, DeliveryStatus.QUEUED)
    client.force_login(staff_user)
    disable = reverse("admin:api_webhookendpoint_disable", args=[endpoint.pk])
    assert client.get(disable).status_code == 405  # a change is a POST
    assert client.post(disable).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.disabled_reason == DisabledReason.STAFF and not endpoint.enabled
    pending.refresh_from_db()
    assert pending.status == DeliveryStatus.STOPPED
    assert "Réactiver" in partner_page(client, partner)
    assert (
        client.post(reverse("admin:api_webhookendpoint_enable", args=[endpoint.pk])).status_code
        == 302
    )
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.disabled_reason == ""
    actions = PartnerLog.objects.filter(webhook=endpoint).order_by("id")
    assert [(e.action, e.actor) for e in actions][-2:] == [
        ("webhook_disabled", staff_user),
        ("webhook_enabled", staff_user),
    ]
    # Nothing to do twice.
    assert webhooks.enable_endpoint(staff_user, endpoint) is False


def test_the_partner_page_shows_the_delivery_log(client, staff_user, partner, endpoint):
    failed = delivery_of(endpoint)
    delivered = delivery_of(endpoint, DeliveryStatus.DELIVERED, item="8")
    client.force_login(staff_user)
    page = partner_page(client, partner)
    assert "Journal des envois" in page
    assert "en échec" in page and "reçu" in page and ">500<" in page
    retry = reverse("admin:api_webhookendpoint_retry", args=[failed.pk])
    assert f'action="{retry}"' in page
    assert reverse("admin:api_webhookendpoint_retry", args=[delivered.pk]) not in page
    # The delivery's own page: its attempts, read only.
    detail = client.get(reverse("admin:api_webhookdelivery_change", args=[failed.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()


def test_staff_relaunch_a_failed_delivery(client, staff_user, endpoint):
    failed = delivery_of(endpoint)
    delivered = delivery_of(endpoint, DeliveryStatus.DELIVERED, item="8")
    client.force_login(staff_user)
    response = client.post(reverse("admin:api_webhookendpoint_retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.QUEUED and failed.attempts == 0
    assert failed.next_attempt_at is not None and failed.finished_at is None
    entry = PartnerLog.objects.filter(webhook=endpoint).latest("id")
    assert (entry.action, entry.detail, entry.actor) == ("delivery_retried", "msg_7", staff_user)
    # A delivered one is not sent again.
    refused = client.post(
        reverse("admin:api_webhookendpoint_retry", args=[delivered.pk]), follow=True
    )
    assert webhooks.NOT_RETRIED in refused.content.decode()
    delivered.refresh_from_db()
    assert delivered.status == DeliveryStatus.DELIVERED


def test_only_departement_staff_manage_webhooks(
    client, place_manager, staff_user, partner, endpoint
):
    failed = delivery_of(endpoint)
    before = WebhookEndpoint.objects.values().get()
    client.force_login(place_manager)
    posts = [
        (ADD, form(partner)),
        (change_url(endpoint), form(partner, url="https://pirate.test/h")),
        (reverse("admin:api_webhookendpoint_rotate", args=[endpoint.pk]), {"submission": "x"}),
        (reverse("admin:api_webhookendpoint_disable", args=[endpoint.pk]), {}),
        (reverse("admin:api_webhookendpoint_enable", args=[endpoint.pk]), {}),
        (reverse("admin:api_webhookendpoint_retry", args=[failed.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code in (302, 403), url
    assert client.get(ADD).status_code in (302, 403)
    assert client.get(
        reverse("admin:api_webhookdelivery_change", args=[failed.pk])
    ).status_code in (
        302,
        403,
    )
    assert WebhookEndpoint.objects.values().get() == before
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED
    details = webhooks.EndpointDetails(url=PUBLIC, event_types=("place.updated",))
    for call in (
        lambda: webhooks.create_endpoint(place_manager, partner, details),
        lambda: webhooks.change_endpoint(place_manager, endpoint, details),
        lambda: webhooks.rotate_secret(place_manager, endpoint),
        lambda: webhooks.disable_endpoint(place_manager, endpoint),
        lambda: webhooks.enable_endpoint(place_manager, endpoint),
        lambda: webhooks.retry_delivery(place_manager, failed),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert not PartnerLog.objects.filter(actor=place_manager).exists()


def test_a_revoked_partners_webhooks_are_kept_read_only(client, staff_user, partner, endpoint):
    failed = delivery_of(endpoint)
    partners.revoke_partner(staff_user, partner)
    client.force_login(staff_user)
    page = client.get(change_url(endpoint)).content.decode()
    assert 'name="_save"' not in page and "Renouveler le secret" not in page
    listed = partner_page(client, partner)
    assert "Relancer" not in listed and "Ajouter un webhook" not in listed
    for url in (
        change_url(endpoint),
        reverse("admin:api_webhookendpoint_disable", args=[endpoint.pk]),
        reverse("admin:api_webhookendpoint_retry", args=[failed.pk]),
    ):
        assert client.post(url, {}).status_code == 403, url
    # Nor can a webhook be added to it.
    response = client.post(ADD, form(partner))
    assert "partner" in response.context["adminform"].form.errors
    details = webhooks.EndpointDetails(url=PUBLIC, event_types=("place.updated",))
    for call in (
        lambda: webhooks.create_endpoint(staff_user, partner, details),
        lambda: webhooks.change_endpoint(staff_user, endpoint, details),
        lambda: webhooks.rotate_secret(staff_user, endpoint, now=T0 + timedelta(hours=1)),
        lambda: webhooks.disable_endpoint(staff_user, endpoint),
        lambda: webhooks.retry_delivery(staff_user, failed),
    ):
        with pytest.raises(ValidationError, match="révoquée"):
            call()
