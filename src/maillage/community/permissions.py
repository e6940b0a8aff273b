"""Who may do what in the community: the one place where these rules are written.

- Members: the active managers of at least one place, whatever its status (places.
  permissions.is_manager), and Département staff. The managers of a place «en projet» or
  «en préparation» are its **project holders**: the Département records a project as a
  place in one of these statuses (from a listing request, or in the back-office) and invites
  its holders as its managers, so a project holder is a manager of a place not open yet
  (selectors.PROJECT_STAGES). Members read the directory, the announcements, the documents
  and the funding opportunities.
- The directory's entries are the managers' and project holders' own (staff have the
  referent): each writes only their own.
- Only Département staff name the referent and publish announcements, documents and
  funding opportunities (accounts.roles.require_departement_staff, refused with the
  platform's one wording, accounts.roles.STAFF_ONLY).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied

from maillage.accounts.roles import has_departement_rights
from maillage.places.permissions import is_manager

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

MEMBERS_ONLY = (
    "Cet espace est réservé aux gestionnaires de tiers-lieux, aux porteurs de projet et aux "
    "agents du Département."
)
DIRECTORY_ONLY = (
    "L'annuaire rassemble les gestionnaires de tiers-lieux et les porteurs de projet : "
    "seuls eux y ont une fiche."
)


def is_member(user: User | AnonymousUser) -> bool:
    """Whether `user` enters the community's space: Département staff, and the active
    managers of a place (project holders included). One query for a manager."""
    return has_departement_rights(user) or is_manager(user)


def require_member(user: User | AnonymousUser) -> None:
    """PermissionDenied with MEMBERS_ONLY unless `user` is a member."""
    if not is_member(user):
        raise PermissionDenied(MEMBERS_ONLY)


def require_directory_member(user: User | AnonymousUser) -> User:
    """`user`, when they manage a place (or hold a project): who has a profile of their own
    and community emails; PermissionDenied with DIRECTORY_ONLY otherwise."""
    if not is_manager(user):
        raise PermissionDenied(DIRECTORY_ONLY)
    return cast("User", user)
