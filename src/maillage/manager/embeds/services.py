"""Embeds as Département staff and places' managers keep them: who may edit which, and the
use cases of the pages (manager.embeds.views).

- `save_embed(actor, embed)`: a new embed (no primary key yet) or the changes made to one;
- `delete_embed(actor, embed_id)`: its deletion.

Staff edit every embed; a place's active managers only the embeds of one of their places
(neither a commune's nor an EPT's list). Each use case runs in one transaction, checks the
embed as stored and as it would be saved, appends an EmbedLog row, and once it commits drops
the embed's public page kept in the shared cache (`page_key`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from maillage.accounts.roles import has_departement_rights
from maillage.api.partners import clean_origins
from maillage.manager.models import Embed, EmbedAction, EmbedLog, EmbedScope
from maillage.places.permissions import NOT_YOUR_PLACE, can_edit_place, editable_places

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

# Refusing a commune's or an EPT's list to a place's manager.
STAFF_SCOPES = (
    "Seule l'équipe du Département intègre les tiers-lieux d'une commune ou d'un EPT : "
    "choisissez un de vos lieux."
)

# Saving an embed deleted meanwhile (another tab, another manager).
GONE = "Cette intégration a été supprimée entre-temps : rien n'a été enregistré."


def can_edit_embed(user: User | AnonymousUser, embed: Embed) -> bool:
    """Whether `user` may edit `embed` (as it stands, saved or not): Département staff,
    every one; the active managers of its place, an embed of one place."""
    if has_departement_rights(user):
        return True
    return (
        embed.scope == EmbedScope.PLACE
        and embed.place is not None
        and can_edit_place(user, embed.place)
    )


def require_editable_embed(user: User | AnonymousUser, embed: Embed) -> Embed:
    """`embed`, when `user` may edit it; PermissionDenied with a French message otherwise
    (NOT_YOUR_PLACE for an embed of another's place, STAFF_SCOPES for a commune's or an
    EPT's)."""
    if not can_edit_embed(user, embed):
        raise PermissionDenied(NOT_YOUR_PLACE if embed.scope == EmbedScope.PLACE else STAFF_SCOPES)
    return embed


def editable_embeds(user: User | AnonymousUser) -> QuerySet[Embed]:
    """The embeds `user` may edit (every one for staff, those of their places for a
    manager, none for anyone else), by title then id."""
    if has_departement_rights(user):
        return Embed.objects.all()
    return Embed.objects.filter(scope=EmbedScope.PLACE, place__in=editable_places(user))


def page_key(public_id: str) -> str:
    """The shared cache's key of the public page of the embed `public_id`
    (manager.embeds.public keeps it there; a change forgets it)."""
    return f"manager.embed:{public_id}"


def _forget_page(embed: Embed) -> None:
    """Once the change commits, its public page is read again (not the one kept)."""
    key = page_key(embed.public_id)
    transaction.on_commit(lambda: cache.delete(key))


def _record(actor: User, embed: Embed, action: EmbedAction) -> None:
    EmbedLog.objects.create(
        embed_id=embed.pk, title=embed.title, action=action, actor=actor, at=timezone.now()
    )


@transaction.atomic
def save_embed(actor: User, embed: Embed) -> Embed:
    """Create `embed` (no primary key yet, `created_by` the actor) or save the changes made
    to it; its origins are rewritten as api.partners.clean_origins reads them (one per line,
    as a browser sends them). The actor must be able to edit it as stored (locked) and as
    saved. Raises PermissionDenied, ValidationError (fields named, French; GONE when it was
    deleted meanwhile): nothing is then written."""
    if embed.pk is None:
        embed.created_by = actor
        action = EmbedAction.CREATED
    else:
        stored = Embed.objects.select_for_update().filter(pk=embed.pk).first()
        if stored is None:
            raise ValidationError(GONE)
        require_editable_embed(actor, stored)
        action = EmbedAction.CHANGED
    try:
        embed.allowed_origins = "\n".join(clean_origins(embed.allowed_origins))
    except ValidationError as error:
        raise ValidationError({"allowed_origins": error.messages}) from error
    embed.full_clean()
    require_editable_embed(actor, embed)
    embed.save()
    _record(actor, embed, action)
    _forget_page(embed)
    return embed


def delete_embed(actor: User, embed_id: int) -> bool:
    """Delete the embed `embed_id`: sites showing it get a 404 from then on. Idempotent:
    False when it is gone already (deleted by another click at the same time: nothing is
    then written), True when this call deleted it. Raises PermissionDenied."""
    with transaction.atomic():
        # Locked: of two deletions at once, the second finds no row once the first commits.
        found = Embed.objects.select_for_update().filter(pk=embed_id).first()
        if found is None:
            return False
        require_editable_embed(actor, found)
        _record(actor, found, EmbedAction.DELETED)
        _forget_page(found)
        found.delete()
    return True
