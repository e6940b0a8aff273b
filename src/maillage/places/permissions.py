"""Who may do what with places: the one place where these rules are written.

Département staff have every right. A place's managers maintain their own places (profile,
spaces, hours, closures, managers) but neither create, delete nor change the status of a place:
the Département validates places and statuses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from maillage.accounts.roles import has_departement_rights
from maillage.places.models import Place

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

# Refusing a place's page or edit to someone who does not manage it (never «does not exist»).
NOT_YOUR_PLACE = "Vous ne gérez pas ce lieu."
# Refusing a managers' page to someone who manages no place.
MANAGERS_ONLY = "Cette page est réservée aux gestionnaires de lieux."


def is_manager(user: User | AnonymousUser) -> bool:
    """Whether `user` is an active manager of at least one place (one query)."""
    return bool(user.is_authenticated and user.is_active and user.managed_places.exists())


def can_use_manager_space(user: User | AnonymousUser) -> bool:
    """Whether `user` may enter the managers' workspace (/gestion/): the active managers of
    at least one place, and Département staff. One query for a manager."""
    return has_departement_rights(user) or is_manager(user)


def can_use_back_office(user: User | AnonymousUser) -> bool:
    """Whether `user` may enter the back-office (places.admin_site, Django's admin):
    Département staff only. Managers work in the managers' workspace (/gestion/)."""
    return has_departement_rights(user)


def editable_places(user: User | AnonymousUser) -> QuerySet[Place]:
    """The places `user` may edit: every place for Département staff, the places an active
    manager manages, none for anyone else."""
    if has_departement_rights(user):
        return Place.objects.all()
    if not (user.is_authenticated and user.is_active):
        return Place.objects.none()
    return Place.objects.filter(managers=user)


def can_edit_place(user: User | AnonymousUser, place: Place) -> bool:
    """Whether `user` may edit `place` (a saved one): Département staff, and its active
    managers."""
    if has_departement_rights(user):
        return True
    return bool(
        user.is_authenticated
        and user.is_active
        and place.pk is not None
        and place.managers.filter(pk=user.pk).exists()
    )


def require_editable(user: User | AnonymousUser, place: Place) -> Place:
    """`place`, when `user` may edit it (can_edit_place); PermissionDenied with
    NOT_YOUR_PLACE otherwise."""
    if not can_edit_place(user, place):
        raise PermissionDenied(NOT_YOUR_PLACE)
    return place


def can_create_place(user: User | AnonymousUser) -> bool:
    """Only Département staff create a place."""
    return has_departement_rights(user)


def can_delete_place(user: User | AnonymousUser, place: Place | None) -> bool:
    """Only Département staff delete a place."""
    return has_departement_rights(user)


def can_change_status(user: User | AnonymousUser, place: Place) -> bool:
    """Only Département staff change a place's status (they validate places)."""
    return has_departement_rights(user)
