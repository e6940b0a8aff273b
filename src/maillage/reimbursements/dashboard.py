"""The staff's budget dashboard: what one programme consumed and committed (the one reading
of reimbursements.selectors: `owed_cents` is consumed, `committed_cents` committed), per
commune of the place, per Paris month of the day served, per eligibility category of the
beneficiary on that day, and when its envelope runs out at the last 30 days' pace.

Amounts are integer cents. Shares given back count nowhere.

Categories: a share counts, in full, under each of the programme's categories its
beneficiary (or their child profile) held on the Paris day served (eligibility.selectors.
categories_by_day), so a person holding two of them is counted under both and the category rows
may add up to more than the total; a share whose beneficiary held none of them that day
(the status ended since, or an employer's quota) is under NO_CATEGORY.

The pace (forecast.runs_out_on) is read from the ledger: the envelope's movements for
bookings and event registrations (negative) and for shares given back (positive) in the last
30 days, net, as cents that went out. The ledger is used rather than the shares because a
share has no creation instant, and the ledger is what moved `left_cents`.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncDate, TruncMonth

from maillage.core.spreadsheet import amount, csv_text
from maillage.eligibility.selectors import categories_by_day
from maillage.places.models import Place
from maillage.programmes.models import (
    Account,
    BookingShare,
    Envelope,
    LedgerEntry,
    Programme,
    Reason,
)
from maillage.programmes.periods import PARIS
from maillage.reimbursements import forecast
from maillage.reimbursements.selectors import shares_with_amounts
from maillage.reimbursements.services import month_name, next_month

NO_CATEGORY = "Aucune catégorie du dispositif ce jour-là"
# The envelope's movements that are spending (negative) or its undoing (positive).
SPENDING_REASONS = (Reason.BOOKING, Reason.EVENT, Reason.RELEASE)


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: `key` (an INSEE code, a month «YYYY-MM», a category code;
    empty for NO_CATEGORY), its French `label`, the cents consumed and committed."""

    key: str
    label: str
    owed_cents: int
    committed_cents: int

    @property
    def total_cents(self) -> int:
        return self.owed_cents + self.committed_cents


@dataclass(frozen=True)
class Overview:
    """One programme's figures: its envelope (`budget_cents` granted, `left_cents` left;
    both None without an envelope), the cents consumed and committed, the net cents spent
    over the last forecast.WINDOW_DAYS days (`pace_cents`), the Paris day the envelope runs
    out at that pace (None: never, or no envelope), the rows per commune (by name), per
    month (oldest first) and per category (the programme's categories by label, then
    NO_CATEGORY when any; None when not asked); `runs_out_far`: the day it runs out is
    beyond forecast.FAR_YEARS (too far for the pace to mean much)."""

    programme: Programme
    budget_cents: int | None
    left_cents: int | None
    owed_cents: int
    committed_cents: int
    pace_cents: int
    runs_out_on: date | None
    communes: list[Row]
    months: list[Row]
    categories: list[Row] | None
    runs_out_far: bool = False


def programmes() -> list[Programme]:
    """Every programme, by priority (highest first) then name: the page's choice, its first
    the default."""
    return list(Programme.objects.order_by("-priority", "name", "pk"))


def _shares(programme: Programme) -> Any:
    return shares_with_amounts(
        BookingShare.objects.filter(programme=programme, released_at__isnull=True)
    )


def _sums(rows: Any) -> Any:
    return rows.annotate(owed=Sum("owed_cents"), committed=Sum("committed_cents")).order_by()


def by_commune(programme: Programme) -> list[Row]:
    """The programme's cents consumed and committed per commune of the place (by commune
    name): two queries."""
    per_place = {row["place_ref"]: row for row in _sums(_shares(programme).values("place_ref"))}
    places = Place.objects.filter(pk__in=per_place).values(
        "pk", "commune__insee_code", "commune__name", "commune__sort_name"
    )
    sums: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for place in places:
        key = (place["commune__sort_name"], place["commune__insee_code"], place["commune__name"])
        sums[key][0] += per_place[place["pk"]]["owed"] or 0
        sums[key][1] += per_place[place["pk"]]["committed"] or 0
    return [Row(code, name, *sums[(sort, code, name)]) for sort, code, name in sorted(sums)]


def by_month(programme: Programme) -> list[Row]:
    """The programme's cents consumed and committed per Paris month of the day served, the
    oldest first, the months between without any at 0: one query."""
    months = _sums(
        _shares(programme).annotate(month=TruncMonth("served_at", tzinfo=PARIS)).values("month")
    )
    sums = {
        row["month"].astimezone(PARIS).date(): (row["owed"] or 0, row["committed"] or 0)
        for row in months
    }
    rows: list[Row] = []
    if not sums:
        return rows
    month, last = min(sums), max(sums)
    while month <= last:
        rows.append(Row(f"{month:%Y-%m}", month_name(month), *sums.get(month, (0, 0))))
        month = next_month(month)
    return rows


def by_category(programme: Programme) -> list[Row]:
    """The programme's cents consumed and committed per category of the programme held by
    the beneficiary on the Paris day served (the module's rule for two categories), then
    NO_CATEGORY when any: one query for the sums per person and day, one for their
    statuses (eligibility.selectors.categories_by_day)."""
    per_day = _sums(
        _shares(programme)
        .annotate(day=TruncDate("served_at", tzinfo=PARIS))
        .values("user_id", "child_key", "day")
    )
    per_day = list(per_day)
    held_on = categories_by_day((row["user_id"], row["child_key"], row["day"]) for row in per_day)
    targeted = {c.code: c.label for c in programme.categories.all()}
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in per_day:
        held = held_on[(row["user_id"], row["child_key"], row["day"])]
        for code in (held & targeted.keys()) or {""}:
            sums[code][0] += row["owed"] or 0
            sums[code][1] += row["committed"] or 0
    rows = [
        Row(code, label, *sums[code])
        for code, label in sorted(targeted.items(), key=lambda item: (item[1], item[0]))
    ]
    if "" in sums:
        rows.append(Row("", NO_CATEGORY, *sums[""]))
    return rows


