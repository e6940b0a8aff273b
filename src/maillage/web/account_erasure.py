"""«Supprimer mon compte»: the person's own account erased, their bookings and registrations
kept so that places' and programmes' figures (statements, dashboards) stay true.

In web (layer 9) because it reaches into every app below; each step goes through the app's
own service where one exists. In one transaction, `erase_account`:

1. cancels the bookings still to come through booking.services.cancel (places told, seats
   freed, programmes' credit given back as for any cancellation); those past the place's
   notice can no longer be cancelled by the person and stay due;
2. cancels the registrations to events still to come, leaves waiting lists, declines
   offers (events.services: organisers told, seats offered to the next person);
3. deletes what only served the person: statuses (their proofs are swept by
   eligibility.services.sweep_orphan_proofs), API tokens and partner authorisations, the
   calendar feed, the second factor, the community profile and email choices, the
   emails not yet sent to them;
4. renames the child profiles still named by a registration («Enfant 1»…), deletes the
   others;
5. empties the account itself (accounts.services.erase_user): no name, phone or address.

Bookings, registrations, ledger lines and statements keep their rows and amounts; they
name the person by the account's id only, and that account now names no one.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from maillage.accounts import services as accounts
from maillage.accounts.models import User
from maillage.api.models import ApiToken
from maillage.booking import services as booking
from maillage.booking.models import Booking, CalendarFeed, Channel, ManagerEmails
from maillage.community.models import MemberEmails, MemberProfile
from maillage.core.models import OutboundEmail
from maillage.eligibility.models import ChildProfile, EligibilityStatus
from maillage.events import services as events
from maillage.events.models import Registration, RegistrationStatus


class ErasureRefused(Exception):
    """The account cannot be erased by its owner here; the message says why, in French."""


@dataclass(frozen=True)
class Erased:
    """What erasing did: bookings and registrations cancelled, bookings kept (past the
    place's notice: still due)."""

    bookings_cancelled: int
    registrations_cancelled: int
    bookings_kept: int


def refusal(user: User) -> str:
    """Why `user` may not erase their own account here ("" if they may): Département staff
    and place managers hand their work over first."""
    if user.is_departement_staff or user.is_superuser:
        return (
            "Les comptes des agents du Département sont fermés par un administrateur : "
            "adressez-vous à lui."
        )
    if user.managed_places.exists():
        return (
            "Vous gérez encore un lieu : demandez au Département de vous retirer de sa "
            "gestion avant de supprimer votre compte."
        )
    return ""


def upcoming_bookings(user: User, now: datetime) -> list[Booking]:
    """The person's own bookings (not walk-ins they made) holding a slot after `now`."""
    return list(
        Booking.objects.own(user.pk)
        .holding()
        .filter(start__gt=now)
        .select_related("space__place")
        .order_by("start")
    )


def _cancel_bookings(user: User, now: datetime) -> tuple[int, int]:
    cancelled = kept = 0
    for found in upcoming_bookings(user, now):
        try:
            with transaction.atomic():
                booking.cancel(user, found, now=now, channel=Channel.PAGE)
        except booking.BookingRefused:
            kept += 1  # past the place's notice: only the place may cancel it now
        else:
            cancelled += 1
    return cancelled, kept


def _cancel_registrations(user: User, now: datetime) -> int:
    done = 0
    status = RegistrationStatus
    current = Registration.objects.filter(
        user=user,
        event__start__gt=now,
        status__in=(
            status.REGISTERED,
            status.AWAITING_APPROVAL,
            status.WAITING,
            status.OFFERED,
        ),
    ).order_by("pk")
    for registration in current:
        if registration.status == status.WAITING:
            events.leave_waiting_list(user, registration, now=now)
        elif registration.status == status.OFFERED:
            events.decline_offer(user, registration, now=now)
        else:
            events.cancel(user, registration, now=now)
        done += 1
    return done


def _forget_children(user: User) -> None:
    children = ChildProfile.objects.filter(parent=user).order_by("pk")
    children.filter(event_registrations__isnull=True).delete()
    for number, child in enumerate(children, start=1):
        name = f"Enfant {number}"
        ChildProfile.objects.filter(pk=child.pk).update(
            first_name=name, first_name_key=name.casefold(), school="effacé"
        )


def erase_account(actor: User, user: User, now: datetime | None = None) -> Erased:
    """Erase `user`'s account at their own request (see the module): PermissionDenied
    unless `actor` is `user` and active, ErasureRefused for staff and place managers
    (refusal). All or nothing."""
    now = now or timezone.now()
    if actor.pk != user.pk or not actor.is_active:
        raise PermissionDenied("Vous ne pouvez supprimer que votre propre compte.")
    reason = refusal(user)
    if reason:
        raise ErasureRefused(reason)
    with transaction.atomic():
        cancelled, kept = _cancel_bookings(user, now)
        registrations = _cancel_registrations(user, now)
        EligibilityStatus.objects.filter(person=user).delete()
        EligibilityStatus.objects.filter(child__parent=user).delete()
        _forget_children(user)
        for model in (
            get_id_token_model(),
            get_access_token_model(),
            get_refresh_token_model(),
            get_grant_model(),
        ):
            model.objects.filter(user=user).delete()
        for table in (
            ApiToken,
            CalendarFeed,
            TOTPDevice,
            MemberProfile,
            MemberEmails,
            ManagerEmails,
            OutboundEmail,
        ):
            table.objects.filter(user=user).delete()
        accounts.erase_user(user, now=now)
    return Erased(cancelled, registrations, kept)
