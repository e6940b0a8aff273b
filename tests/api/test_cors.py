"""CORS: a browser may call the API from exactly the origins active partners list, and a
partner key only from its own origins; a revoked partner's origins stop working at once."""

import json

import pytest

from maillage.api import partners
from tests.api.consent_flow import partner_details

pytestmark = pytest.mark.django_db

ORIGIN = "https://appli.mobilite.test"
ALLOW = "Access-Control-Allow-Origin"


@pytest.fixture
def partner(staff_user):
    return partners.create_partner(
        staff_user,
        partner_details(name="Appli Mobilité", scopes="read", origins=(ORIGIN,), redirect_uris=()),
    )


def preflight(client, path, origin):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-api-key",
    )


def test_a_listed_origin_may_call_the_api(client, partner, room):
    path = f"/api/v1/espaces/{room.pk}/semaine"
    answer = preflight(client, path, ORIGIN)
    assert answer.status_code == 200 and answer[ALLOW] == ORIGIN
    assert "x-api-key" in answer["Access-Control-Allow-Headers"]
    response = client.get(path, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200 and response[ALLOW] == ORIGIN
    assert "retry-after" in response["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(
    "origin",
    [
        "https://autre.test",
        "https://appli.mobilite.test.evil.test",
        "https://mobilite.test",
        "http://appli.mobilite.test",
        "https://appli.mobilite.test:8443",
        "null",
    ],
)
def test_an_unlisted_origin_gets_no_cors_headers(client, partner, room, origin):
    path = f"/api/v1/espaces/{room.pk}/semaine"
    assert ALLOW not in preflight(client, path, origin)
    assert ALLOW not in client.get(path, HTTP_ORIGIN=origin)


def test_pages_outside_the_api_never_get_cors_headers(client, partner):
    assert ALLOW not in client.get("/", HTTP_ORIGIN=ORIGIN)


def test_a_revoked_partners_origin_stops_working_at_once(client, partner, staff_user, room):
    path = f"/api/v1/espaces/{room.pk}/semaine"
    assert client.get(path, HTTP_ORIGIN=ORIGIN)[ALLOW] == ORIGIN
    partners.revoke_partner(staff_user, partner[0])
    assert ALLOW not in client.get(path, HTTP_ORIGIN=ORIGIN)
    assert ALLOW not in preflight(client, path, ORIGIN)


def test_a_key_is_refused_from_an_origin_it_does_not_list(client, partner, staff_user, room):
    _, key = partner
    other, _ = partners.create_partner(
        staff_user,
        partner_details(
            name="Autre", scopes="read", origins=("https://autre.test",), redirect_uris=()
        ),
    )
    path = f"/api/v1/espaces/{room.pk}/semaine"
    assert client.get(path, HTTP_X_API_KEY=key).status_code == 200  # a server, no Origin
    assert client.get(path, HTTP_X_API_KEY=key, HTTP_ORIGIN=ORIGIN).status_code == 200
    # Listed by another partner: CORS lets the browser read the answer, the key refuses.
    refused = client.get(path, HTTP_X_API_KEY=key, HTTP_ORIGIN="https://autre.test")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    body = json.loads(refused.content)
    assert body["status"] == 403 and "https://autre.test" in body["detail"]
    assert "n'autorise pas" in body["detail"]
    # This site's own pages (the API documentation) may use any key.
    assert client.get(path, HTTP_X_API_KEY=key, HTTP_ORIGIN="http://testserver").status_code == 200
