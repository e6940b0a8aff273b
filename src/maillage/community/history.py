"""The community's log of who did what (CommunityLog): one function, called by the services
inside the transaction of the change they record."""

from __future__ import annotations

from datetime import datetime

from maillage.accounts.models import User
from maillage.community.models import (
    Announcement,
    CommunityAction,
    CommunityLog,
    Document,
    FundingOpportunity,
)


def record(
    actor: User,
    action: CommunityAction,
    subject: Announcement | Document | FundingOpportunity,
    at: datetime,
) -> CommunityLog:
    """Append that `actor` did `action` to `subject` (saved: its id and title are kept, even
    once it is deleted) at `at` (an aware instant)."""
    return CommunityLog.objects.create(
        action=action, subject_id=subject.pk, title=subject.title, actor=actor, at=at
    )
