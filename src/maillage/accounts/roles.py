"""Platform-wide roles. Place-level rights are in maillage.places.permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

# Refusing a Département page or action to someone who is not of its staff: the one wording.
STAFF_ONLY = "Cette page est réservée aux agents du Département."


def has_departement_rights(user) -> bool:
    """Département staff: every right on places, statuses, programmes and accounts."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.is_departement_staff)
    )


def require_departement_staff(user: User | AnonymousUser) -> User:
    """`user`, when they are Département staff (has_departement_rights); PermissionDenied
    with STAFF_ONLY otherwise."""
    if not has_departement_rights(user):
        raise PermissionDenied(STAFF_ONLY)
    return user  # type: ignore[return-value]  # staff: a signed-in User


def lockout_username(request, credentials: dict | None) -> str | None:
    """The login name django-axes counts failures under: the address in lower case."""
    source = credentials if credentials is not None else request.POST
    username = source.get("username") if source else None
    return username.strip().lower() if isinstance(username, str) else None
