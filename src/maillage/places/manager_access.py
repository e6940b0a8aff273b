"""Who manages a place: invitations by email, grants and withdrawals, each logged.

A place has several managers. Département staff, and a place's managers, invite someone by
email (invite_manager; inviting an address again replaces its pending invitation); the
email's link (made at delivery, never stored: the outbox holds no secret) works once, until
the invitation expires, and while whoever invited may still invite: the person sets a
password, or signs in with the account they already have, and becomes a manager
(accept_invitation). Only staff withdraw a manager (withdraw_manager): the pending
invitations of the place addressed to that person, or sent by them, are cancelled with it.
Every grant and withdrawal writes a ManagerChange row (who, when, which place, whom) in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maillage.accounts import emails
from maillage.accounts import services as accounts
from maillage.accounts.models import User
from maillage.accounts.roles import has_departement_rights
from maillage.core import outbox
from maillage.core.links import PageLink
from maillage.core.models import OutboundEmail
from maillage.places import permissions
from maillage.places.models import ManagerChange, ManagerChangeAction, ManagerInvitation, Place

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Actor = User | AnonymousUser

INVITATION_VALIDITY = timedelta(days=7)
INVITATION_TOPIC = "places.manager_invitation"
_TOKEN_SALT = "maillage.places.manager-invitation"  # noqa: S105 — a salt, not a password
# The invitation's page, by its token: the managers' workspace serves it (and registers it).
INVITATION_PAGE = PageLink("a manager invitation's link")


class InvitationError(Exception):
    """An invitation link that cannot be used (French message shown to the person)."""


def _record(actor: Actor | None, place: Place, person: User, action: ManagerChangeAction) -> None:
    ManagerChange.objects.create(
        place=place,
        person=person,
        person_email=person.email,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


def _grant(actor: Actor | None, place: Place, person: User) -> bool:
    """Add `person` to the place's managers and log it; False when they already were."""
    if place.managers.filter(pk=person.pk).exists():
        return False
    place.managers.add(person)
    _record(actor, place, person, ManagerChangeAction.GRANTED)
    return True


def _cancel_pending(place: Place, which: Q) -> None:
    """Delete the place's pending invitations matching `which`, with their emails not yet
    sent (their links then say «annulée»)."""
    pending = ManagerInvitation.objects.filter(which, place=place, accepted_at__isnull=True)
    ids = list(pending.values_list("pk", flat=True))
    OutboundEmail.objects.filter(
        topic=INVITATION_TOPIC, sent_at__isnull=True, context__invitation__in=ids
    ).delete()
    pending.delete()


def _withdraw(actor: Actor, place: Place, person: User) -> None:
    """Remove `person` from the place's managers, log it, and cancel the place's pending
    invitations to them (they could grant themselves back) and from them."""
    place.managers.remove(person)
    _record(actor, place, person, ManagerChangeAction.WITHDRAWN)
    _cancel_pending(place, Q(email=person.email) | Q(invited_by=person))


def replace_managers(actor: Actor, place: Place, managers: Iterable[User | int]) -> None:
    """Set the place's managers to `managers`, logging each grant and withdrawal. The
    caller (places.services) has checked the rights and holds the place's lock."""
    wanted = {m if isinstance(m, int) else m.pk for m in managers}
    current = set(place.managers.values_list("pk", flat=True))
    for person in User.objects.filter(pk__in=wanted - current).order_by("pk"):
        _grant(actor, place, person)
    for person in User.objects.filter(pk__in=current - wanted).order_by("pk"):
        _withdraw(actor, place, person)


def can_invite(actor: Actor, place: Place) -> bool:
    """Staff, and the place's own managers (a manager invites a co-manager)."""
    return permissions.can_edit_place(actor, place)


def can_withdraw(actor: Actor) -> bool:
    """Only Département staff withdraw a manager."""
    return has_departement_rights(actor)


