"""Announcements of the referent to every member: published by Département staff on the
«Annonces» page, and emailed outside the request by the task queue.

`publish` writes the announcement and enqueues `deliver_announcement` in the same
transaction (the database backend's task row: both or neither). The task queues one email
per recipient (community.selectors.announcement_recipients), each in a transaction with its
`AnnouncementDelivery` row, unique per announcement and person: a task run again (retried,
or twice at once) skips whoever already has theirs, so each recipient is emailed once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from maillage.accounts.roles import require_departement_staff
from maillage.community import emails, history, selectors
from maillage.community.models import Announcement, AnnouncementDelivery, CommunityAction
from maillage.core import outbox

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def publish(
    actor: User | AnonymousUser, *, title: str, body: str, now: datetime | None = None
) -> Announcement:
    """Publish an announcement (staff only), recorded in the community's log, and enqueue
    its emails. Raises PermissionDenied or ValidationError (the title's and text's rules,
    named), and then writes nothing."""
    staff = require_departement_staff(actor)
    announcement = Announcement(
        title=title.strip(),
        body=body.strip(),
        published_at=now or timezone.now(),
        published_by=staff,
    )
    announcement.full_clean()
    announcement.save()
    history.record(
        staff, CommunityAction.ANNOUNCEMENT_PUBLISHED, announcement, announcement.published_at
    )
    deliver_announcement.enqueue(announcement.pk)
    return announcement


def deliver(announcement_id: int, now: datetime | None = None) -> int:
    """Queue the announcement's email to each recipient who has not had it yet; how many
    were queued by this call (0 for an unknown announcement). Each recipient in their own
    transaction: one that fails is logged and written nothing (the task run again sends it
    to them); the others go on."""
    now = now or timezone.now()
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    done = AnnouncementDelivery.objects.filter(announcement=announcement).values("user_id")
    queued = 0
    for user in selectors.announcement_recipients().exclude(pk__in=done):
        try:
            with transaction.atomic():
                _, created = AnnouncementDelivery.objects.get_or_create(
                    announcement=announcement, user=user, defaults={"queued_at": now}
                )
                if created:
                    outbox.queue(
                        emails.ANNOUNCEMENT_TOPIC,
                        user.email,
                        user=user,
                        context={"announcement": announcement.pk},
                        now=now,
                    )
        except Exception:  # one recipient's failure must not stop the others' emails
            logger.exception("announcement %s not queued to user %s", announcement.pk, user.pk)
            continue
        queued += int(created)
    return queued


@task()
def deliver_announcement(announcement_id: int) -> int:
    """The worker's run of `deliver` for one announcement; how many emails it queued."""
    return deliver(announcement_id)
