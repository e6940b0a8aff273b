"""Issuing a closed month's statements, and checking every issued statement.

A month is issued once, whole, in one transaction (`issue_month`): one StatementMonth row
(unique: a second issuer of the same month waits for the first, then finds it issued) and, per
place and programme, and per employer, a statement of what is owed and not stated yet. For
each share (programmes.models.BookingShare) served before the month's end, what is owed now
(reimbursements.selectors: its cents when honoured, else 0) less what issued statements
already stated of it is the amount of its line: a regular line for a share of the month
stated for the first time, a correction line otherwise (a booking honoured, disputed or fixed
after its month was issued). Nothing is ever changed in an issued statement: a later change
goes on the next month's. Months are issued in order, each after the one before.

Amounts are integer cents; months are Paris calendar months (their first day).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Exists, F, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from maillage.accounts.models import User
from maillage.accounts.roles import has_departement_rights
from maillage.core.dates import MONTHS
from maillage.core.text import with_de
from maillage.programmes.models import BenefitKind, BookingShare, Employer, Programme
from maillage.programmes.periods import PARIS
from maillage.reimbursements import canonical
from maillage.reimbursements.models import (
    LineKind,
    Payer,
    ReimbursementStatement,
    StatementLine,
    StatementMonth,
)
from maillage.reimbursements.selectors import honoured, shares_with_amounts


class StatementError(Exception):
    """A month that cannot be issued: `message` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def month_name(month: date) -> str:
    """«octobre 2026» for any day of that month."""
    return f"{MONTHS[month.month - 1]} {month.year}"


def of_month(month: date) -> str:
    """«d'octobre 2026», «de décembre 2026»: month_name after «de» (core.text.with_de)."""
    return with_de(month_name(month))


def next_month(month: date) -> date:
    """The first day of the month after the one holding `month`."""
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1)


def month_start(month: date) -> datetime:
    """Paris midnight of the first day of the month holding `month` (an aware instant)."""
    return datetime.combine(month.replace(day=1), time(0), tzinfo=PARIS)


def paris_today(now: datetime | None = None) -> date:
    """The Paris calendar day of `now` (default: the present)."""
    return (now or timezone.now()).astimezone(PARIS).date()


def is_closed(month: date, now: datetime | None = None) -> bool:
    """Whether the month holding `month` has ended in Paris."""
    # Before today's month, rather than next_month(month) <= today: no overflow in 9999-12.
    return month.replace(day=1) < paris_today(now).replace(day=1)


def _first_month(now: datetime | None) -> date:
    """The first month ever to issue: the month of the earliest share (or the month before
    the present, when there is no share)."""
    first = shares_with_amounts().aggregate(first=Min("served_at"))["first"]
    before = paris_today(now).replace(day=1) - timedelta(days=1)
    return (first.astimezone(PARIS).date() if first else before).replace(day=1)


def next_month_to_issue(now: datetime | None = None) -> date | None:
    """The month to issue next, when it has ended: the one after the last issued; before
    any, the first month (_first_month). None when that month is not over yet."""
    last = StatementMonth.objects.aggregate(last=Max("month"))["last"]
    candidate = next_month(last) if last is not None else _first_month(now)
    return candidate if is_closed(candidate, now) else None


@dataclass(frozen=True)
class _Due:
    """A line to write, before it has a statement; `employer_id`: the employer whose
    statement it goes on (None: its place's statement for its programme)."""

    share_id: int
    kind: str
    place_id: int
    programme_id: int
    employer_id: int | None
    booking_id: int | None
    registration_id: int | None
    served_on: date
    cents: int


def _due_lines(month: date) -> list[_Due]:
    """What is owed and not stated yet, for every share served before the end of `month`,
    computed in the database (what issued lines stated of each share, summed there): only
    the shares whose amount differs come back. A share stated before goes on the same kind
    of statement as when it was last stated (its employer's, or its place's), whatever its
    programme has become since; a share stated for the first time, by its programme now."""
    start, end = month_start(month), month_start(next_month(month))
    lines_of_share = StatementLine.objects.filter(share=OuterRef("pk"))
    stated = lines_of_share.order_by().values("share").annotate(total=Sum("cents")).values("total")
    last_stated = lines_of_share.order_by("-statement__month__month", "-pk")
    shares = (
        shares_with_amounts(
            BookingShare.objects.filter(
                Q(booking__start__lt=end) | Q(registration__event__start__lt=end)
            )
        )
        .filter(honoured() | Exists(lines_of_share))
        .annotate(
            stated_cents=Coalesce(Subquery(stated, output_field=BigIntegerField()), 0),
            stated_payer=Subquery(last_stated.values("statement__payer")[:1]),
            stated_employer=Subquery(last_stated.values("statement__employer_id")[:1]),
        )
        .annotate(delta_cents=F("owed_cents") - F("stated_cents"))
        .exclude(delta_cents=0)
    )
    due: list[_Due] = []
    for row in shares.values(
        "pk",
        "delta_cents",
        "stated_payer",
        "stated_employer",
        "place_ref",
        "programme_id",
        "programme__kind",
        "programme__employer_id",
        "booking_id",
        "registration_id",
        "served_at",
    ):
        served_at: datetime = row["served_at"]
        never_stated = row["stated_payer"] is None
        if never_stated:
            quota = row["programme__kind"] == BenefitKind.QUOTA
            employer_id = row["programme__employer_id"] if quota else None
        else:
            employer_id = row["stated_employer"] if row["stated_payer"] == Payer.EMPLOYER else None
        due.append(
            _Due(
                share_id=row["pk"],
                kind=(
                    LineKind.REGULAR
                    if never_stated and start <= served_at < end
                    else LineKind.CORRECTION
                ),
                place_id=row["place_ref"],
                programme_id=row["programme_id"],
                employer_id=employer_id,
                booking_id=row["booking_id"],
                registration_id=row["registration_id"],
                served_on=served_at.astimezone(PARIS).date(),
                cents=int(row["delta_cents"]),
            )
        )
    return due


