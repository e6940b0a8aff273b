"""The statements' pages and files: who opens which (staff, the place's managers, nobody
else), the canonical CSV byte for byte, the spreadsheet variant, the PDF, issuing a month
from the staff's page through the task queue, and the managers' page showing an employer's
lines at their places only."""

import hashlib
import re
from dataclasses import replace
from datetime import UTC, date
from unittest import mock

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.reimbursements import services, tasks
from maillage.reimbursements.documents import Line, PlaceLines, document_of
from maillage.reimbursements.models import ReimbursementStatement, StatementMonth
from maillage.reimbursements.statement_pdf import statement_pdf
from tests.factories import BookablePlaceFactory, DeskFactory, ManagerFactory
from tests.moments import NOW, paris
from tests.observatory.pdf_text import pdf_text
from tests.observatory.worker import run_ready_tasks
from tests.pages import text
from tests.programmes.builders import employer_quota, programme, staff, verified

pytestmark = pytest.mark.django_db

DECEMBER = date(2026, 12, 1)
JANUARY = paris(2027, 1, 4, 9)
SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))
NEXT_DAY = (paris(2026, 12, 3, 9), paris(2026, 12, 3, 11))
FILES = ("statement", "statement_csv", "statement_spreadsheet", "statement_pdf")


@pytest.fixture
def issued_nothing(desks, booker, place_manager):
    """December 2026: one honoured booking of la-ruche's programme, not issued yet; then
    pages (and the task) answer as on Monday 4 January 2027, December over."""
    programme(desks.place)
    verified(booker, "rsa")
    honoured(booker, desks, place_manager)
    with mock.patch("django.utils.timezone.now", return_value=JANUARY.astimezone(UTC)):
        yield


def honoured(person, space, manager, slot=SLOT):
    made = booking.book(person, space.pk, *slot, now=NOW, channel=Channel.PAGE)
    return booking.check_in(manager, made, now=made.start, channel=Channel.PAGE)


@pytest.fixture
def second_place(commune):
    """«le-hangar», another bookable place, with its desks and its own manager."""
    place = BookablePlaceFactory(commune=commune, slug="le-hangar", name="Le Hangar")
    return DeskFactory(place=place, name="Plateau"), ManagerFactory(
        email="gestion@hangar.test", places=[place]
    )


@pytest.fixture
def issued(desks, booker, other_booker, place_manager, second_place):
    """December 2026 issued: la-ruche's programme statement (one booking, 6 €) and the
    employer's statement with a day at la-ruche and a day at le-hangar."""
    hangar_desks, hangar_manager = second_place
    programme(desks.place)
    verified(booker, "rsa")
    employer_quota([desks.place, hangar_desks.place], [other_booker])
    honoured(booker, desks, place_manager)
    at_ruche = honoured(other_booker, desks, place_manager)
    at_hangar = honoured(other_booker, hangar_desks, hangar_manager, NEXT_DAY)
    services.issue_month(DECEMBER, staff(), now=JANUARY)
    return {
        "programme": ReimbursementStatement.objects.get(payer="programme"),
        "employer": ReimbursementStatement.objects.get(payer="employer"),
        "at_ruche": at_ruche,
        "at_hangar": at_hangar,
    }


def urls(statement):
    return [reverse(f"reimbursements:{name}", args=[statement.pk]) for name in FILES]


def test_staff_open_every_statement_and_its_files(client, issued, staff_user):
    client.force_login(staff_user)
    for statement in (issued["programme"], issued["employer"]):
        for url in urls(statement):
            assert client.get(url).status_code == 200, url


def test_the_places_managers_open_its_programme_statement(client, issued, place_manager):
    client.force_login(place_manager)
    for url in urls(issued["programme"]):
        assert client.get(url).status_code == 200, url


def test_nobody_else_opens_a_statement(client, issued, resident, manager, second_place):
    _, hangar_manager = second_place
    for url in urls(issued["programme"]):
        assert client.get(url).status_code == 302  # anonymous: to the login page
    for person in (resident, manager, hangar_manager):
        client.force_login(person)
        for url in urls(issued["programme"]):
            assert client.get(url).status_code == 404, (person.email, url)


def test_an_employers_statement_opens_to_staff_only(client, issued, place_manager):
    client.force_login(place_manager)
    for url in urls(issued["employer"]):
        assert client.get(url).status_code == 404, url


