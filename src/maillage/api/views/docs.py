"""The OpenAPI 3 document and its browsable documentation (Swagger UI from
drf-spectacular-sidecar: served by the platform, no CDN)."""

from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView


class OpenApiDocument(SpectacularJSONAPIView):
    """The contract a partner generates its client from (public, unthrottled)."""

    authentication_classes: list[Any] = []
    throttle_classes: list[Any] = []


# Swagger UI sets style attributes on its elements: allowed on this page only.
@method_decorator(csp_update({"style-src": [UNSAFE_INLINE]}), name="dispatch")
class ApiDocs(SpectacularSwaggerSplitView):
    authentication_classes: list[Any] = []
    throttle_classes: list[Any] = []
    url_name = "api:openapi"
