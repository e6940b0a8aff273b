"""Conditional GET for the API's lists (RFC 9110 §8.8.3 and §13.1.2): a strong ETag, the
SHA-256 of the JSON body, and 304 Not Modified when If-None-Match names it."""

import hashlib
from typing import Any

from django.utils.cache import get_conditional_response, patch_vary_headers
from rest_framework.request import Request
from rest_framework.response import Response

from maillage.api.views.common import ApiView


class ETagMixin(ApiView):
    """For views whose GET answers a list: the answer carries an ETag of its body, and a
    client that already has it gets 304 without the body."""

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["ETag"] = etag
        patch_vary_headers(response, ["Authorization", "X-Api-Key"])
        not_modified = get_conditional_response(request._request, etag=etag, response=response)
        # Not Modified keeps the ETag and Vary headers, and has no body to render.
        return response if not_modified is None else not_modified  # type: ignore[return-value]
