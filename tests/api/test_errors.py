"""Under /api/, every error is problem details in French, whoever answers it."""

import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from maillage.api.models import ApiToken
from maillage.api.views import spaces as views
from maillage.booking.models import Booking
from tests.moments import DAY

pytestmark = pytest.mark.django_db


def problem_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["detail"] and body["title"]
    return body


def test_a_body_over_the_size_limit_is_413(api, room):
    body = b'{"space": 1, "pad": "' + b"x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}'
    response = api.post(reverse("api:reservations"), body, content_type="application/json")
    assert "trop volumineux" in problem_of(response, 413)["detail"]
    assert not Booking.objects.exists()


def test_an_unexpected_exception_is_a_logged_500_problem(room, monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("panne imprévue")

    monkeypatch.setattr(views.queries, "space_week", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get(reverse("api:space_week", args=[room.pk]))
    assert "erreur interne" in problem_of(response, 500)["detail"]
    assert "panne imprévue" not in response.content.decode()
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[0] is RuntimeError  # the traceback is logged


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nulle-part",
        "/api/v2/reservations",
        "/api/",
        "/api/v1/reservations/-1/annulation",
    ],
)
def test_unknown_addresses_are_404_problems(api, path):
    problem_of(api.get(path), 404)
    problem_of(api.post(path, "{}", content_type="application/json"), 404)


@pytest.mark.parametrize("path", ["/api/v2/reservations", "/api/"])
def test_errors_made_outside_the_api_views_keep_the_security_headers(api, path):
    """Django's own 404 becomes problem details: only its body changes."""
    response = api.get(path)
    problem_of(response, 404)
    for name in ("X-Content-Type-Options", "Content-Security-Policy", "Referrer-Policy"):
        assert response.has_header(name), name
    assert response.get("Content-Length") in (None, str(len(response.content)))


def test_ids_beyond_the_databases_integers_are_unknown(api):
    huge = "9" * 30
    response = api.post(f"/api/v1/reservations/{huge}/annulation", "{}", "application/json")
    problem_of(response, 404)
    problem_of(api.get(f"/api/v1/espaces/{huge}/semaine"), 404)
    slots = api.get(f"/api/v1/espaces/{huge}/creneaux", {"date": DAY.isoformat(), "minutes": 60})
    problem_of(slots, 404)


def test_a_suspicious_request_is_a_400_problem(room):
    response = Client(HTTP_HOST="ailleurs.exemple").get(reverse("api:space_week", args=[room.pk]))
    problem_of(response, 400)


def test_methods_not_allowed_are_405_problems_with_allow(api, room):
    response = api.put(reverse("api:reservations"))
    assert problem_of(response, 405) and response["Allow"] == "GET, POST, HEAD"
    response = api.get(reverse("api:cancellation", args=[1]))
    assert problem_of(response, 405) and response["Allow"] == "POST"
    response = api.post(reverse("api:space_slots", args=[room.pk]))
    assert problem_of(response, 405) and response["Allow"] == "GET, HEAD"


def test_pages_keep_their_html_errors(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_name_is_case_insensitive(booker, scheme):
    _, key = ApiToken.issue(booker, "Appli test")
    response = Client(HTTP_AUTHORIZATION=f"{scheme} {key}").get(reverse("api:reservations"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("header", "error"),
    [
        (None, None),
        ("", None),
        ("Bearer", None),
        ("Bearer   ", None),
        ("Basic dXNlcjpwYXNz", None),
        ("Token mlg_x", None),
        ("Bearer mlg_faux", "invalid_token"),
        ("Bearer " + "x" * 10_000, "invalid_token"),
    ],
)
def test_every_401_says_how_to_authenticate(room, header, error):
    client = Client() if header is None else Client(HTTP_AUTHORIZATION=header)
    for response in (
        client.get(reverse("api:reservations")),
        client.post(reverse("api:reservations"), "{}", content_type="application/json"),
        client.post(reverse("api:cancellation", args=[1]), "{}", content_type="application/json"),
    ):
        problem_of(response, 401)
        challenge = response["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="maillage"')
        assert (f'error="{error}"' in challenge) if error else ("error=" not in challenge)


def test_a_closed_account_is_401_with_the_challenge(booker):
    _, key = ApiToken.issue(booker, "Appli test")
    booker.is_active = False
    booker.save()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(reverse("api:reservations"))
    problem_of(response, 401)
    assert response["WWW-Authenticate"] == 'Bearer realm="maillage", error="invalid_token"'
