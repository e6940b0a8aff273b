"""Every error page Django may answer is the platform's, in French."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.views import csrf, defaults

# Django's own error views, each rendering the project's template when there is one and
# otherwise its built-in English page.
HANDLERS = {
    400: lambda request: defaults.bad_request(request, Exception("requête invalide")),
    403: lambda request: defaults.permission_denied(request, Exception("")),
    404: lambda request: defaults.page_not_found(request, Exception("")),
    500: defaults.server_error,
    "403 csrf": lambda request: csrf.csrf_failure(request, reason="CSRF"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("status", HANDLERS, ids=str)
def test_every_error_page_is_in_french(status):
    # No request.user: as for a request refused before AuthenticationMiddleware.
    response = HANDLERS[status](RequestFactory().get("/"))
    page = response.content.decode()
    assert '<html lang="fr">' in page
    for english in ("Bad Request", "Not Found", "Server Error", "Forbidden"):
        assert english not in page


@override_settings(ALLOWED_HOSTS=["127.0.0.1"])
def test_an_unknown_host_gets_the_french_page():
    """A request for another host name answered Django's English «Bad Request (400)»."""
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()
