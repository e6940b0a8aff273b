"""The triggers that freeze issued statements, whatever writes the rows (raw SQL here), and
`maillage statements verify|issue` finding a statement changed behind the triggers' back."""

import importlib
import json
from datetime import UTC, date
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.reimbursements import disputes, payments, services
from maillage.reimbursements.models import ReimbursementStatement, StatementMonth
from tests.moments import NOW, paris
from tests.programmes.builders import programme, staff, verified

SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))
IN_JANUARY = paris(2027, 1, 1, 6)
LINE = "reimbursements_statementline"
FROZEN = importlib.import_module("maillage.reimbursements.migrations.0002_frozen_statements")


@pytest.fixture
def issued(desks, booker, place_manager) -> ReimbursementStatement:
    """December 2026 issued: la-ruche's statement n° 2027-0001, one line of 6 €."""
    programme(desks.place)
    verified(booker, "rsa")
    made = booking.book(booker, desks.pk, *SLOT, now=NOW, channel=Channel.PAGE)
    booking.check_in(place_manager, made, now=SLOT[0], channel=Channel.PAGE)
    services.issue_month(date(2026, 12, 1), None, now=IN_JANUARY)
    return ReimbursementStatement.objects.get()


def refused(sql: str, params: list) -> None:
    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def insert_statement(issued: ReimbursementStatement, number: int, month_id: int) -> list:
    return [
        "INSERT INTO reimbursements_reimbursementstatement (month_id, payer, place_id, "
        "programme_id, employer_id, year, number, issued_on, payment_due_on, line_count, "
        "total_cents, digest) VALUES (%s, 'programme', %s, %s, NULL, %s, %s, %s, %s, 1, 600, %s)",
        [
            month_id,
            issued.place_id,
            issued.programme_id,
            issued.year,
            number,
            issued.issued_on,
            issued.payment_due_on,
            "0" * 64,
        ],
    ]


@pytest.mark.django_db
def test_a_number_that_skips_is_refused_the_next_is_not(issued):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reimbursements_statementmonth (month, issued_at) VALUES (%s, %s)",
            [date(2027, 1, 1), IN_JANUARY],
        )
    month = StatementMonth.objects.get(month=date(2027, 1, 1))
    refused(*insert_statement(issued, 3, month.pk))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(*insert_statement(issued, 2, month.pk))
    assert sorted(ReimbursementStatement.objects.values_list("number", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_a_line_beyond_the_statements_count_is_refused(issued):
    line = issued.lines.get()
    refused(
        f"INSERT INTO {LINE} (statement_id, position, kind, share_id, place_id, programme_id, "  # noqa: S608
        "booking_id, registration_id, served_on, cents) "
        "VALUES (%s, 2, 'correction', %s, %s, %s, %s, NULL, %s, 100)",
        [
            issued.pk,
            line.share_id + 10_000,
            line.place_id,
            line.programme_id,
            line.booking_id,
            line.served_on,
        ],
    )
    assert issued.lines.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE reimbursements_statementmonth SET issued_at = issued_at",
        "DELETE FROM reimbursements_statementmonth",
        "UPDATE reimbursements_reimbursementstatement SET payment_due_on = payment_due_on",
        "DELETE FROM reimbursements_reimbursementstatement",
        "UPDATE reimbursements_statementline SET cents = 700",
        "DELETE FROM reimbursements_statementline",
    ],
)
def test_issued_rows_cannot_be_updated_nor_deleted(issued, sql):
    refused(sql, [])
    assert (StatementMonth.objects.count(), issued.lines.get().cents) == (1, 600)
    assert services.verify() == (1, [])


def tamper_with_a_line(cents: int) -> None:
    """Change the line's cents as someone with the table owner's rights could: the frozen
    trigger lifted for that moment."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {LINE} DISABLE TRIGGER {LINE}_frozen")
            cursor.execute(f"UPDATE {LINE} SET cents = %s", [cents])  # noqa: S608
            cursor.execute(f"ALTER TABLE {LINE} ENABLE TRIGGER {LINE}_frozen")
        else:
            lift, put_back = FROZEN.SQLITE_FROZEN[LINE]
            for sql in lift:
                cursor.execute(sql)
            cursor.execute(f"UPDATE {LINE} SET cents = %s", [cents])  # noqa: S608
            for sql in put_back:
                cursor.execute(sql)


@pytest.mark.django_db(transaction=True)
def test_verify_names_a_statement_changed_behind_the_triggers(issued):
    out = StringIO()
    call_command("statements", "verify", stdout=out)
    assert "1 relevé(s) vérifié(s)" in out.getvalue()
    tamper_with_a_line(700)
    try:
        out = StringIO()
        with pytest.raises(CommandError, match="écart"):
            call_command("statements", "verify", stdout=out)
        assert "2027-0001 : total 700 pour 600" in out.getvalue()
        assert "2027-0001 : empreinte" in out.getvalue()
        out = StringIO()
        with pytest.raises(CommandError):
            call_command("statements", "verify", "--json", stdout=out)
        found = json.loads(out.getvalue())
        assert (found["checked"], found["valid"]) == (1, False)
        assert {f["where"] for f in found["findings"]} == {"2027-0001"}
    finally:
        tamper_with_a_line(600)
    # The triggers put back refuse again.
    refused(f"UPDATE {LINE} SET cents = 1", [])  # noqa: S608
    assert services.verify() == (1, [])


@pytest.mark.django_db
def test_verify_json_when_all_holds(issued):
    out = StringIO()
    call_command("statements", "verify", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"checked": 1, "valid": True, "findings": []}


@pytest.mark.django_db
def test_the_issue_command_issues_the_closed_months_once(desks, booker, place_manager):
    programme(desks.place)
    verified(booker, "rsa")
    made = booking.book(booker, desks.pk, *SLOT, now=NOW, channel=Channel.PAGE)
    booking.check_in(place_manager, made, now=SLOT[0], channel=Channel.PAGE)
    out = StringIO()
    # The command's present (as the suite's pages_at_now does): 1 January 2027.
    with mock.patch("django.utils.timezone.now", return_value=IN_JANUARY.astimezone(UTC)):
        call_command("statements", "issue", "--json", stdout=out)
        assert json.loads(out.getvalue()) == {"issued": ["2026-12-01"]}
        out = StringIO()
        call_command("statements", "issue", stdout=out)
    assert out.getvalue().strip() == "Aucun mois terminé à émettre."
    assert StatementMonth.objects.get().month == date(2026, 12, 1)
    assert ReimbursementStatement.objects.get().total_cents == 600


def test_every_frozen_table_refuses_updates_and_deletes(issued):
    """Each table the migration freezes, with a row in it: a payment and a dispute too."""
    payments.record_payment(issued, staff(), date(2027, 1, 2), "M-1", paris(2027, 1, 3, 9))
    disputes.dispute(issued.lines.get(), staff(), "Pas venue.", now=paris(2027, 1, 3, 9))
    for table in FROZEN.TABLES:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 — the migration's names
            assert cursor.fetchone()[0] >= 1, table
        refused(f"UPDATE {table} SET id = id", [])  # noqa: S608
        refused(f"DELETE FROM {table}", [])  # noqa: S608