def heading_of(statement: ReimbursementStatement) -> canonical.Heading:
    """The canonical heading of an issued statement."""
    return canonical.Heading(
        reference=statement.reference,
        issued_on=statement.issued_on,
        payment_due_on=statement.payment_due_on,
        month=statement.month.month,
        payer=statement.payer,
        employer_id=statement.employer_id,
    )


def rows_of(lines: list[StatementLine]) -> list[canonical.Row]:
    """The canonical rows of a statement's lines."""
    return [
        canonical.Row(
            position=line.position,
            kind=line.kind,
            place_id=line.place_id,
            programme_id=line.programme_id,
            share_id=line.share_id,
            booking_id=line.booking_id,
            registration_id=line.registration_id,
            served_on=line.served_on,
            cents=int(line.cents),
        )
        for line in lines
    ]


def canonical_csv_of(statement: ReimbursementStatement) -> bytes:
    """The statement's canonical CSV (what its digest was computed over)."""
    return canonical.canonical_csv(heading_of(statement), rows_of(list(statement.lines.all())))


def _next_number(payer: str, year: int, party: dict[str, int]) -> int:
    """The next number of a series: the statements of `year` of a place (`party` holds its
    place_id, whatever the programme) or of an employer (its employer_id)."""
    series = {key: party[key] for key in ("place_id", "employer_id") if key in party}
    last = ReimbursementStatement.objects.filter(payer=payer, year=year, **series).aggregate(
        last=Max("number")
    )["last"]
    return (last or 0) + 1


def _write_statement(
    month_row: StatementMonth,
    payer: str,
    party: dict[str, int],
    delay_days: int,
    due: list[_Due],
    issued_on: date,
) -> ReimbursementStatement:
    """One statement and its lines, numbered next in its series, with its digest."""
    number = _next_number(payer, issued_on.year, party)
    statement = ReimbursementStatement(
        month=month_row,
        payer=payer,
        year=issued_on.year,
        number=number,
        issued_on=issued_on,
        payment_due_on=issued_on + timedelta(days=delay_days),
        line_count=len(due),
        total_cents=sum(d.cents for d in due),
        **party,
    )
    lines = [
        StatementLine(
            position=position,
            kind=d.kind,
            share_id=d.share_id,
            place_id=d.place_id,
            programme_id=d.programme_id,
            booking_id=d.booking_id,
            registration_id=d.registration_id,
            served_on=d.served_on,
            cents=d.cents,
        )
        for position, d in enumerate(due, start=1)
    ]
    statement.digest = canonical.digest(heading_of(statement), rows_of(lines))
    statement.save()
    for line in lines:
        line.statement = statement
    StatementLine.objects.bulk_create(lines)
    return statement


def check_may_issue(month: date, actor: User | None = None, now: datetime | None = None) -> None:
    """Refuse to issue the month holding `month` now (default: the present) by `actor`
    (None: the scheduled task): PermissionDenied when not Département staff, StatementError
    (French) when the month is not over, or is not the next to issue (the one after the
    last issued; before any, the first month: _first_month), or is before the last issued.
    A month already issued passes (issuing it again returns it)."""
    if actor is not None and not has_departement_rights(actor):
        raise PermissionDenied("Seule l'équipe du Département émet les relevés.")
    month = month.replace(day=1)
    if month >= paris_today(now).replace(day=1):
        raise StatementError(
            f"Le mois {of_month(month)} n'est pas terminé : ses relevés sont émis à "
            "partir du premier jour du mois suivant."
        )
    last = StatementMonth.objects.aggregate(last=Max("month"))["last"]
    if last is None:
        first = _first_month(now)
        if month != first:
            raise StatementError(
                f"Aucun mois n'est encore émis : le premier à émettre est {month_name(first)}, "
                "le mois de la première réservation ou inscription financée."
            )
    elif month < last:
        raise StatementError(
            f"Le mois {of_month(last)} est déjà émis : ce qui reste dû "
            f"{of_month(month)} figure en correction sur les relevés suivants."
        )
    elif month > next_month(last):
        raise StatementError(
            f"Les mois sont émis dans l'ordre : émettez d'abord {month_name(next_month(last))}."
        )


