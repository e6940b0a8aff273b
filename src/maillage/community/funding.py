"""Funding opportunities: kept by Département staff, read by members, with a reminder
before each deadline.

A reminder goes `d` days before the deadline for each `d` of MAILLAGE_FUNDING_REMINDER_DAYS
(14 and 3 by default), from the daily task (community.tasks.send_funding_reminders): the
first run at which the deadline is `d` days away or less claims the (opportunity, d) pair
(`FundingReminder`, unique) and queues the emails, in one transaction, so each pair is sent
once whatever runs the task; thresholds passed together (an opportunity added 2 days before
its deadline) make one email. A deadline moved later frees the thresholds not reached any
more: they are sent again as the new deadline nears.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from maillage.accounts.roles import require_departement_staff
from maillage.community import emails, history, selectors
from maillage.community.models import CommunityAction, FundingOpportunity, FundingReminder
from maillage.core import outbox

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

logger = logging.getLogger(__name__)

# What staff write of an opportunity (the rest is the platform's: who and when).
FIELDS = (
    "title",
    "funder",
    "fund",
    "description",
    "eligibility",
    "for_managers",
    "for_project_holders",
    "for_companies",
    "amount_min_cents",
    "amount_max_cents",
    "opens_on",
    "deadline",
    "link",
)


PAST_DEADLINE = (
    "Cette date limite est passée : un nouveau financement doit encore être ouvert aux "
    "candidatures."
)


def reminder_days() -> list[int]:
    """The days before a deadline a reminder goes (the setting), largest first."""
    return sorted(set(settings.MAILLAGE_FUNDING_REMINDER_DAYS), reverse=True)


def save_opportunity(
    actor: User | AnonymousUser,
    opportunity_id: int | None,
    fields: dict[str, Any],
    now: datetime | None = None,
) -> FundingOpportunity:
    """Create (`opportunity_id` None) or change an opportunity (staff only) with `fields`
    (names of FIELDS: amounts in cents, `opens_on` a date, `deadline` an aware instant),
    recorded in the community's log.
    Raises PermissionDenied, FundingOpportunity.DoesNotExist, or ValidationError (fields
    named in French: an empty title, a deadline before the opening, a minimum above the
    maximum, a new opportunity's deadline not after `now` (PAST_DEADLINE; a stored one may
    be corrected to a past date)…), and then writes nothing."""
    staff = require_departement_staff(actor)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not an opportunity's field: {sorted(unknown)}")
    now = now or timezone.now()
    with transaction.atomic():
        if opportunity_id is None:
            opportunity = FundingOpportunity(created_by=staff, created_at=now)
            action = CommunityAction.OPPORTUNITY_ADDED
        else:
            opportunity = FundingOpportunity.objects.select_for_update().get(pk=opportunity_id)
            action = CommunityAction.OPPORTUNITY_CHANGED
        for name, value in fields.items():
            setattr(opportunity, name, value.strip() if isinstance(value, str) else value)
        opportunity.updated_by = staff
        opportunity.updated_at = now
        opportunity.full_clean()
        if action == CommunityAction.OPPORTUNITY_ADDED and opportunity.deadline <= now:
            # A new one announces a call still open; a stored one may be corrected to any
            # date (a deadline typed wrong, or the call's real closing recorded after it).
            raise ValidationError({"deadline": PAST_DEADLINE})
        opportunity.save()
        history.record(staff, action, opportunity, now)
        # Thresholds not reached any more (a deadline moved later) are sent again.
        FundingReminder.objects.filter(
            opportunity=opportunity,
            days_before__in=[
                d for d in reminder_days() if opportunity.deadline - timedelta(days=d) > now
            ],
        ).delete()
    return opportunity


def delete_opportunity(
    actor: User | AnonymousUser, opportunity_id: int, now: datetime | None = None
) -> bool:
    """Delete an opportunity (staff only), with its reminders' records; recorded in the
    community's log. Idempotent: False when it is gone already (deleted by another click at
    the same time: then nothing is written), True when this call deleted it. Raises
    PermissionDenied."""
    staff = require_departement_staff(actor)
    with transaction.atomic():
        # Locked: of two deletions at once, the second finds no row once the first commits.
        found = FundingOpportunity.objects.select_for_update().filter(pk=opportunity_id).first()
        if found is None:
            return False
        history.record(staff, CommunityAction.OPPORTUNITY_DELETED, found, now or timezone.now())
        found.delete()
    return True


def queue_reminders(now: datetime | None = None) -> int:
    """Queue the reminders due at `now` (see the module); how many emails were queued. Each
    opportunity in its own transaction: one that fails is logged, written nothing, and
    tried again at the next run; the others go on."""
    now = now or timezone.now()
    days = reminder_days()
    queued = 0
    due = FundingOpportunity.objects.filter(
        deadline__gt=now, deadline__lte=now + timedelta(days=days[0])
    ).order_by("deadline", "pk")
    for opportunity in due:
        reached = {d for d in days if opportunity.deadline - timedelta(days=d) <= now}
        sent = set(opportunity.reminders.values_list("days_before", flat=True))
        if not reached - sent:
            continue
        try:
            with transaction.atomic():
                FundingReminder.objects.bulk_create(
                    FundingReminder(opportunity=opportunity, days_before=d, queued_at=now)
                    for d in sorted(reached - sent)
                )
                recipients = list(selectors.reminder_recipients(opportunity))
                for user in recipients:
                    outbox.queue(
                        emails.FUNDING_TOPIC,
                        user.email,
                        user=user,
                        context={"opportunity": opportunity.pk},
                        now=now,
                    )
        except IntegrityError:
            continue  # another run claimed it meanwhile, and sends it
        except Exception:  # one opportunity's failure must not stop the others' reminders
            logger.exception("reminders of funding opportunity %s not queued", opportunity.pk)
            continue
        queued += len(recipients)
    return queued