def pace_cents(envelope: Envelope, now: datetime) -> int:
    """The cents that went out of `envelope` in the last forecast.WINDOW_DAYS days up to
    `now` (an aware instant), net of the shares given back: the opposite of the sum of its
    ledger movements for bookings, registrations and releases."""
    moved = LedgerEntry.objects.filter(
        account=Account.ENVELOPE,
        account_id=envelope.pk,
        reason__in=SPENDING_REASONS,
        at__gt=now - timedelta(days=forecast.WINDOW_DAYS),
        at__lte=now,
    ).aggregate(total=Sum("amount"))["total"]
    return -(moved or 0)


def overview(programme: Programme, now: datetime, *, with_categories: bool) -> Overview:
    """`programme`'s figures as of `now` (an aware instant; the forecast counts from its
    Paris day); the category rows only when `with_categories` (the caller checks the
    right to see them)."""
    envelope = Envelope.objects.filter(programme=programme).first()
    totals = _shares(programme).aggregate(owed=Sum("owed_cents"), committed=Sum("committed_cents"))
    pace = pace_cents(envelope, now) if envelope else 0
    today = now.astimezone(PARIS).date()
    runs_out_on = forecast.runs_out_on(envelope.left_cents, pace, today) if envelope else None
    return Overview(
        programme=programme,
        budget_cents=envelope.budget_cents if envelope else None,
        left_cents=envelope.left_cents if envelope else None,
        owed_cents=totals["owed"] or 0,
        committed_cents=totals["committed"] or 0,
        pace_cents=pace,
        runs_out_on=runs_out_on,
        runs_out_far=runs_out_on is not None and forecast.is_far(runs_out_on, today),
        communes=by_commune(programme),
        months=by_month(programme),
        categories=by_category(programme) if with_categories else None,
    )


# One export file per format, every table of the page in it, one row per figure (a long
# table): which table, which line, which measure, its value.
EXPORT_COLUMNS = ("dispositif", "table", "cle", "ligne", "mesure", "valeur")
SPREADSHEET_COLUMNS = ("Dispositif", "Tableau", "Code", "Ligne", "Mesure", "Valeur")
TABLE_LABELS = {
    "synthese": "Synthèse",
    "commune": "Par commune",
    "mois": "Par mois",
    "categorie": "Par catégorie",
}
MEASURE_LABELS = {
    "budget": "Budget accordé (€)",
    "reste": "Reste (€)",
    "consomme": "Consommé (€)",
    "engage": "Engagé (€)",
    "rythme_30_jours": "Dépensé sur 30 jours (€)",
    "epuise_le": "Épuisé le",
}


def export_rows(found: Overview) -> list[tuple[str, str, str, str, int | date | None]]:
    """The page's figures as (table, key, line label, measure, value): the summary
    («synthese»: budget, reste, consomme, engage, rythme_30_jours in cents, epuise_le a
    Paris date or None), then per commune, month and category (when shown) consomme and
    engage in cents."""
    summary: list[tuple[str, int | date | None]] = [
        ("budget", found.budget_cents),
        ("reste", found.left_cents),
        ("consomme", found.owed_cents),
        ("engage", found.committed_cents),
        ("rythme_30_jours", found.pace_cents),
        ("epuise_le", found.runs_out_on),
    ]
    rows: list[tuple[str, str, str, str, int | date | None]] = [
        ("synthese", "", "Ensemble", measure, value) for measure, value in summary
    ]
    for table, lines in (
        ("commune", found.communes),
        ("mois", found.months),
        ("categorie", found.categories or []),
    ):
        for line in lines:
            rows.append((table, line.key, line.label, "consomme", line.owed_cents))
            rows.append((table, line.key, line.label, "engage", line.committed_cents))
    return rows


def canonical_csv(found: Overview) -> str:
    """The export for programs: UTF-8 without byte order mark, commas, LF line ends, the
    columns EXPORT_COLUMNS, amounts in integer cents, dates ISO 8601, an empty value for
    none (the programme is named by its id)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for table, key, label, measure, value in export_rows(found):
        shown = "" if value is None else value.isoformat() if isinstance(value, date) else value
        writer.writerow([found.programme.pk, table, key, label, measure, shown])
    return out.getvalue()


def spreadsheet_csv(found: Overview) -> str:
    """The export for French spreadsheets (core.spreadsheet.csv_text: `;`, a byte order
    mark, no cell run as a formula): the columns SPREADSHEET_COLUMNS, French labels, amounts
    in euros with a decimal comma, dates DD/MM/YYYY (the programme is named by its name)."""
    lines = []
    for table, key, label, measure, value in export_rows(found):
        if isinstance(value, date):
            shown = f"{value:%d/%m/%Y}"
        elif value is None:
            shown = ""
        else:
            shown = amount(value)
        lines.append(
            [
                found.programme.name,
                TABLE_LABELS[table],
                key,
                label,
                MEASURE_LABELS[measure],
                shown,
            ]
        )
    return csv_text(SPREADSHEET_COLUMNS, lines)
