"""Reads of programmes other apps and pages use: what a person has left of their credits
and quotas (the account page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from maillage.accounts.models import User
from maillage.programmes.models import BenefitKind, CapCounter, CapKind, Programme
from maillage.programmes.periods import period_start
from maillage.programmes.services import Beneficiary, credit_of, eligible_anywhere


@dataclass(frozen=True)
class Left:
    """What `beneficiary` has left of a programme (`public_label`) on `day`: `unit` «cents»
    (a credit: `left` of `granted` cents) or «days» (a quota: `left` of `granted` days), for
    the period starting `period_start`; `child_key` 0 for the person, else a child profile."""

    public_label: str
    unit: str
    left: int
    granted: int
    period_start: date
    child_key: int


def _credit_left(programme: Programme, who: Beneficiary, day: date) -> Left:
    granted, left, start = credit_of(programme, who, day)
    return Left(programme.public_label, "cents", left, granted, start, who.child_key)


def _quota_left(programme: Programme, who: Beneficiary, day: date) -> Left:
    start = period_start(programme.quota_period, day)
    limit = int(programme.quota_days or 0)
    counter = CapCounter.objects.filter(
        programme=programme,
        user=who.user,
        child_key=who.child_key,
        kind=CapKind.QUOTA_DAYS,
        period_start=start,
    ).first()
    used = counter.used if counter else 0
    return Left(programme.public_label, "days", max(0, limit - used), limit, start, 0)


def left_of(user: User, day: date, children: list[int] | tuple[int, ...] = ()) -> list[Left]:
    """The credits and quotas `user` (and their child profiles `children`, by id) hold on
    `day` (a Paris day), with what is left: one line per programme and beneficiary."""
    lines = []
    for child_key in (0, *children):
        who = Beneficiary(user, child_key)
        for programme in eligible_anywhere(who, day):
            if programme.kind == BenefitKind.CREDIT:
                lines.append(_credit_left(programme, who, day))
            elif programme.kind == BenefitKind.QUOTA:
                lines.append(_quota_left(programme, who, day))
    return lines
