"""The managers' statements page (/gestion/remboursements/): month by month, the statements
programmes issued to their places (each opening its page, CSV and PDF: reimbursements.views)
and, of each employer's statement, only the lines at their places with what the employer owes
each of them. Never another place's lines."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.core.paging import page_of
from maillage.manager.bookings import managed_places
from maillage.reimbursements.documents import Document, document_of, statements_with_parties
from maillage.reimbursements.models import Payer, ReimbursementStatement, StatementMonth
from maillage.reimbursements.services import month_name

SECTION = {"manager_section": "reimbursements"}
MONTHS_PER_PAGE = 6


@dataclass(frozen=True)
class MonthOfPlaces:
    """An issued month as the managers of `places` see it: their programmes' statements,
    and their part of each employer's statement (documents limited to their places)."""

    month: StatementMonth
    name: str
    statements: list[ReimbursementStatement]
    employer_parts: list[Document]


def _month_of_places(month: StatementMonth, place_ids: list[int]) -> MonthOfPlaces:
    theirs = statements_with_parties().filter(month=month)
    return MonthOfPlaces(
        month=month,
        name=month_name(month.month),
        statements=list(
            theirs.filter(payer=Payer.PROGRAMME, place_id__in=place_ids).order_by(
                "place__name", "number"
            )
        ),
        employer_parts=[
            document_of(statement, only_places=place_ids)
            for statement in theirs.filter(payer=Payer.EMPLOYER, lines__place_id__in=place_ids)
            .distinct()
            .order_by("employer__name", "number")
        ],
    )


@require_safe
@login_required
def statements(request: SignedInRequest) -> HttpResponse:
    """The months issued with a statement for the user's places, newest first
    (MONTHS_PER_PAGE a page), each a MonthOfPlaces. 403 for someone who manages no place."""
    places = managed_places(request.user)
    place_ids = [place.pk for place in places]
    months = (
        StatementMonth.objects.filter(
            Q(statements__payer=Payer.PROGRAMME, statements__place_id__in=place_ids)
            | Q(statements__payer=Payer.EMPLOYER, statements__lines__place_id__in=place_ids)
        )
        .distinct()
        .order_by("-month")
    )
    page = page_of(request, months, MONTHS_PER_PAGE)
    return render(
        request,
        "manager/reimbursements/statements.html",
        {
            **SECTION,
            "page": page,
            "months": [_month_of_places(month, place_ids) for month in page],
        },
    )
