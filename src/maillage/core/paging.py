"""Pages of a list named by the URL's `page` parameter."""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.contrib import messages
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

T = TypeVar("T")


def page_of(
    request: HttpRequest, items: "QuerySet[Any, T] | Sequence[T]", per_page: int
) -> Page[T]:
    """The page of `items` that `?page=` names (1 when absent). A number that is not a whole
    number, or outside 1…last, shows the first or the last page with a French message saying
    so (django.contrib.messages), never an error page and never silently."""
    paginator = Paginator(items, per_page)
    raw = request.GET.get("page")
    if raw is None:
        return paginator.page(1)
    try:
        return paginator.page(raw)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = 1 if int(raw) < 1 else paginator.num_pages
    messages.warning(
        request,
        f"« Page » : choisissez un numéro de page entre 1 et {paginator.num_pages} ; "
        f"voici la page {number}.",
    )
    return paginator.page(number)
