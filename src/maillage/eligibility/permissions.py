"""Who may do what with eligibility statuses: the one place where these rules are written.

Rights are Django permissions on EligibilityStatus, given to staff groups (seeded by the
migrations: «Instruction des statuts» holds verify_status and view_category, «Prescripteurs»
grant_status and view_category); superusers hold them all. Every staff page of this app also
asks for a second factor verified in the session (TOTP: see `needs_second_factor`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

# The staff groups the migrations seed (0002, a frozen copy of these names).
VERIFIERS_GROUP = "Instruction des statuts"
PRESCRIBERS_GROUP = "Prescripteurs"

VERIFY = "eligibility.verify_status"
VIEW_CATEGORY = "eligibility.view_category"
GRANT = "eligibility.grant_status"


def _has(user: User | AnonymousUser, permission: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(permission))


def can_verify(user: User | AnonymousUser) -> bool:
    """Decide requests (verify with a validity period, refuse with a reason), see proofs."""
    return _has(user, VERIFY)


def can_view_category(user: User | AnonymousUser) -> bool:
    """See which category a person's status is in (health data for disability)."""
    return _has(user, VIEW_CATEGORY)


def can_grant(user: User | AnonymousUser) -> bool:
    """Prescriber: grant a status directly to a person they follow."""
    return _has(user, GRANT)


def is_status_staff(user: User | AnonymousUser) -> bool:
    """Holds any of this app's staff rights."""
    return can_verify(user) or can_view_category(user) or can_grant(user)


def needs_second_factor(user: User | AnonymousUser) -> bool:
    """Whether `user` must log in with a second factor before any page showing statuses:
    every holder of a staff right of this app (the issue asks it of view_category and
    grant_status; the proofs verify_status opens are as sensitive)."""
    return is_status_staff(user)
