"""Reads of programmes other apps and pages use: what a person has left of their credits
and quotas (the account page), and where they can use their programmes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from maillage.accounts.models import User
from maillage.places.models import Place
from maillage.programmes.models import (
    BenefitKind,
    CapCounter,
    CapKind,
    Period,
    Programme,
    ProgrammePlace,
)
from maillage.programmes.periods import period_start
from maillage.programmes.services import (
    MINUTES_CAP_PERIOD,
    Beneficiary,
    counter_used,
    credit_of,
    eligible_anywhere,
    member_places,
)


@dataclass(frozen=True)
class Left:
    """What `beneficiary` has left of a programme (`public_label`) on `day`: `unit` «cents»
    (a credit: `left` of `granted` cents) or «days» (a quota: `left` of `granted` days), for
    the period starting `period_start`; `child_key` 0 for the person, else a child profile;
    `programme_id` the programme's."""

    public_label: str
    unit: str
    left: int
    granted: int
    period_start: date
    child_key: int
    programme_id: int


def _credit_left(programme: Programme, who: Beneficiary, day: date) -> Left:
    granted, left, start = credit_of(programme, who, day)
    return Left(programme.public_label, "cents", left, granted, start, who.child_key, programme.pk)


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
    return Left(programme.public_label, "days", max(0, limit - used), limit, start, 0, programme.pk)


@dataclass(frozen=True)
class CapLeft:
    """What is left under one of a programme's caps for a beneficiary on a day: `unit`
    «days» (days per month), «minutes» (per calendar year) or «cents» (an amount per
    period), `left` of `limit`, for the period starting `period_start`."""

    unit: str
    left: int
    limit: int
    period_start: date


def caps_left(programme: Programme, who: Beneficiary, day: date) -> list[CapLeft]:
    """The programme's caps for `who` on `day` (a Paris day), with what is left of each."""
    caps = [
        (CapKind.DAYS, "days", programme.cap_days_per_month, Period.MONTH),
        (CapKind.MINUTES, "minutes", programme.cap_minutes_per_year, MINUTES_CAP_PERIOD),
        (CapKind.CENTS, "cents", programme.cap_cents, programme.cap_period),
    ]
    found = []
    for kind, unit, limit, period in caps:
        if limit is None:
            continue
        start = period_start(period, day)
        used = counter_used(programme, who, kind, start)
        found.append(CapLeft(unit, max(0, int(limit) - used), int(limit), start))
    return found


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


def places_of(programmes: Iterable[Programme], user: User) -> dict[int, list[Place]]:
    """Where `user` can use each of `programmes` (by programme id): the places that joined
    it and have not left, shown in the directory (the département's, not closed), by name,
    with their commune; for an employer's quota, only those `user`'s membership allows."""
    chosen = list(programmes)
    found: dict[int, list[Place]] = {programme.pk: [] for programme in chosen}
    allowed: dict[int, set[int]] = {
        programme.pk: member_places(programme, user) or set()
        for programme in chosen
        if programme.kind == BenefitKind.QUOTA
    }
    shown = Place.objects.in_departement(settings.MAILLAGE_DEPARTEMENT).listed()
    joined = (
        ProgrammePlace.objects.filter(
            programme_id__in=list(found), left_at__isnull=True, place__in=shown
        )
        .select_related("place__commune")
        .order_by("place__name", "place_id")
    )
    for row in joined:
        only = allowed.get(row.programme_id)
        if not only or row.place_id in only:
            found[row.programme_id].append(row.place)
    return found
