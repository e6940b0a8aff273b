"""An issued statement as people read it (its page, its PDF, its spreadsheet file): its
title, payer and place, and its lines grouped by place with their subtotals. Lines name
bookings and registrations by number, never a person. Amounts are integer cents."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from maillage.core.spreadsheet import amount, csv_text
from maillage.places.models import Place
from maillage.reimbursements.models import (
    Dispute,
    Payer,
    ReimbursementStatement,
    StatementLine,
    StatementPayment,
)
from maillage.reimbursements.services import month_name


@dataclass(frozen=True)
class Line:
    """One line: its position, its kind in French, what it states («Réservation n° 12» or
    «Inscription n° 4»), the Paris day served, its signed amount, and when staff contested
    it (None: not contested) and why."""

    position: int
    kind: str
    what: str
    served_on: date
    cents: int
    contested_at: datetime | None = None
    contest_reason: str = ""


@dataclass(frozen=True)
class PlaceLines:
    """The lines of a statement at one place, and their sum."""

    place: Place
    lines: list[Line]

    @property
    def subtotal_cents(self) -> int:
        return sum(line.cents for line in self.lines)


@dataclass(frozen=True)
class Document:
    """A statement to show: `title` («Relevé de remboursement n° 2027-0001» or «Relevé
    employeur n° E2027-0001»), `month` («décembre 2026»), `payer` (the programme's public
    label and funder, or the employer's name), `place` (a programme's statement's; None for
    an employer's), its lines by place (one group for a programme's statement) and its
    payment once recorded."""

    statement: ReimbursementStatement
    title: str
    month: str
    payer: str
    place: Place | None
    groups: list[PlaceLines]
    payment: StatementPayment | None = None

    @property
    def is_employer(self) -> bool:
        return self.statement.payer == Payer.EMPLOYER


def statements_with_parties():
    """Statements with their month, place (and commune), programme and employer loaded."""
    return ReimbursementStatement.objects.select_related(
        "month", "place__commune", "programme", "employer", "payment"
    )


def describe_line(line: StatementLine) -> str:
    """What a line states: «Réservation n° 12» or «Inscription à un atelier n° 4»."""
    if line.booking_id is not None:
        return f"Réservation n° {line.booking_id}"
    return f"Inscription à un atelier n° {line.registration_id}"


def document_of(
    statement: ReimbursementStatement, only_places: Collection[int] | None = None
) -> Document:
    """The statement as a Document (`statement` loaded by statements_with_parties). With
    `only_places` (place ids), only the lines at those places (a manager's part of an
    employer's statement)."""
    programme, employer = statement.programme, statement.employer
    if employer is not None:
        title, payer = f"Relevé employeur n° {statement.reference}", employer.name
    else:
        title = f"Relevé de remboursement n° {statement.reference}"
        payer = programme.public_label if programme else ""
        if programme and programme.funder:
            payer += f" — {programme.funder}"
    lines = statement.lines.order_by("position")
    if only_places is not None:
        lines = lines.filter(place_id__in=list(only_places))
    contested = {
        line_id: (at, reason)
        for line_id, at, reason in Dispute.objects.filter(line__statement=statement).values_list(
            "line_id", "at", "reason"
        )
    }
    by_place: dict[int, list[Line]] = {}
    for line in lines:
        by_place.setdefault(line.place_id, []).append(
            Line(
                line.position,
                line.get_kind_display(),
                describe_line(line),
                line.served_on,
                line.cents,
                *contested.get(line.pk, (None, "")),
            )
        )
    places = Place.objects.select_related("commune").in_bulk(list(by_place))
    return Document(
        statement=statement,
        title=title,
        month=month_name(statement.month.month),
        payer=payer,
        place=statement.place,
        groups=[PlaceLines(places[pk], found) for pk, found in by_place.items()],
        payment=statement.paid,
    )


SPREADSHEET_HEADER = (
    "Relevé",
    "Mois",
    "Payeur",
    "Émis le",
    "Paiement",
    "Ligne",
    "Nature",
    "Lieu",
    "Objet",
    "Jour",
    "Montant (€)",
)


def spreadsheet_csv(document: Document) -> str:
    """The statement for French spreadsheets (core.spreadsheet: `;`, a byte order mark,
    euros with a decimal comma, dates DD/MM/YYYY), one row per line (SPREADSHEET_HEADER)."""
    statement = document.statement
    rows = [
        (
            statement.reference,
            document.month,
            document.payer,
            f"{statement.issued_on:%d/%m/%Y}",
            statement.payment_state,
            line.position,
            line.kind,
            group.place.name,
            line.what,
            f"{line.served_on:%d/%m/%Y}",
            amount(line.cents),
        )
        for group in document.groups
        for line in group.lines
    ]
    return csv_text(SPREADSHEET_HEADER, rows)
