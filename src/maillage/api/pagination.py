"""Pages of the API's lists: `page` (from 1) and `page_size` (1 to 100, 50 by default), over
an order that every list makes total (it ends with the id), so that pages never overlap."""

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from maillage.api import inputs

MAX_PAGE = 10**6


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = "Cette page n'existe pas : « page » va de 1 au nombre de pages."

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        errors: dict[str, list[str]] = {}
        for field, high in (("page", MAX_PAGE), ("page_size", self.max_page_size)):
            raw = request.query_params.get(field)
            if raw is None:
                continue
            try:
                inputs.whole_number_param(raw, field, 1, high)
            except inputs.Invalid as refusal:
                errors[field] = [str(refusal)]
        if errors:
            raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)
