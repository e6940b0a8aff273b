"""What every API view shares: the instants' format, the reading of fields with their French
messages, and the space's booking horizon."""

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.views import APIView

from maillage.accounts.models import User
from maillage.api import inputs
from maillage.api.filters import MAX_PARAM_LENGTH
from maillage.api.problems import ApiProblem, problem
from maillage.booking.availability import PARIS
from maillage.places.models import Space


class ApiView(APIView):
    """Every API view: `Allow` lists the methods it answers (OPTIONS is CORS preflight's),
    and a query parameter the operation does not document is refused (400), not ignored."""

    @property
    def allowed_methods(self) -> list[str]:
        return [m for m in super().allowed_methods if m != "OPTIONS"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        known = documented_query_parameters(self, request.method or "GET")
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            accepted = ", ".join(sorted(known)) or "aucun"
            raise ApiProblem(
                400,
                "Cette opération ne connaît pas ce paramètre.",
                {
                    name[:100]: [
                        f"« {name[:100]} » : ce paramètre n'est pas accepté ici "
                        f"(acceptés : {accepted})."
                    ]
                    for name in unknown
                },
            )


def documented_query_parameters(view: APIView, method: str) -> frozenset[str]:
    """The query parameters the OpenAPI document gives the operation, as drf-spectacular
    reads them: the handler's extend_schema parameters, the view's filters and its
    pagination's (computed once per view class and method)."""
    return _documented(type(view), "GET" if method == "HEAD" else method)  # type: ignore[arg-type]


@functools.cache
def _documented(view_class: type[APIView], method: str) -> frozenset[str]:
    handler = getattr(view_class, method.lower(), None)
    schema_class = getattr(handler, "kwargs", {}).get("schema")
    if schema_class is None:
        return frozenset()
    view = view_class()
    view.args, view.kwargs, view.format_kwarg = (), {}, None
    view.request = None  # type: ignore[assignment]  # described, not answering
    schema = schema_class()
    schema.view, schema.method, schema.path = view, method, ""
    parameters = [
        p.name
        for p in schema.get_override_parameters()
        if isinstance(p, OpenApiParameter) and p.location == OpenApiParameter.QUERY
    ]
    parameters += [p["name"] for p in schema._get_filter_parameters()]
    parameters += [p["name"] for p in schema._get_pagination_parameters()]
    return frozenset(parameters)


def person_of(request: Request) -> User:
    """The person a request acts for, behind PersonReads or PersonBooks (which let no
    anonymous request through)."""
    return cast(User, request.user)


def instant(moment: datetime) -> str:
    """Instants in Paris time with their offset, in every answer (the project never activates
    another time zone: naming Paris spares a lookup of the current one per instant)."""
    return moment.astimezone(PARIS).isoformat()


class Errors(dict[str, list[str]]):
    """French messages per field, gathered while reading a request."""

    def read(self, reader: Callable[..., Any], *args: object) -> Any:
        """reader(*args), or None with its message noted when it refuses the value (Any:
        callers use the values once `errors` is empty)."""
        try:
            return reader(*args)
        except inputs.Invalid as refusal:
            self.setdefault(refusal.field, []).append(str(refusal))
            return None

    def raise_if_any(self, detail: str) -> None:
        """Raises ApiProblem(400, detail, self) when a field was refused."""
        if self:
            raise ApiProblem(400, detail, dict(self))


def form_data(request: Request, fields: dict[str, str], errors: Errors) -> dict[str, str]:
    """The query parameters named in `fields` ({parameter: form field}) as a Django form's
    data; a value longer than filters.MAX_PARAM_LENGTH characters is noted in `errors`."""
    data = {}
    for parameter, field in fields.items():
        raw = request.query_params.get(parameter)
        if raw is None:
            continue
        if len(raw) > MAX_PARAM_LENGTH:
            errors[parameter] = [
                f"« {parameter} » : {MAX_PARAM_LENGTH} caractères au plus ({len(raw)} reçus)."
            ]
        data[field] = raw
    return data


def horizon_days(space_id: int | None) -> int | None:
    """The space's booking horizon in days (None: none set, or no such space)."""
    if space_id is None:
        return None
    return Space.objects.filter(pk=space_id).values_list("max_advance_days", flat=True).first()


@csrf_exempt
def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Any other address under /api/v1/."""
    return problem(404, "Cette adresse de l'API n'existe pas.")


# Stands for the id or slug while a path is reversed once: digits pass every converter.
_MARK = "918273645546372819"


@functools.cache
def api_route(name: str) -> Callable[[str], str]:
    """The path of the API route `name` for the value of its one argument, `pk` (one
    function per name, so that Links keeps one template per route)."""
    return lambda value: reverse(f"api:{name}", kwargs={"pk": value})


class Links:
    """The absolute URLs of one answer's many items: each path (a function of one id or slug:
    api_route(name), places.models.PLACE_PAGE) is reversed once per answer, then filled in;
    reversing per item costs more than the rest of the item."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._templates: dict[Callable[[str], str], tuple[str, str]] = {}

    def __call__(self, path_of: Callable[[str], str], value: int | str) -> str:
        """The absolute URL of `path_of(value)`."""
        template = self._templates.get(path_of)
        if template is None:
            before, mark, after = self._request.build_absolute_uri(path_of(_MARK)).partition(_MARK)
            if not mark:
                raise ValueError(f"{path_of!r} does not put its argument in the path")
            template = self._templates[path_of] = (before, after)
        return f"{template[0]}{value}{template[1]}"

    def absolute(self, path: str) -> str:
        """The absolute URL of a path reversed by the caller."""
        return self._request.build_absolute_uri(path)
