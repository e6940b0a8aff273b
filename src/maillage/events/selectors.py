"""Reads of events' registrations for pages, emails and exports (nothing here writes).

A waiting entry's rank is its place among the event's waiting entries ordered by
(`waiting_since`, `id`), counting from 1; waitlist.rank_text says it in French («3e
position sur la liste d'attente»).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from maillage.accounts.models import User
from maillage.core.text import single_line
from maillage.events import funding
from maillage.events.models import (
    ACTIVE_STATUSES,
    Event,
    Registration,
    RegistrationQuerySet,
    RegistrationStatus,
)


def current_registrations(user: User | AnonymousUser, event: Event) -> list[Registration]:
    """The registrations `user` holds for `event` now (registered, awaiting approval,
    waiting or offered), for themself first then for their child profiles (`child`
    loaded); empty when none or no one is signed in. One query."""
    if not user.is_authenticated:
        return []
    return list(
        Registration.objects.filter(event=event, user_id=user.pk)
        .active()
        .select_related("child")
        .order_by(F("child").asc(nulls_first=True), "pk")
    )


def waiting_rank(registration: Registration) -> int | None:
    """The rank (1 for the first) of a waiting entry on its event's waiting list; None for a
    registration not waiting. One query."""
    if registration.status != RegistrationStatus.WAITING or registration.waiting_since is None:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITING
    ).filter(
        Q(waiting_since__lt=registration.waiting_since)
        | Q(waiting_since=registration.waiting_since, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def waiting_list(event: Event) -> list[Registration]:
    """The event's waiting entries in order, each with its `rank` (1, 2…) and its person."""
    entries = list(
        Registration.objects.filter(event=event).waiting_in_order().select_related("user")
    )
    for rank, entry in enumerate(entries, start=1):
        entry.rank = rank  # type: ignore[attr-defined]
    return entries


# The organisers' list: holding seats first, then waiting, then the others.
_GROUP = Case(
    When(status__in=[RegistrationStatus.REGISTERED], then=Value(0)),
    When(status=RegistrationStatus.AWAITING_APPROVAL, then=Value(1)),
    When(status=RegistrationStatus.OFFERED, then=Value(2)),
    When(status=RegistrationStatus.WAITING, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)


def registrations(event: Event, *, active_only: bool = False) -> RegistrationQuerySet:
    """The event's registrations for its organisers, with their persons: registered first,
    then awaiting approval, offered, waiting (in the list's order), then the ended ones
    (cancelled, declined, lapsed), unless `active_only`; each in the order they came."""
    queryset = Registration.objects.filter(event=event)
    if active_only:
        queryset = queryset.filter(status__in=ACTIVE_STATUSES)
    return (
        queryset.select_related("user")
        .annotate(group=_GROUP)
        .order_by("group", "waiting_since", "created_at", "pk")
    )


def person_label(user: User) -> str:
    """How organisers see a registrant: «Camille Martin (camille@…)», or the address alone;
    on one line."""
    name = single_line(user.get_full_name())
    return f"{name} ({user.email})" if name else user.email


def quote_for(
    person: User,
    event: Event,
    seats: int,
    now: datetime | None = None,
    child_id: int | None = None,
) -> funding.Quote:
    """What `person` would pay for `seats` seats of `event` now (events.funding; the list
    price, the event's price × seats, when no programme pays), for themself or for their
    child profile `child_id` (whose pass pays): for pages to show the price before
    registering. Reads only."""
    now = now or timezone.now()
    return funding.quote(
        funding.RegistrationQuoteRequest(
            person=person,
            event_id=event.pk,
            place_id=event.place_id,
            audience=event.audience,
            start=event.start,
            end=event.end,
            seats=seats,
            list_cents=event.price_cents * seats,
            now=now,
            beneficiary_child_id=child_id,
        )
    )
