"""Staff contest a stated line: the share is given back now, and the next month's statement
takes off what was stated (a correction line, services._due_lines)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.roles import has_departement_rights
from maillage.booking.models import Booking, Channel
from maillage.events.models import Registration
from maillage.programmes import services as programmes
from maillage.programmes.models import BookingShare
from maillage.reimbursements.models import MAX_DISPUTE_REASON, Dispute, StatementLine


def dispute(line: StatementLine, actor: User, reason: str, now: datetime | None = None) -> Dispute:
    """Record that `actor` (Département staff) contests `line` for `reason` (1 to 1,000
    characters), and give its share back (its balances get back what it took). Raises
    PermissionDenied (not staff) and ValidationError naming `reason` (empty or too long) or
    saying the share was already given back or contested; nothing is written then."""
    if not has_departement_rights(actor):
        raise PermissionDenied("Seule l'équipe du Département conteste une ligne de relevé.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de la contestation."})
    if len(reason) > MAX_DISPUTE_REASON:
        raise ValidationError(
            {"reason": f"Le motif compte au plus {MAX_DISPUTE_REASON} caractères."}
        )
    now = now or timezone.now()
    with transaction.atomic():
        # The booking's (or registration's) row first, as booking and events lock it.
        funded = _locked(line)
        share = BookingShare.objects.get(pk=line.share_id)
        if Dispute.objects.filter(share=share).exists():
            raise ValidationError("Cette ligne est déjà contestée.")
        if share.released_at is not None:
            raise ValidationError(
                "Cette part a déjà été rendue : le prochain relevé la retire déjà."
            )
        made = Dispute(line=line, share=share, reason=reason, actor=actor, at=now)
        made.full_clean()
        programmes.give_back_share(
            share, funded, actor=actor, channel=Channel.BACK_OFFICE, now=now, contested=True
        )
        made.save()
    return made


def _locked(line: StatementLine) -> programmes.Funded:
    """What the line's share pays for, its booking's or registration's row locked (as
    booking and events lock it before moving shares)."""
    if line.booking_id is not None:
        booking = Booking.objects.select_for_update(of=("self",)).get(pk=line.booking_id)
        return programmes.Funded.of_booking(booking)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=int(line.registration_id or 0))
    )
    return programmes.Funded.of_registration(registration)
