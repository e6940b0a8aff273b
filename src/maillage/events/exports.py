"""An event's registrations and waiting list as a CSV file for its organisers (French
spreadsheets: core.spreadsheet, cells a spreadsheet cannot run as formulas)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone

from maillage.core.spreadsheet import amount, csv_text
from maillage.events import selectors
from maillage.events.models import Event, Registration, RegistrationStatus

CSV_HEADER = [
    "Nom",
    "Adresse électronique",
    "Statut",
    "Places",
    "Rang sur la liste d'attente",
    "Inscrit le",
    "Place proposée jusqu'au",
    "Présence",
    "Prix (€)",
    "Payé par la personne (€)",
    "Motif",
]
ATTENDANCE = {True: "présent", False: "absent", None: ""}


def _moment(instant: datetime | None) -> str:
    """«01/12/2026 09:30», Paris time; "" for None."""
    return f"{timezone.localtime(instant):%d/%m/%Y %H:%M}" if instant else ""


def registration_rows(event: Event) -> Iterator[list[object]]:
    """One row per registration of `event` (columns CSV_HEADER), in the organisers' order
    (selectors.registrations: registered, awaiting approval, offered, the waiting list in
    its order with each entry's rank, then the ended ones); instants DD/MM/YYYY HH:MM in
    Paris time, amounts in euros with a decimal comma. Cells are raw: csv_text makes them
    safe."""
    rank = 0
    registration: Registration
    for registration in selectors.registrations(event):
        waiting = registration.status == RegistrationStatus.WAITING
        if waiting:
            rank += 1
        user = registration.user
        yield [
            user.get_full_name(),
            user.email,
            registration.get_status_display(),
            registration.seats,
            rank if waiting else "",
            _moment(registration.created_at),
            _moment(registration.offered_until),
            ATTENDANCE[registration.attended],
            amount(registration.price_cents),
            amount(registration.person_price_cents),
            registration.status_reason,
        ]


def registrations_csv(event: Event) -> str:
    """The event's registrations and waiting list as CSV text (registration_rows under
    CSV_HEADER; `;` between cells, a UTF-8 byte order mark), for a page to return as a file
    (see csv_filename)."""
    return csv_text(CSV_HEADER, registration_rows(event))


def csv_filename(event: Event) -> str:
    """«inscriptions-atelier-12-2026-12-02.csv»: the event's id and Paris start date."""
    return f"inscriptions-atelier-{event.pk}-{timezone.localtime(event.start):%Y-%m-%d}.csv"
