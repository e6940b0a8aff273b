import json

import pytest
from django.test import Client

from maillage.api.models import ApiToken
from tests.api.webhook_helpers import Receiver


@pytest.fixture
def api(booker):
    """A client of the API authenticated by a token of `booker`; `api.post_json(path, body)`."""
    _, key = ApiToken.issue(booker, "Appli test")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {key}")

    def post(path, body, **headers):
        return client.post(path, json.dumps(body), content_type="application/json", **headers)

    client.post_json = post
    client.key = key
    return client


@pytest.fixture
def receiver(settings):
    """A partner's webhook receiver on this machine, which the setting lets the platform
    reach (production refuses loopback and private addresses)."""
    settings.MAILLAGE_WEBHOOK_ALLOW_PRIVATE = True
    server = Receiver()
    yield server
    server.close()
