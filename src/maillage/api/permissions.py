"""The scopes an API operation needs (OAuth 2 scopes, RFC 6749 §3.3), checked on the
request's ApiCaller. Public reads are open to anonymous callers, at the per-IP rate."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from maillage.api.authentication import caller_of
from maillage.api.models import Scope


class ReadScope(BasePermission):
    """Public reads: anyone; a key or token must hold `read`."""

    message = "Cette clé ou ce jeton n'a pas le droit « read »."

    def has_permission(self, request: Request, view: Any) -> bool:
        caller = caller_of(request)
        return caller is None or Scope.READ in caller.scopes


class PersonReads(BasePermission):
    """A person's own data: their token, or a partner's token with their consent to `read`."""

    message = (
        "Cette opération lit les données d'une personne : il faut le jeton de cette personne, "
        "ou le jeton de son accord « read » à votre application (OAuth 2)."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        caller = caller_of(request)
        return caller is not None and request.user.is_authenticated and Scope.READ in caller.scopes


class PersonBooks(BasePermission):
    """Booking for a person: their token, or a partner's token with their consent to `book`."""

    message = (
        "Cette opération réserve au nom d'une personne : il faut le jeton de cette personne, "
        "ou le jeton de son accord « book » à votre application (OAuth 2)."
    )

    def has_permission(self, request: Request, view: Any) -> bool:
        caller = caller_of(request)
        return caller is not None and request.user.is_authenticated and Scope.BOOK in caller.scopes