@transaction.atomic
def invite_manager(actor: User, place: Place, email: str) -> ManagerInvitation:
    """Invite `email` to manage `place`: an invitation valid INVITATION_VALIDITY and its email
    queued (the link is made when the email is sent); a pending invitation of the address to
    the place is replaced (its link no longer works). Raises PermissionDenied when `actor`
    may not, ValidationError under "email" when the address already manages the place."""
    place = Place.objects.select_for_update().get(pk=place.pk)
    if not can_invite(actor, place):
        raise PermissionDenied(permissions.NOT_YOUR_PLACE)
    address = accounts.normalize_email(email)
    if place.managers.filter(email=address).exists():
        raise ValidationError({"email": "Cette personne gère déjà ce lieu."})
    _cancel_pending(place, Q(email=address))
    now = timezone.now()
    invitation = ManagerInvitation.objects.create(
        place=place,
        email=address,
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    outbox.queue(INVITATION_TOPIC, address, context={"invitation": invitation.pk}, now=now)
    return invitation


def invitation_token(invitation: ManagerInvitation) -> str:
    """The signed token of the invitation's link (made at delivery, never stored)."""
    return signing.dumps(invitation.pk, salt=_TOKEN_SALT)


def invitation_for_token(token: str, *, now: datetime | None = None) -> ManagerInvitation:
    """The usable invitation of a link's token. Raises InvitationError when the token is
    not one of ours, the invitation was cancelled, has expired, has already been used, or
    whoever sent it may no longer invite to the place (a manager withdrawn since)."""
    try:
        pk = signing.loads(token, salt=_TOKEN_SALT, max_age=INVITATION_VALIDITY)
    except signing.SignatureExpired as error:
        raise InvitationError(_EXPIRED) from error
    except signing.BadSignature as error:
        raise InvitationError(
            "Ce lien d'invitation n'est pas valide : vérifiez qu'il est complet."
        ) from error
    invitation = (
        ManagerInvitation.objects.select_related("place", "invited_by").filter(pk=pk).first()
    )
    if invitation is None:
        raise InvitationError("Cette invitation a été annulée.")
    if invitation.accepted_at is not None:
        raise InvitationError(
            "Ce lien d'invitation a déjà servi : connectez-vous avec votre adresse et votre "
            "mot de passe."
        )
    if invitation.expires_at <= (now or timezone.now()):
        raise InvitationError(_EXPIRED)
    inviter = invitation.invited_by
    if inviter is None or not can_invite(inviter, invitation.place):
        raise InvitationError(
            "Cette invitation n'est plus valable : la personne qui l'a envoyée ne gère plus ce "
            "lieu. Demandez à un gestionnaire du lieu ou au Département de vous inviter à "
            "nouveau."
        )
    return invitation


_EXPIRED = (
    "Ce lien d'invitation a expiré : demandez à un gestionnaire du lieu ou au Département "
    "de vous inviter à nouveau."
)


@transaction.atomic
def accept_invitation(
    token: str,
    *,
    user: User | None = None,
    password: str = "",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Use an invitation's link once: `user` (signed in, with the invited address) or, for
    an address without an account, a new account with `password` (validated by the caller;
    the address counts as verified: the link reached it) becomes a manager of the place,
    logged as granted by whoever invited. Raises InvitationError (link unusable, or the
    signed-in account is not the invited address) or accounts.EmailAlreadyUsed."""
    found = invitation_for_token(token)
    # Locked, then judged again: two uses of one link at once make one manager.
    invitation = ManagerInvitation.objects.select_for_update().get(pk=found.pk)
    invitation_for_token(token)
    if user is None:
        person = accounts.register_user(
            invitation.email, password, first_name=first_name, last_name=last_name
        )
        accounts.mark_email_verified(person)
    elif user.email != invitation.email:
        raise InvitationError(
            f"Cette invitation est adressée à {invitation.email} : connectez-vous avec "
            "cette adresse pour l'accepter."
        )
    else:
        person = user
        accounts.mark_email_verified(person)
    place = Place.objects.select_for_update().get(pk=invitation.place_id)
    _grant(invitation.invited_by, place, person)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return person


@transaction.atomic
def withdraw_manager(actor: Actor, place: Place, person: User) -> None:
    """Remove `person` from the place's managers (staff only), log it, and cancel the
    place's pending invitations addressed to them or sent by them. Raises PermissionDenied,
    or ValidationError when they do not manage the place."""
    if not can_withdraw(actor):
        raise PermissionDenied("Seuls les agents du Département retirent un gestionnaire.")
    place = Place.objects.select_for_update().get(pk=place.pk)
    if not place.managers.filter(pk=person.pk).exists():
        raise ValidationError(f"{person} ne gère pas ce lieu.")
    _withdraw(actor, place, person)


def _invitation_email(email: OutboundEmail, now: datetime) -> EmailMultiAlternatives:
    """The invitation's email, with a link made now (the outbox row holds only its id)."""
    invitation = ManagerInvitation.objects.select_related("place", "invited_by").get(
        pk=email.context["invitation"]
    )
    path = INVITATION_PAGE(invitation_token(invitation))
    context = {
        "place_name": invitation.place.name,
        "inviter": invitation.invited_by or "Le Département",
        "link": emails.site_link(path),
        "expires": timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y à %H:%M"),
    }
    return emails.templated_message("places/emails/manager_invitation", email.address, context)


def register_renderers() -> None:
    """Tell the outbox how to build this module's emails (PlacesConfig.ready)."""
    outbox.register(INVITATION_TOPIC, _invitation_email)
