import json

import pytest
from django.test import Client

from maillage.api.models import ApiToken


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
