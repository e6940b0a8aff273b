"""The community's use cases about people: the referent (named by staff), messages to the
referent and between members (recorded, emailed through the outbox, limited per day), the
members' directory profiles and their email choices.

Each takes the acting user, checks their right (community.permissions), validates through
the model (French messages naming the field: ValidationError) and writes in one transaction,
or writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.roles import require_departement_staff
from maillage.community import emails, permissions, selectors
from maillage.community.models import (
    MemberEmails,
    MemberMessage,
    MemberProfile,
    Referent,
    ReferentMessage,
    Tag,
)
from maillage.core import outbox

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# Messages one person may send in a rolling day: to the referent, to other members.
REFERENT_MESSAGES_PER_DAY = 5
MEMBER_MESSAGES_PER_DAY = 10
MESSAGE_WINDOW = timedelta(hours=24)

NO_REFERENT = (
    "Le Département n'a pas encore désigné de référent·e pour les tiers-lieux : réessayez bientôt."
)
VERIFY_FIRST = (
    "Vérifiez d'abord votre adresse électronique (lien reçu à l'inscription) : c'est à "
    "cette adresse que l'on vous répondra."
)
REFERENT_CHANGED = (
    "Un autre agent vient de nommer la personne référente : rechargez la page et vérifiez "
    "avant de recommencer."
)


@transaction.atomic
def set_referent(
    actor: User | AnonymousUser,
    *,
    name: str,
    title: str,
    email: str,
    phone: str = "",
    presentation: str = "",
    now: datetime | None = None,
) -> Referent:
    """Name the Département's referent (staff only). The same address as the current
    referent's updates their details; another address names a new referent, the former one
    kept (not current) with the messages written to them. The database holds one current
    referent (a partial unique constraint): a staff member naming one at the same time as
    another gets REFERENT_CHANGED. Raises PermissionDenied or ValidationError (fields named,
    nothing written)."""
    staff = require_departement_staff(actor)
    now = now or timezone.now()
    current = Referent.objects.select_for_update().filter(is_current=True).first()
    if current is not None and current.email.lower() == email.strip().lower():
        referent = current
    else:
        referent = Referent()
        if current is not None:
            # Before the new one is judged: the constraint sees one current referent.
            current.is_current = False
            current.save(update_fields=["is_current"])
    referent.name = name.strip()
    referent.title = title.strip()
    referent.email = email.strip()
    referent.phone = phone.strip()
    referent.presentation = presentation.strip()
    referent.is_current = True
    referent.updated_at = now
    referent.updated_by = staff
    # The one-current rule is the database's: a referent named meanwhile fails the insert.
    referent.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            referent.save()
    except IntegrityError as error:  # another staff member named one meanwhile
        raise ValidationError(REFERENT_CHANGED) from error
    return referent


def _verified_sender(actor: User | AnonymousUser) -> User:
    """The sender of a message: a signed-in account whose address is verified (the answer
    goes there), or ValidationError VERIFY_FIRST (PermissionDenied when not signed in)."""
    if not isinstance(actor, User) or not actor.is_active:
        raise PermissionDenied("Connectez-vous pour écrire un message.")
    if actor.email_verified_at is None:
        raise ValidationError(VERIFY_FIRST)
    return actor


def _within_daily_limit(
    model: type[ReferentMessage] | type[MemberMessage],
    sender: User,
    limit: int,
    now: datetime,
) -> None:
    """ValidationError when `sender` already sent `limit` messages of `model` within
    MESSAGE_WINDOW. The sender's row is locked first, so that concurrent messages of one
    person are counted one after the other (SQLite serialises writers)."""
    User.objects.select_for_update().get(pk=sender.pk)
    sent = model.objects.filter(sender=sender, sent_at__gt=now - MESSAGE_WINDOW).count()
    if sent >= limit:
        raise ValidationError(
            f"Vous avez déjà envoyé {limit} messages ces dernières 24 heures, le plus "
            "permis : réessayez demain."
        )


def write_to_referent(
    actor: User | AnonymousUser, *, subject: str, body: str, now: datetime | None = None
) -> ReferentMessage:
    """Record a message of `actor` (signed in, address verified) to the current referent and
    queue its email (the referent answers the sender's address), at most
    REFERENT_MESSAGES_PER_DAY a day. Raises ValidationError (NO_REFERENT, VERIFY_FIRST, the
    limit, the fields' rules) and then writes nothing."""
    sender = _verified_sender(actor)
    now = now or timezone.now()
    with transaction.atomic():
        referent = Referent.objects.current()
        if referent is None:
            raise ValidationError(NO_REFERENT)
        _within_daily_limit(ReferentMessage, sender, REFERENT_MESSAGES_PER_DAY, now)
        message = ReferentMessage(
            referent=referent,
            sender=sender,
            subject=subject.strip(),
            body=body.strip(),
            sent_at=now,
        )
        message.full_clean()
        message.save()
        outbox.queue(
            emails.REFERENT_TOPIC, referent.email, context={"message": message.pk}, now=now
        )
    return message


def write_to_member(
    actor: User | AnonymousUser, profile_id: int, *, body: str, now: datetime | None = None
) -> MemberMessage:
    """Record a message of `actor` (a member, address verified) to the person of the listed
    profile `profile_id` and queue its email (their address is never shown to the sender,
    who is told theirs is given for the answer), at most MEMBER_MESSAGES_PER_DAY a day.
    Raises PermissionDenied (not a member) or ValidationError (a profile withdrawn or not
    taking messages, one's own, the limit, the message's rules), and then writes nothing."""
    sender = _verified_sender(actor)
    permissions.require_member(sender)
    now = now or timezone.now()
    with transaction.atomic():
        profile = selectors.listed_profile(profile_id)
        if profile is None:
            raise ValidationError("Cette fiche n'est plus dans l'annuaire.")
        if profile.user_id == sender.pk:
            raise ValidationError("C'est votre propre fiche : écrivez à un autre membre.")
        recipient = profile.user
        if not profile.accepts_messages or recipient.email_verified_at is None:
            raise ValidationError(
                f"{profile.display_name} ne reçoit pas de messages par la plateforme."
            )
        _within_daily_limit(MemberMessage, sender, MEMBER_MESSAGES_PER_DAY, now)
        message = MemberMessage(sender=sender, recipient=recipient, body=body.strip(), sent_at=now)
        message.full_clean()
        message.save()
        outbox.queue(
            emails.MEMBER_TOPIC,
            recipient.email,
            user=recipient,
            context={"message": message.pk},
            now=now,
        )
    return message


@transaction.atomic
def save_profile(
    actor: User | AnonymousUser,
    *,
    display_name: str,
    offers: str = "",
    seeks: str = "",
    offer_tags: Iterable[Tag] = (),
    seek_tags: Iterable[Tag] = (),
    listed: bool,
    accepts_messages: bool = True,
    now: datetime | None = None,
) -> MemberProfile:
    """Create or change `actor`'s own directory profile (a manager or project holder: the
    profile is always their own). `listed`: shown in the directory. Two saves at once (two
    tabs, a double click) are made one after the other: the person's row is locked first,
    so the second finds the profile the first created and changes it. Raises
    PermissionDenied or ValidationError (fields named, nothing written)."""
    person = permissions.require_directory_member(actor)
    # Locked before the profile is looked for: a first profile is created once.
    User.objects.select_for_update().get(pk=person.pk)
    profile = MemberProfile.objects.filter(user=person).first() or MemberProfile(user=person)
    profile.display_name = display_name.strip()
    profile.offers = offers.strip()
    profile.seeks = seeks.strip()
    profile.listed = listed
    profile.accepts_messages = accepts_messages
    profile.updated_at = now or timezone.now()
    profile.full_clean()
    profile.save()
    profile.offer_tags.set(list(offer_tags))
    profile.seek_tags.set(list(seek_tags))
    return profile


def withdraw_profile(actor: User, now: datetime | None = None) -> bool:
    """Take `actor`'s own profile out of the directory at once (kept, to be shown again
    from their profile page); whether it was shown. Anyone signed in may withdraw theirs,
    even after they stopped managing a place."""
    updated = MemberProfile.objects.filter(user=actor, listed=True).update(
        listed=False, updated_at=now or timezone.now()
    )
    return bool(updated)


def emails_of(user: User) -> MemberEmails:
    """`user`'s community email choices: saved, or the defaults (not saved)."""
    return MemberEmails.objects.filter(user=user).first() or MemberEmails(user=user)


@transaction.atomic
def set_member_emails(
    actor: User | AnonymousUser, *, announcements: bool, funding_reminders: bool
) -> MemberEmails:
    """Save which community emails `actor` (a manager or project holder) receives (two
    first choices at once make one row: update_or_create takes the other's). Raises
    PermissionDenied for anyone else."""
    person = permissions.require_directory_member(actor)
    choice, _ = MemberEmails.objects.update_or_create(
        user=person,
        defaults={"announcements": announcements, "funding_reminders": funding_reminders},
    )
    return choice