def test_the_csv_is_the_canonical_form_and_its_sha256_the_digest(client, issued, staff_user):
    statement = issued["programme"]
    client.force_login(staff_user)
    response = client.get(reverse("reimbursements:statement_csv", args=[statement.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="releve-{statement.reference}.csv"'
    )
    assert response.content == services.canonical_csv_of(statement)
    assert hashlib.sha256(response.content).hexdigest() == statement.digest


def test_the_spreadsheet_variant_writes_euros_with_a_comma(client, issued, staff_user):
    statement = issued["programme"]
    client.force_login(staff_user)
    response = client.get(reverse("reimbursements:statement_spreadsheet", args=[statement.pk]))
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeffRelevé;Mois;")
    row = content.splitlines()[1].split(";")
    assert row[0] == statement.reference
    assert row[-1] == "6,00"
    assert row[-3] == f"Réservation n° {statement.lines.get().booking_id}"


def test_the_page_shows_the_statement_without_names(client, issued, staff_user, booker):
    statement = issued["programme"]
    booker.first_name, booker.last_name = "Camille", "Durand-Lefebvre"
    booker.save()
    client.force_login(staff_user)
    page = text(client.get(reverse("reimbursements:statement", args=[statement.pk])))
    assert f"Relevé de remboursement n° {statement.reference}" in page
    assert "Paiement prévu le 3 février 2027" in page  # issued 4 January, 30 days
    assert "Tarif solidaire — Département des Hauts-de-Seine" in page
    assert statement.digest in page and "sha256sum" in page
    assert "6 €" in page
    assert "Durand-Lefebvre" not in page and booker.email not in page


def test_an_employers_statement_has_a_subtotal_per_place(client, issued, staff_user, desks):
    statement = issued["employer"]
    client.force_login(staff_user)
    page = text(client.get(reverse("reimbursements:statement", args=[statement.pk])))
    assert f"Relevé employeur n° {statement.reference}" in page
    assert f"Sous-total {desks.place.name}" in page and "Sous-total Le Hangar" in page


def test_the_pdf_holds_the_heading_the_lines_and_the_digest(client, issued, staff_user):
    statement = issued["employer"]
    client.force_login(staff_user)
    response = client.get(reverse("reimbursements:statement_pdf", args=[statement.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    words = pdf_text(pdf)
    assert f"Relevé employeur n° {statement.reference}" in words
    assert statement.digest in words
    assert "Page 1 / 1" in words
    assert f"Réservation n° {issued['at_hangar'].pk}" in words


def test_a_long_statement_spans_pages_numbered_n_of_n(issued):
    statement = issued["programme"]
    lines = [Line(n, "correction", f"Réservation n° {n}", DECEMBER, -n) for n in range(1, 91)]
    group = PlaceLines(statement.place, lines)
    long = document_of(statement)
    pdf = statement_pdf(replace(long, groups=[group]))
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    words = pdf_text(pdf)
    assert pages >= 2
    assert f"Page {pages} / {pages}" in words
    assert words.count("Montant") == pages  # the column heading on every page
    assert words.rindex("Réservation n° 90") < words.index(statement.digest)


def test_staff_issue_the_next_month_through_the_task_queue(client, issued_nothing, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("reimbursements:statements"))
    page = text(response)
    assert "Émettre les relevés de décembre 2026" in page
    assert f'<a href="{reverse("web:staff_hub")}">Département</a>' in response.content.decode()
    response = client.post(reverse("reimbursements:statements"), {"mois": "2026-12-01"})
    assert response.status_code == 302
    task = DBTaskResult.objects.get()
    assert response["Location"] == reverse("reimbursements:issuing", args=[task.id])
    assert not StatementMonth.objects.exists()  # queued, not done in the request
    waiting = text(client.get(response["Location"]))
    assert "Émission en cours" in waiting and 'http-equiv="refresh"' in waiting
    run_ready_tasks()
    done = text(client.get(response["Location"]))
    assert "Les relevés de décembre 2026 sont émis" in done
    assert "refresh" not in done
    month = StatementMonth.objects.get()
    assert (month.month, month.issued_by) == (DECEMBER, staff_user)
    listed = text(client.get(reverse("reimbursements:statements")))
    assert ReimbursementStatement.objects.get().reference in listed


@pytest.mark.parametrize(
    ("month", "refusal"),
    [
        ("2027-01-01", "Le mois de janvier 2027 n'est pas terminé"),
        ("2026-12-15", "« Mois » : indiquez le premier jour du mois"),
        ("pas une date", "« Mois » : indiquez le premier jour du mois"),
        ("9999-12-01", "Le mois de décembre 9999 n'est pas terminé"),
    ],
)
def test_a_month_that_cannot_be_issued_is_refused(
    client, issued_nothing, staff_user, month, refusal
):
    client.force_login(staff_user)
    response = client.post(reverse("reimbursements:statements"), {"mois": month})
    assert response.status_code == 400
    assert refusal in text(response)
    assert not DBTaskResult.objects.exists() and not StatementMonth.objects.exists()


def test_a_month_out_of_order_is_refused(client, issued_nothing, staff_user):
    client.force_login(staff_user)
    response = client.post(reverse("reimbursements:statements"), {"mois": "2020-01-01"})
    assert response.status_code == 400
    assert "le premier à émettre est décembre 2026" in text(response)
    services.issue_month(DECEMBER, None)
    response = client.post(reverse("reimbursements:statements"), {"mois": "2026-11-01"})
    assert response.status_code == 400
    assert "Le mois de décembre 2026 est déjà émis" in text(response)
    assert not DBTaskResult.objects.exists()


def test_a_failed_issue_shows_its_french_reason(client, issued_nothing, staff_user):
    # Queued long ago for November; December, the first month, was issued since.
    stale = tasks.issue_month.enqueue("2026-11-01", staff_user.pk)
    services.issue_month(DECEMBER, None)
    run_ready_tasks()
    client.force_login(staff_user)
    page = text(client.get(reverse("reimbursements:issuing", args=[stale.id])))
    assert "L'émission a échoué." in page
    assert "Le mois de décembre 2026 est déjà émis" in page
    assert StatementMonth.objects.count() == 1


def test_only_staff_open_the_statements_pages(client, issued_nothing, manager, resident):
    client.force_login(staff())
    client.post(reverse("reimbursements:statements"), {"mois": "2026-12-01"})
    task = DBTaskResult.objects.get()
    pages = [
        reverse("reimbursements:statements"),
        reverse("reimbursements:issuing", args=[task.id]),
    ]
    client.logout()
    for url in pages:
        assert client.get(url).status_code == 302
    for person in (manager, resident):
        client.force_login(person)
        for url in pages:
            assert client.get(url).status_code == 403
        assert client.post(pages[0], {"mois": "2026-12-01"}).status_code == 403
    assert DBTaskResult.objects.count() == 1


def test_managers_see_their_part_of_an_employers_statement_only(
    client, issued, place_manager, second_place
):
    _, hangar_manager = second_place
    client.force_login(place_manager)
    page = text(client.get(reverse("manager:statements")))
    assert issued["programme"].reference in page
    assert "Département des Hauts-de-Seine vous doit" in page
    assert f"Réservation n° {issued['at_ruche'].pk}" in page
    assert f"Réservation n° {issued['at_hangar'].pk}" not in page
    assert reverse("reimbursements:statement", args=[issued["employer"].pk]) not in page
    client.force_login(hangar_manager)
    page = text(client.get(reverse("manager:statements")))
    assert reverse("reimbursements:statement", args=[issued["programme"].pk]) not in page
    assert f"Réservation n° {issued['at_hangar'].pk}" in page
    assert f"Réservation n° {issued['at_ruche'].pk}" not in page


def test_the_managers_page_is_for_managers(client, issued, resident):
    url = reverse("manager:statements")
    assert client.get(url).status_code == 302
    client.force_login(resident)
    assert client.get(url).status_code == 403


def test_the_back_office_shows_statements_read_only(client, issued, staff_user, place_manager):
    statement = issued["programme"]
    client.force_login(staff_user)
    for model in ("statementmonth", "reimbursementstatement"):
        changelist = reverse(f"admin:reimbursements_{model}_changelist")
        assert client.get(changelist).status_code == 200, model
        assert client.get(reverse(f"admin:reimbursements_{model}_add")).status_code == 403
    # Lines tie bookings to programmes: staff seeing categories, with their second factor
    # (tests/eligibility/test_admin.py walks the registry for it).
    assert client.get(reverse("admin:reimbursements_statementline_changelist")).status_code == 403
    listed = client.get(reverse("admin:reimbursements_reimbursementstatement_changelist"))
    assert statement.reference in text(listed) and "6 €" in text(listed)
    change = reverse("admin:reimbursements_reimbursementstatement_change", args=[statement.pk])
    assert 'name="total_cents"' not in client.get(change).content.decode()
    delete = reverse("admin:reimbursements_reimbursementstatement_delete", args=[statement.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ReimbursementStatement.objects.filter(pk=statement.pk).exists()
    client.force_login(place_manager)
    assert client.get(change).status_code == 302  # to the back-office's login


def test_the_back_office_sets_the_payment_delays(client, staff_user):
    client.force_login(staff_user)
    for name in ("admin:programmes_programme_add", "admin:programmes_employer_add"):
        assert 'name="payment_delay_days"' in client.get(reverse(name)).content.decode()
