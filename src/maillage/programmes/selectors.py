"""Reads of programmes for the pages: many quotes at once (a search's results), what a person
holds (credits and quotas left, their children's passes), the programmes a manager's places
may join.

Amounts are integer euro cents; days are Paris calendar days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet

from maillage.accounts.models import User
from maillage.booking import funding
from maillage.core.text import french_number
from maillage.eligibility.models import ChildProfile
from maillage.eligibility.selectors import categories_of, children_of, is_bursary_holder
from maillage.places.kinds import SpaceKind
from maillage.places.models import Place
from maillage.programmes import pricing, services
from maillage.programmes.models import (
    BenefitKind,
    CapCounter,
    CapKind,
    LateRule,
    Membership,
    Programme,
    ProgrammePlace,
    Wallet,
)
from maillage.programmes.periods import booking_days, period_start

# --- Many quotes at once ---------------------------------------------------------------------


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


def _memberships(user: User, employer_ids: set[int]) -> dict[int, set[int] | None]:
    """Employer id → the places `user`'s invitation allows (empty: all), for the employers
    that invited them (their first invitation, as services._is_member reads it)."""
    if not employer_ids or not user.can_book:
        return {}
    invited: dict[int, set[int] | None] = {}
    for membership in (
        Membership.objects.filter(employer_id__in=employer_ids, email__iexact=user.email)
        .prefetch_related("places")
        .order_by("pk")
    ):
        invited.setdefault(membership.employer_id, {p.pk for p in membership.places.all()})
    return invited


def _member_at(programme: Programme, user: User, invited: dict, place_id: int) -> bool:
    """services._is_member, from the invitations read once."""
    employer = programme.employer
    if employer is None or not user.can_book:
        return False
    if employer.pk in invited:
        allowed = invited[employer.pk]
        return not allowed or place_id in allowed
    domain = employer.email_domain.lower()
    return bool(domain) and user.email.lower().rsplit("@", 1)[-1] == domain


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
    invited = (
        _memberships(who.user, {p.employer_id for p in programmes if p.employer_id})
        if who.child is None
        else {}
    )
    offers: dict[int, pricing.Offer] = {}
    quotes = []
    for request in requests:
        chosen = []
        for programme in programmes:
            if programme.pk not in joined.get(request.place_id, ()):
                continue
            if programme.space_kinds and request.space_kind not in programme.space_kinds:
                continue
            if programme.kind == BenefitKind.QUOTA:
                if who.child is not None or not _member_at(
                    programme, who.user, invited, request.place_id
                ):
                    continue
            elif not categories & {c.code for c in programme.categories.all()}:
                continue
            chosen.append(programme)
        whole = funding.Quote(
            list_cents=request.list_cents,
            person_cents=request.list_cents,
            beneficiary_child_id=request.beneficiary_child_id,
        )
        if not chosen or request.list_cents == 0:
            quotes.append(whole)
            continue
        for programme in chosen:
            if programme.pk not in offers:
                offers[programme.pk] = services.offer_of(programme, who, first.start, first.end)
        split = pricing.split(
            pricing.PriceBasis(
                list_cents=request.list_cents,
                duration=request.end - request.start,
                seats=request.seats,
                exclusive=SpaceKind(request.space_kind).is_exclusive,
            ),
            [offers[p.pk] for p in chosen],
        )
        quotes.append(
            funding.Quote(
                list_cents=split.list_cents,
                person_cents=split.person_cents,
                shares=tuple(
                    funding.Share(s.programme_id, s.public_label, s.cents, s.rule, s.version)
                    for s in split.shares
                ),
                notices=tuple(services.notice(d) for d in split.declined),
                beneficiary_child_id=request.beneficiary_child_id,
            )
        )
    return quotes


def quote_many(requests: Sequence[funding.QuoteRequest]) -> list[funding.Quote]:
    """The quotes of `requests`, in order, each equal to services.quote's (funding's batch
    quoter): the programmes, the person's categories and invitations are read once per
    (person, beneficiary, window), each programme's balances once, so a search's page of
    results costs a number of queries that does not grow with its results. Writes nothing."""
    groups: dict[tuple, list[int]] = defaultdict(list)
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


# --- What a person holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Holding:
    """A programme a person (or one of their children: `child`) benefits from on a day, as
    their page shows it: its public label and funder, what it pays in French (`benefit`),
    and for a credit or a quota what is left of the current period (`left_cents`, `left_days`,
    `period_end`, the period's last day)."""

    programme_id: int
    public_label: str
    funder: str
    benefit: str
    child: ChildProfile | None = None
    left_cents: int | None = None
    granted_cents: int | None = None
    left_days: int | None = None
    limit_days: int | None = None
    period_end: date | None = None
    places: int = 0


def _benefit(programme: Programme) -> str:
    """What the programme pays, in French (never the category)."""
    match programme.kind:
        case BenefitKind.PERCENT:
            share = french_number((programme.person_basis_points or 0) / 100)
            return f"vous payez {share}\u00a0% du prix public"
        case BenefitKind.FIXED:
            return "vous payez un montant fixe, jamais plus que le prix public"
        case BenefitKind.FREE:
            return "gratuit pour vous"
        case BenefitKind.CREDIT:
            return "un crédit par période, dépensé à chaque réservation"
        case _:
            return "des jours payés par votre employeur"


def terms_of(programme: Programme) -> str:
    """What a place accepts by joining the programme, in French (never the categories)."""
    match programme.kind:
        case BenefitKind.PERCENT:
            share = french_number((programme.person_basis_points or 0) / 100)
            paid = f"la personne paie {share}\u00a0% du prix public"
        case BenefitKind.FIXED:
            paid = "la personne paie un montant fixe, jamais plus que le prix public"
        case BenefitKind.FREE:
            paid = "la personne ne paie rien"
        case BenefitKind.CREDIT:
            paid = "le crédit de la personne paie tout ou partie du prix public"
        case _:
            paid = "l'employeur paie les jours de ses agents, dans leur quota"
    late = (
        "une annulation tardive ou une absence reste payée au lieu"
        if programme.late_rule == LateRule.PLACE_PAID
        else "une annulation tardive ou une absence n'est pas payée au lieu"
    )
    return (
        f"Au prix public de vos espaces, {paid} ; {programme.funder} rembourse au lieu la "
        f"part du dispositif ; {late}. Valable du {programme.valid_from:%d/%m/%Y} au "
        f"{programme.valid_until:%d/%m/%Y}. Le lieu peut quitter le dispositif : les "
        "réservations déjà faites gardent leur tarif."
    )


def _period_end(kind: str, day: date) -> date:
    """The last day of the period of `kind` holding `day`."""
    start = period_start(kind, day)
    probe = start
    while period_start(kind, probe) == start:
        probe = date.fromordinal(probe.toordinal() + 1)
    return date.fromordinal(probe.toordinal() - 1)


def _credit_left(programme: Programme, who: services.Beneficiary, day: date) -> tuple[int, int]:
    """(left, granted) of the beneficiary's credit for the period holding `day`: the wallet's,
    or what it would be opened with."""
    wallet = Wallet.objects.filter(
        programme=programme,
        user=who.user,
        child_key=who.child_key,
        period_start=period_start(programme.credit_period, day),
    ).first()
    if wallet is not None:
        return int(wallet.left_cents), int(wallet.granted_cents)
    # What services opens a wallet with: the bursary holders' credit when it is set.
    granted = int(programme.credit_cents or 0)
    if programme.credit_bursary_cents is not None and is_bursary_holder(who.user, day, who.child):
        granted = int(programme.credit_bursary_cents)
    return granted, granted


def _quota_left(programme: Programme, who: services.Beneficiary, day: date) -> int:
    limit = int(programme.quota_days or 0)
    counter = CapCounter.objects.filter(
        programme=programme,
        user=who.user,
        child_key=0,
        kind=CapKind.QUOTA_DAYS,
        period_start=period_start(programme.quota_period, day),
    ).first()
    return max(limit - (counter.used if counter is not None else 0), 0)


def holdings_of(user: User, day: date) -> list[Holding]:
    """The programmes `user` and their children benefit from on `day` (valid then, holding
    one of its categories, or invited by its employer), each with what is left of its credit
    or quota for the period holding `day`; the person's first, then each child's. A few
    queries per programme held (a person holds a handful)."""
    valid = (
        Programme.objects.filter(valid_from__lte=day, valid_until__gte=day)
        .select_related("employer")
        .prefetch_related("categories")
    )
    programmes = list(valid)
    holdings = []
    children = {child.pk: child for child in children_of(user)}
    beneficiaries = [services.Beneficiary(user, 0)] + [
        services.Beneficiary(user, pk) for pk in children
    ]
    invited = _memberships(user, {p.employer_id for p in programmes if p.employer_id})
    joined = dict(
        ProgrammePlace.objects.filter(programme__in=programmes, left_at__isnull=True)
        .values("programme_id")
        .annotate(places=Count("pk"))
        .values_list("programme_id", "places")
    )
    for who in beneficiaries:
        categories = categories_of(user, day, who.child)
        for programme in programmes:
            if programme.kind == BenefitKind.QUOTA:
                member = (
                    who.child is None
                    and programme.employer_id is not None
                    and (
                        programme.employer_id in invited
                        or _member_at(programme, user, invited, place_id=0)
                    )
                )
                if not member:
                    continue
            elif not categories & {c.code for c in programme.categories.all()}:
                continue
            values: dict = {}
            if programme.kind == BenefitKind.CREDIT:
                left, granted = _credit_left(programme, who, day)
                values = {
                    "left_cents": left,
                    "granted_cents": granted,
                    "period_end": _period_end(programme.credit_period, day),
                }
            elif programme.kind == BenefitKind.QUOTA:
                values = {
                    "left_days": _quota_left(programme, who, day),
                    "limit_days": programme.quota_days,
                    "period_end": _period_end(programme.quota_period, day),
                }
            holdings.append(
                Holding(
                    programme_id=programme.pk,
                    public_label=programme.public_label,
                    funder=programme.funder,
                    benefit=_benefit(programme),
                    child=children.get(who.child_key),
                    places=joined.get(programme.pk, 0),
                    **values,
                )
            )
    return holdings


# --- Places joining ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceProgramme:
    """A programme a place may join, as its manager page shows it: whether it has joined
    (and when, by whom), or left."""

    place: Place
    programme: Programme
    membership: ProgrammePlace | None

    @property
    def joined(self) -> bool:
        return self.membership is not None and self.membership.left_at is None


def joinable(places: QuerySet[Place], day: date) -> list[PlaceProgramme]:
    """Every (place, programme valid on `day` or later) pair of `places`, by place name then
    programme priority, with the place's membership. Three queries."""
    programmes = list(Programme.objects.filter(valid_until__gte=day))
    chosen = list(places.order_by("name"))
    memberships = {
        (m.place_id, m.programme_id): m
        for m in ProgrammePlace.objects.filter(
            place__in=chosen, programme__in=programmes
        ).select_related("joined_by")
    }
    return [
        PlaceProgramme(place, programme, memberships.get((place.pk, programme.pk)))
        for place in chosen
        for programme in programmes
    ]
