"""The OpenAPI 3 document and its browsable documentation (Swagger UI from
drf-spectacular-sidecar: served by the platform, no CDN)."""

import functools
from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.request import Request
from rest_framework.response import Response


class OpenApiDocument(SpectacularJSONAPIView):
    """The contract a partner generates its client from (public, at the anonymous rate),
    built once per process: it changes only with the code."""

    authentication_classes: list[Any] = []

    def _get_schema_response(self, request: Request) -> Response:
        return Response(
            _document(), headers={"Content-Disposition": 'inline; filename="maillage.json"'}
        )


@functools.cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = SchemaGenerator().get_schema(  # type: ignore[no-untyped-call]
        request=None, public=True
    )
    return document


# Swagger UI sets style attributes on its elements: allowed on this page only.
@method_decorator(csp_update({"style-src": [UNSAFE_INLINE]}), name="dispatch")
class ApiDocs(SpectacularSwaggerSplitView):
    authentication_classes: list[Any] = []
    throttle_classes: list[Any] = []
    url_name = "api:openapi"
