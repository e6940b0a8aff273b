"""The demo's issued statements: last month's, under the social rate (one person absent)
and the Département's telework quota, valid; a second run adds nothing and fails nothing."""

import pytest
from django.core.management import call_command

from maillage.booking.models import Booking
from maillage.demo.programmes import last_month
from maillage.places.models import today_in_paris
from maillage.reimbursements import services
from maillage.reimbursements.models import ReimbursementStatement, StatementLine, StatementMonth

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys, categories):
    call_command("demo")
    return capsys.readouterr().out


def test_the_demo_has_last_months_statements_and_they_verify(demo):
    month = last_month(today_in_paris())
    assert StatementMonth.objects.filter(month=month).exists()
    issued = ReimbursementStatement.objects.filter(month__month=month)
    assert sorted(issued.values_list("payer", flat=True)) == ["employer", "programme"]
    social = issued.get(payer="programme")
    # Two days checked in and a no-show, whatever the social rate's late rule: 2 or 3 lines.
    assert social.line_count in (2, 3)
    assert issued.get(payer="employer").line_count == 2
    assert all(line.kind == "regular" for line in StatementLine.objects.all())
    in_month = Booking.objects.filter(
        start__date__lt=services.next_month(month), start__date__gte=month
    )
    assert sorted(in_month.values_list("status", flat=True)) == ["checked_in"] * 4 + ["no_show"]
    assert services.verify()[1] == []
    assert f"relevés de remboursement {services.of_month(month)} : 2 émis" in demo
    assert "/departement/remboursements/" in demo


def test_a_second_run_adds_no_statement(demo, capsys):
    before = list(ReimbursementStatement.objects.values_list("pk", "digest"))
    call_command("demo")
    assert "(0 réservations faites)" in capsys.readouterr().out
    assert list(ReimbursementStatement.objects.values_list("pk", "digest")) == before
    assert services.verify() == (len(before), [])
