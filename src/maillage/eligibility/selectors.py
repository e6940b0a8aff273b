"""Reads of eligibility that other apps use (keep these names and signatures) and the pages'.

`day` is a Paris calendar date. A child profile is named by its id (or the profile); one that
is not `user`'s yields nothing, as if it did not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from maillage.eligibility.models import (
    ChildProfile,
    EligibilityStatus,
    State,
    StatusAccess,
    StatusQuerySet,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User

Child = ChildProfile | int | None


def _valid_statuses(user: User | AnonymousUser, day: date, child: Child) -> StatusQuerySet:
    if not user.is_authenticated or user.pk is None:
        return EligibilityStatus.objects.none()
    child_id = child.pk if isinstance(child, ChildProfile) else child
    return EligibilityStatus.objects.of_holder(user.pk, child_id).valid_on(day)


def categories_of(user: User | AnonymousUser, day: date, child: Child = None) -> frozenset[str]:
    """The codes of the categories of the verified statuses valid on `day` of `user`, or of
    `user`'s child profile `child`."""
    codes = _valid_statuses(user, day, child).values_list("category__code", flat=True)
    return frozenset(codes)


# A holder on a day: (account id, child profile id or 0 for the account's own, Paris day).
HolderDay = tuple[int, int, date]


def categories_by_day(holder_days: Iterable[HolderDay]) -> dict[HolderDay, frozenset[str]]:
    """categories_of for many holders and days at once, in one query: for each (account id,
    child profile id or 0, Paris day), the codes of the categories of the verified statuses
    valid that day (EligibilityStatus.is_valid_on). A child profile that is not the
    account's holds nothing."""
    wanted = list(holder_days)
    if not wanted:
        return {}
    users = {user_id for user_id, _, _ in wanted}
    statuses = (
        EligibilityStatus.objects.filter(state=State.VERIFIED)
        .filter(Q(person_id__in=users) | Q(child__parent_id__in=users))
        .filter(valid_from__lte=max(d for _, _, d in wanted))
        .filter(valid_until__gte=min(d for _, _, d in wanted))
        .select_related("category", "child")
    )
    held: dict[tuple[int, int], list[EligibilityStatus]] = {}
    for status in statuses:
        key = (status.holder_user_id, status.child_id or 0)
        held.setdefault(key, []).append(status)
    return {
        (user_id, child_id, day): frozenset(
            s.category.code for s in held.get((user_id, child_id), []) if s.is_valid_on(day)
        )
        for user_id, child_id, day in wanted
    }


def is_bursary_holder(user: User | AnonymousUser, day: date, child: Child = None) -> bool:
    """Whether a verified status valid on `day` of `user` (or of their child profile `child`)
    says bursary holder (the collégien pass is higher for them)."""
    return _valid_statuses(user, day, child).filter(bursary_holder=True).exists()


def children_of(user: User | AnonymousUser) -> QuerySet[ChildProfile]:
    """`user`'s child profiles, by first name."""
    if not user.is_authenticated:
        return ChildProfile.objects.none()
    return ChildProfile.objects.filter(parent_id=user.pk)


def statuses_of(user: User) -> StatusQuerySet:
    """Every status of `user` and of their children, newest request first, with category
    and child loaded (for their own page)."""
    return EligibilityStatus.objects.filter(person_id=user.pk).select_related(
        "category", "child"
    ) | EligibilityStatus.objects.filter(child__parent_id=user.pk).select_related(
        "category", "child"
    )


def accesses_to(user: User) -> QuerySet[StatusAccess]:
    """What staff did with `user`'s (and their children's) statuses (saw, decided), newest
    first."""
    return StatusAccess.objects.filter(person_id=user.pk).select_related(
        "viewer", "status__category", "status__child"
    )


def personal_data(user: User) -> dict[str, list[dict[str, object]]]:
    """What eligibility holds about `user`, for their personal-data export (GDPR art. 15 and
    20): child profiles, statuses (theirs and their children's) and every staff view of
    them. Dates ISO 8601 (Paris days), instants ISO 8601 in UTC."""

    def instant(value: date | None) -> str | None:  # a datetime is a date
        return value.isoformat() if value is not None else None

    return {
        "enfants": [
            {"prenom": c.first_name, "annee_naissance": c.birth_year, "etablissement": c.school}
            for c in children_of(user)
        ],
        "statuts": [
            {
                "numero": s.pk,
                "categorie": s.category.label,
                "enfant": s.child.first_name if s.child else None,
                "etat": s.get_state_display(),
                "valable_du": instant(s.valid_from),
                "valable_jusqu_au": instant(s.valid_until),
                "boursier": s.bursary_holder,
                "preuve": s.get_proof_mode_display(),
                "demande_le": instant(s.requested_at),
                "decide_le": instant(s.decided_at),
                "motif_du_refus": s.refusal_reason,
            }
            for s in statuses_of(user).order_by("requested_at", "pk")
        ],
        "consultations": [
            {
                "le": instant(a.at),
                "par": a.who(),
                "quoi": a.get_action_display(),
                "statut": a.status_id,
            }
            for a in accesses_to(user)
        ],
    }


def open_requests() -> StatusQuerySet:
    """Requests awaiting a decision, oldest first (staff list)."""
    return (
        EligibilityStatus.objects.filter(state=State.REQUESTED)
        .select_related("category", "person", "child__parent")
        .order_by("requested_at", "pk")
    )
