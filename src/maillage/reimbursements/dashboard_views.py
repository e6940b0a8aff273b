"""The staff's budget dashboard (/departement/budgets/) and its two exports: Département
staff only; the category breakdown only to those `sees_categories` lets see categories
(view_category and a second factor in this session), in the page and in the exports."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.accounts.roles import require_departement_staff
from maillage.core.text import ascii_digits
from maillage.eligibility.permissions import can_view_category
from maillage.eligibility.second_factor import sees_categories
from maillage.programmes.models import Programme
from maillage.reimbursements import charts, dashboard
from maillage.reimbursements.services import paris_today

PARAMETER = "dispositif"


class Refused(Exception):
    """A query the page cannot answer: its French message and HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _chosen(request: SignedInRequest, choices: list[Programme]) -> Programme | None:
    """The programme named by `?dispositif=` (its id), or the first of `choices`; Refused
    (400) for anything else than a number, (404) for a number naming no programme."""
    raw = request.GET.get(PARAMETER)
    if raw is None or raw == "":
        return choices[0] if choices else None
    if not (ascii_digits(raw) and len(raw) <= 18):
        raise Refused("Le dispositif doit être donné par son numéro (des chiffres).", 400)
    found = next((p for p in choices if p.pk == int(raw)), None)
    if found is None:
        raise Refused(f"Aucun dispositif ne porte le numéro {int(raw)}.", 404)
    return found


def _overview(request: SignedInRequest) -> tuple[list[Programme], dashboard.Overview | None]:
    require_departement_staff(request.user)
    choices = dashboard.programmes()
    chosen = _chosen(request, choices)
    if chosen is None:
        return choices, None
    found = dashboard.overview(chosen, timezone.now(), with_categories=sees_categories(request))
    return choices, found


def _refusal(request: SignedInRequest, refused: Refused) -> HttpResponse:
    return render(
        request,
        "reimbursements/dashboard_refused.html",
        {"message": refused.message},
        status=refused.status,
    )


@require_safe
@login_required
def dashboard_page(request: SignedInRequest) -> HttpResponse:
    """Département staff: one programme's budget (`?dispositif=`: its id; the first by
    priority by default), consumed and committed per commune, month and (to those who may
    see categories) category, when its envelope runs out, with charts and exports; 400 or
    404 with a French message for a bad `dispositif`."""
    try:
        choices, found = _overview(request)
    except Refused as refused:
        return _refusal(request, refused)
    context: dict[str, object] = {"programmes": choices, "found": found}
    if found is not None:
        bars, ticks = charts.month_bars(
            # «12/26»: short enough for two years of months side by side.
            [
                (f"{row.key[5:]}/{row.key[2:4]}", row.owed_cents, row.committed_cents)
                for row in found.months
            ]
        )
        context |= {
            "month_bars": bars,
            "month_ticks": ticks,
            "burn_bars": charts.burn_bars(
                found.budget_cents or 0, found.owed_cents, found.committed_cents
            ),
            "chart_width": charts.WIDTH,
            "chart_height": charts.HEIGHT,
            "baseline": charts.BASELINE,
            "query": urlencode({PARAMETER: found.programme.pk}),
            # Holding the right without a second factor: offer to enter the code.
            "code_needed": found.categories is None and can_view_category(request.user),
        }
    return render(request, "reimbursements/dashboard.html", context)


def _export(
    request: SignedInRequest, text: Callable[[dashboard.Overview], str], suffix: str
) -> HttpResponse:
    try:
        _, found = _overview(request)
    except Refused as refused:
        return _refusal(request, refused)
    if found is None:
        return _refusal(request, Refused("Aucun dispositif n'existe encore.", 404))
    response = HttpResponse(text(found), content_type="text/csv; charset=utf-8")
    today = paris_today()
    name = f"budget-dispositif-{found.programme.pk}-{today:%Y-%m-%d}{suffix}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@login_required
def dashboard_csv(request: SignedInRequest) -> HttpResponse:
    """The page's figures as canonical CSV (dashboard.canonical_csv), same rights and
    refusals as the page."""
    return _export(request, dashboard.canonical_csv, "")


@require_safe
@login_required
def dashboard_spreadsheet(request: SignedInRequest) -> HttpResponse:
    """The page's figures for French spreadsheets (dashboard.spreadsheet_csv), same rights
    and refusals as the page."""
    return _export(request, dashboard.spreadsheet_csv, "-tableur")