def issue_month(month: date, actor: User | None, now: datetime | None = None) -> StatementMonth:
    """Issue the statements of the month holding `month` (by `actor`, Département staff, or
    None: the scheduled task). Idempotent: a month already issued is returned as it is.
    Raises PermissionDenied (not staff) and StatementError (the month is not over, or is not
    the next to issue)."""
    month = month.replace(day=1)
    if actor is not None and not has_departement_rights(actor):
        raise PermissionDenied("Seule l'équipe du Département émet les relevés.")
    existing = StatementMonth.objects.filter(month=month).first()
    if existing is not None:
        return existing
    check_may_issue(month, actor, now)
    issued_at = now or timezone.now()
    issued_on = paris_today(issued_at)
    try:
        with transaction.atomic():
            month_row = StatementMonth.objects.create(
                month=month, issued_at=issued_at, issued_by=actor
            )
            _write_month(month_row, issued_on)
    except IntegrityError:
        # Another issuer of the same month committed first.
        found = StatementMonth.objects.filter(month=month).first()
        if found is None:
            raise
        return found
    return month_row


def _write_month(month_row: StatementMonth, issued_on: date) -> None:
    """Every statement of the month: per place and programme, then per employer."""
    due = _due_lines(month_row.month)
    by_place: dict[tuple[int, int], list[_Due]] = defaultdict(list)
    by_employer: dict[int, list[_Due]] = defaultdict(list)
    for d in due:
        if d.employer_id is not None:
            by_employer[d.employer_id].append(d)
        else:
            by_place[(d.place_id, d.programme_id)].append(d)
    programmes = Programme.objects.in_bulk({programme_id for _, programme_id in by_place})
    for (place_id, programme_id), lines in sorted(by_place.items()):
        lines.sort(key=lambda d: (d.served_on, d.share_id))
        _write_statement(
            month_row,
            Payer.PROGRAMME,
            {"place_id": place_id, "programme_id": programme_id},
            programmes[programme_id].payment_delay_days,
            lines,
            issued_on,
        )
    employers = Employer.objects.in_bulk(list(by_employer))
    for employer_id, lines in sorted(by_employer.items()):
        lines.sort(key=lambda d: (d.place_id, d.served_on, d.share_id))
        _write_statement(
            month_row,
            Payer.EMPLOYER,
            {"employer_id": employer_id},
            employers[employer_id].payment_delay_days,
            lines,
            issued_on,
        )


def issue_closed_months(now: datetime | None = None) -> list[date]:
    """Issue, in order, every month over and not issued yet (next_month_to_issue), as the
    scheduled task does; the months issued."""
    issued: list[date] = []
    while (month := next_month_to_issue(now)) is not None:
        issue_month(month, None, now)
        issued.append(month)
    return issued


@dataclass(frozen=True)
class Finding:
    """Something `verify` found wrong: the statement's reference (or the series) and what."""

    where: str
    what: str


def verify() -> tuple[int, list[Finding]]:
    """Check every issued statement: its digest against its lines' canonical CSV, its line
    count and total against its lines, a programme's statement's lines against its place
    and programme, and each series' numbers (1, 2… without gaps). The
    number of statements checked and what was found wrong (empty: all hold)."""
    findings: list[Finding] = []
    series: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    checked = 0
    statements = ReimbursementStatement.objects.select_related("month").prefetch_related("lines")
    for statement in statements.order_by("pk").iterator(chunk_size=200):
        checked += 1
        lines = list(statement.lines.all())
        if len(lines) != statement.line_count:
            findings.append(
                Finding(statement.reference, f"{len(lines)} lignes pour {statement.line_count}")
            )
        total = sum(int(line.cents) for line in lines)
        if total != statement.total_cents:
            findings.append(
                Finding(statement.reference, f"total {total} pour {statement.total_cents}")
            )
        if statement.payer == Payer.PROGRAMME:
            strays = [
                line.position
                for line in lines
                if (line.place_id, line.programme_id)
                != (statement.place_id, statement.programme_id)
            ]
            if strays:
                findings.append(
                    Finding(statement.reference, f"lignes d'un autre lieu ou dispositif : {strays}")
                )
        found = canonical.digest(heading_of(statement), rows_of(lines))
        if found != statement.digest:
            findings.append(
                Finding(statement.reference, f"empreinte {found} pour {statement.digest}")
            )
        party = statement.place_id if statement.payer == Payer.PROGRAMME else statement.employer_id
        series[(statement.payer, int(party or 0), statement.year)].append(statement.number)
    for (payer, party, year), numbers in sorted(series.items()):
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            findings.append(
                Finding(f"{payer} {party} {year}", f"numéros {sorted(numbers)} : une lacune")
            )
    return checked, findings
