"""Staff's and managers' pages over statements.

The statements page (Département staff) lists the issued months and issues the next one:
the work is queued (tasks.issue_month) and its page follows it until done. A statement's
page and files (canonical CSV, spreadsheet CSV, PDF) are open to whoever may see it
(permissions.can_view_statement: staff, and a programme's statement to its place's
managers); to anyone else they are 404, as if there were no such statement."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_tasks.base import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.roles import has_departement_rights, require_departement_staff
from maillage.core.forms import attach
from maillage.core.links import PageLink
from maillage.core.paging import page_of
from maillage.core.text import euros
from maillage.reimbursements import disputes, payments, services, tasks
from maillage.reimbursements.documents import (
    describe_line,
    document_of,
    spreadsheet_csv,
    statements_with_parties,
)
from maillage.reimbursements.forms import DisputeForm, PaymentForm
from maillage.reimbursements.models import (
    Dispute,
    ReimbursementStatement,
    StatementLine,
    StatementMonth,
)
from maillage.reimbursements.permissions import can_view_statement
from maillage.reimbursements.statement_pdf import statement_pdf

# The managers' statements page (the manager app registers it): a statement's page leads
# its place's managers back there.
MANAGER_STATEMENTS_PAGE = PageLink("the managers' statements page")
MONTHS_PER_PAGE = 6
UNEXPECTED_FAILURE = (
    "L'émission s'est arrêtée sur une erreur inattendue, consignée dans le journal du "
    "serveur : rien n'a été émis. Relancez-la ; si l'erreur revient, signalez-la à l'équipe "
    "technique."
)


def _month_asked(raw: str) -> tuple[date | None, str | None]:
    """The month a form names (`mois`: AAAA-MM-JJ, its first day) and None, or None and why
    it is refused (French)."""
    try:
        month = date.fromisoformat(raw)
    except ValueError:
        return None, "« Mois » : indiquez le premier jour du mois à émettre (AAAA-MM-JJ)."
    if month.day != 1:
        return None, "« Mois » : indiquez le premier jour du mois à émettre (AAAA-MM-JJ)."
    if StatementMonth.objects.filter(month=month).exists():
        return None, f"Les relevés {services.of_month(month)} sont déjà émis."
    try:
        services.check_may_issue(month)
    except services.StatementError as error:
        return None, error.message
    return month, None


def _statements_page(request: SignedInRequest, refusal: str | None = None) -> HttpResponse:
    months = StatementMonth.objects.prefetch_related(
        Prefetch(
            "statements",
            queryset=statements_with_parties().order_by("-payer", "year", "number"),
        )
    ).order_by("-month")
    upcoming = services.next_month_to_issue()
    return render(
        request,
        "reimbursements/statements.html",
        {
            "page": page_of(request, months, MONTHS_PER_PAGE),
            "upcoming": upcoming,
            "upcoming_of": services.of_month(upcoming) if upcoming else "",
            "refusal": refusal,
        },
        status=400 if refusal else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def statements(request: SignedInRequest) -> HttpResponse:
    """The issued months, newest first (MONTHS_PER_PAGE a page), each with its statements,
    and the form issuing the next month. POST (`mois`, AAAA-MM-JJ): queues its issue and
    redirects to its progress page; 400 with the French reason, nothing queued, for a month
    that is not over, not the next or already issued. Département staff only (403)."""
    require_departement_staff(request.user)
    if request.method != "POST":
        return _statements_page(request)
    month, refusal = _month_asked(request.POST.get("mois", ""))
    if month is None:
        return _statements_page(request, refusal)
    result = tasks.issue_month.enqueue(month.isoformat(), request.user.pk)
    return redirect("reimbursements:issuing", task_id=result.id)


@require_safe
@login_required
def issuing(request: SignedInRequest, task_id: str) -> HttpResponse:
    """The progress of a month's issue (`task_id`: its queued task): «en cours», the page
    refreshing itself every few seconds, until the month is issued or the task failed (its
    French reason). Département staff only (403); 404 for an unknown task."""
    require_departement_staff(request.user)
    try:
        result = tasks.issue_month.get_result(str(task_id))
    except (TaskResultDoesNotExist, TaskResultMismatch) as missing:
        raise Http404("Aucune émission de relevés à cette adresse.") from missing
    month = date.fromisoformat(result.args[0])
    issued = StatementMonth.objects.filter(month=month).first()
    failure = None
    if result.status == TaskResultStatus.FAILED:
        failure = UNEXPECTED_FAILURE
    elif result.status == TaskResultStatus.SUCCESSFUL:
        failure = (result.return_value or {}).get("refusal")
    done = result.status == TaskResultStatus.SUCCESSFUL and failure is None
    return render(
        request,
        "reimbursements/issuing.html",
        {
            "month_name": services.month_name(month),
            "month_of": services.of_month(month),
            "finished": result.is_finished,
            "failure": failure,
            "issued": issued if done else None,
            "statement_count": issued.statements.count() if done and issued else 0,
        },
    )


def _viewable(request: SignedInRequest, pk: int) -> ReimbursementStatement:
    """The statement `pk` if the user may see it (permissions.can_view_statement); 404
    otherwise, whether or not it exists."""
    statement = get_object_or_404(statements_with_parties(), pk=pk)
    if not can_view_statement(request.user, statement):
        raise Http404("Aucun relevé à cette adresse.")
    return statement


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _statement_page(
    request: SignedInRequest,
    found: ReimbursementStatement,
    payment_form: PaymentForm | None = None,
) -> HttpResponse:
    staff = has_departement_rights(request.user)
    return render(
        request,
        "reimbursements/statement.html",
        {
            "document": document_of(found),
            "back": None if staff else MANAGER_STATEMENTS_PAGE(),
            "staff": staff,
            "payment_form": (payment_form or PaymentForm()) if staff else None,
        },
        status=400 if payment_form is not None and payment_form.errors else 200,
    )


@require_safe
@login_required
def statement(request: SignedInRequest, pk: int) -> HttpResponse:
    """A statement's page: heading, its payment (expected, or made), lines (by place, with
    subtotals, on an employer's; contested ones marked), total, digest and how to check
    it, its files; for staff, the forms recording its payment and contesting a line."""
    return _statement_page(request, _viewable(request, pk))


@require_POST
@login_required
def record_payment(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record the statement's payment (PaymentForm: `paid_on`, `reference`) and go back to
    its page; 400 with the errors under their fields, nothing written. Staff only (403)."""
    require_departement_staff(request.user)
    found = get_object_or_404(statements_with_parties(), pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            payments.record_payment(
                found, request.user, form.cleaned_data["paid_on"], form.cleaned_data["reference"]
            )
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, f"Le paiement du relevé {found.reference} est enregistré.")
            return redirect("reimbursements:statement", pk=found.pk)
    return _statement_page(request, found, form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def contest_line(request: SignedInRequest, pk: int, position: int) -> HttpResponse:
    """Contest the line at `position` of statement `pk` (DisputeForm: `reason`): its share is
    given back now and comes off the next month's statement. GET: the form, with what
    contesting does; POST: done, back to the statement; 400 with the errors, nothing
    written. Staff only (403); 404 for an unknown line."""
    require_departement_staff(request.user)
    found = get_object_or_404(statements_with_parties(), pk=pk)
    line = get_object_or_404(StatementLine, statement=found, position=position)
    form = DisputeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            disputes.dispute(line, request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(
                request,
                f"La ligne {line.position} est contestée : le prochain relevé retire "
                f"{euros(line.cents)}.",
            )
            return redirect("reimbursements:statement", pk=found.pk)
    return render(
        request,
        "reimbursements/contest_line.html",
        {
            "statement": found,
            "line": line,
            "what": describe_line(line),
            "contested": Dispute.objects.filter(line=line).first(),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_safe
@login_required
def statement_csv(request: SignedInRequest, pk: int) -> HttpResponse:
    """The canonical CSV, byte for byte what the digest was computed over."""
    found = _viewable(request, pk)
    return _download(
        services.canonical_csv_of(found),
        "text/csv; charset=utf-8",
        f"releve-{found.reference}.csv",
    )


@require_safe
@login_required
def statement_spreadsheet(request: SignedInRequest, pk: int) -> HttpResponse:
    """The statement for French spreadsheets (documents.spreadsheet_csv)."""
    found = _viewable(request, pk)
    return _download(
        spreadsheet_csv(document_of(found)),
        "text/csv; charset=utf-8",
        f"releve-{found.reference}-tableur.csv",
    )


@require_safe
@login_required
def statement_pdf_file(request: SignedInRequest, pk: int) -> HttpResponse:
    """The statement as PDF (statement_pdf)."""
    found = _viewable(request, pk)
    return _download(
        statement_pdf(document_of(found)), "application/pdf", f"releve-{found.reference}.pdf"
    )
