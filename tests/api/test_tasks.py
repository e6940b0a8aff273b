"""The API's daily clean-up: expired OAuth tokens and past rate counters go."""

import secrets
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, set_token_value

from maillage.api import partners
from maillage.api.models import RateWindow
from maillage.api.rates import WINDOW_SECONDS
from maillage.api.tasks import forget_expired_access
from tests.api.consent_flow import partner_details

pytestmark = pytest.mark.django_db


def token(user, application, expires):
    access = AccessToken(user=user, application=application, scope="read", expires=expires)
    set_token_value(access, secrets.token_urlsafe(32))
    access.save()
    return access


def test_expired_tokens_and_past_counters_are_deleted(staff_user, booker):
    partner, _ = partners.create_partner(staff_user, partner_details())
    now = timezone.now()
    expired = token(booker, partner.application, now - timedelta(days=1))
    valid = token(booker, partner.application, now + timedelta(hours=1))
    minute = int(time.time() // WINDOW_SECONDS)
    RateWindow.objects.create(key="ip:192.0.2.1", minute=minute - 10, count=3)
    current = RateWindow.objects.create(key="ip:192.0.2.2", minute=minute, count=1)
    assert forget_expired_access.call() == 1
    assert set(AccessToken.objects.values_list("pk", flat=True)) == {valid.pk}
    assert not AccessToken.objects.filter(pk=expired.pk).exists()
    assert list(RateWindow.objects.all()) == [current]
