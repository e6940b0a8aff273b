"""The contract is published: the OpenAPI 3 document and its documentation page, served by
the platform (no CDN), the document valid and free of drf-spectacular's warnings."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


def test_the_document_is_openapi_3_and_the_one_the_tests_check(client):
    response = client.get(reverse("api:openapi"))
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.oai.openapi+json"
    )
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document == json.loads(
        json.dumps(SchemaGenerator().get_schema(request=None, public=True))
    )
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert operations and all(op["responses"].get("429") for op in operations)


def test_the_document_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "openapi.json")
    )


def test_idempotent_booking_is_documented(client):
    document = json.loads(client.get(reverse("api:openapi")).content)
    create = document["paths"]["/api/v1/reservations"]["post"]
    header = next(p for p in create["parameters"] if p["name"] == "Idempotency-Key")
    assert "24 heures" in header["description"]
    assert {"200", "201", "422"} <= set(create["responses"])


def test_the_docs_page_is_served_by_the_platform(client):
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="fr">' in html
    # Every script and style from this site: no CDN.
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    for url in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/static/drf_spectacular_sidecar/swagger-ui-dist/{url}" in html
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/openapi.json" in script.content.decode()
