"""Who sees a statement: Département staff every statement; a place's managers its
programmes' statements, whole, and of an employer's statement only the lines at their places
(shown by the managers' statements page, never the whole statement nor its files)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from maillage.accounts.roles import has_departement_rights
from maillage.places.permissions import editable_places
from maillage.reimbursements.models import Payer, ReimbursementStatement

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User


def can_view_statement(user: User | AnonymousUser, statement: ReimbursementStatement) -> bool:
    """Whether `user` may see the whole `statement` (its page, CSV and PDF): Département
    staff, or an active manager of its place when a programme pays it."""
    if has_departement_rights(user):
        return True
    place_id = statement.place_id
    return (
        statement.payer == Payer.PROGRAMME
        and place_id is not None
        and editable_places(user).filter(pk=place_id).exists()
    )
