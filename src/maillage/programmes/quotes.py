"""Prices for the pages, registered with the Funder (ProgrammesConfig.ready): many quotes at
once (the search's results; each equals services.quote's for its request: the programmes, the
person's categories and invitations are read once per (person, beneficiary, window), each
programme's balances once), and the shares frozen on bookings made (the managers' calendar)
and on event registrations.

Amounts are integer euro cents; days are Paris calendar days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal

from django.db.models import Q

from maillage.booking import funding
from maillage.eligibility.selectors import categories_of
from maillage.programmes import pricing, services
from maillage.programmes.models import (
    BenefitKind,
    BookingShare,
    Programme,
    ProgrammePlace,
)
from maillage.programmes.periods import booking_days


def _joined(place_ids: set[int], day: date, at: datetime) -> dict[int, set[int]]:
    """Place id → ids of the programmes valid on `day` it has joined (and not left) by `at`."""
    rows = (
        ProgrammePlace.objects.filter(place_id__in=place_ids, joined_at__lte=at)
        .filter(Q(left_at__isnull=True) | Q(left_at__gt=at))
        .filter(programme__valid_from__lte=day, programme__valid_until__gte=day)
        .values_list("place_id", "programme_id")
    )
    joined: dict[int, set[int]] = defaultdict(set)
    for place_id, programme_id in rows:
        joined[place_id].add(programme_id)
    return joined


def _quote_group(requests: list[funding.QuoteRequest]) -> list[funding.Quote]:
    """The quotes of requests sharing person, beneficiary, window and instant."""
    first = requests[0]
    who = services.Beneficiary(first.person, first.beneficiary_child_id or 0)
    day = booking_days(first.start, first.end)[0]
    joined = _joined({r.place_id for r in requests}, day, first.now)
    ids = set().union(*joined.values()) if joined else set()
    programmes = (
        list(
            Programme.objects.filter(pk__in=ids)
            .select_related("envelope", "employer")
            .prefetch_related("categories")
        )
        if ids
        else []
    )
    categories = (
        categories_of(who.user, day, who.child)
        if any(p.kind != BenefitKind.QUOTA for p in programmes)
        else frozenset()
    )
    employers = {p.employer_id for p in programmes if p.employer_id}
    invited = services.invitations(who.user, employers) if who.child is None else {}
    offers: dict[int, pricing.Offer] = {}
    quotes = []
    for request in requests:
        chosen = [
            programme
            for programme in programmes
            if programme.pk in joined.get(request.place_id, ())
            and programme.covers(request.space_kind)
            and services.meets(programme, who, categories, invited, request.place_id)
        ]
        if not chosen or request.list_cents == 0:
            quotes.append(services.list_price(request))
            continue
        for programme in chosen:
            if programme.pk not in offers:
                offers[programme.pk] = services.offer_of(programme, who, first.start, first.end)
        split = pricing.split(services.price_basis(request), [offers[p.pk] for p in chosen])
        quotes.append(services.quote_of(split, request.beneficiary_child_id))
    return quotes


def quote_many(requests: Sequence[funding.QuoteRequest]) -> list[funding.Quote]:
    """The quotes of `requests`, in order, each equal to services.quote's (funding's batch
    quoter): the programmes, the person's categories and invitations are read once per
    (person, beneficiary, window), each programme's balances once, so a search's page of
    results costs a number of queries that does not grow with its results. Writes nothing."""
    groups: dict[tuple[int, int | None, datetime, datetime, datetime], list[int]] = defaultdict(
        list
    )
    for index, request in enumerate(requests):
        key = (
            request.person.pk,
            request.beneficiary_child_id,
            request.start,
            request.end,
            request.now,
        )
        groups[key].append(index)
    answers: list[funding.Quote | None] = [None] * len(requests)
    for indexes in groups.values():
        for index, quote in zip(indexes, _quote_group([requests[i] for i in indexes]), strict=True):
            answers[index] = quote
    return [quote for quote in answers if quote is not None]


def shares_of(
    booking_ids: Sequence[int], given_back: bool = False
) -> dict[int, tuple[funding.Share, ...]]:
    """The shares of `booking_ids` not given back (all of them when `given_back`), by
    booking id, under their public labels (funding.shares_of); one query."""
    return frozen_shares("booking_id", booking_ids, given_back)


def frozen_shares(
    column: Literal["booking_id", "registration_id"], ids: Sequence[int], given_back: bool
) -> dict[int, tuple[funding.Share, ...]]:
    """The shares whose `column` (a booking's or a registration's id) is one of `ids`, not
    given back (all of them when `given_back`, flagged), by that id and programme id, under
    their public labels; one query."""
    shares: dict[int, list[funding.Share]] = defaultdict(list)
    rows = BookingShare.objects.filter(**{f"{column}__in": ids})
    if not given_back:
        rows = rows.filter(released_at__isnull=True)
    for row in rows.order_by(column, "programme_id"):
        shares[getattr(row, column)].append(
            funding.Share(
                row.programme_id,
                row.public_label,
                int(row.cents),
                row.rule,
                row.version,
                child_id=row.child_key or None,
                given_back=row.released_at is not None,
            )
        )
    return {pk: tuple(held) for pk, held in shares.items()}
