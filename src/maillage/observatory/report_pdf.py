"""The printable scenario report as PDF (fpdf2: pure Python, no system libraries)."""

from datetime import date

from django.conf import settings
from django.urls import reverse
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from maillage.core.pdf import FONT, readable_table, setup
from maillage.core.text import decimal, integer, minutes, percent
from maillage.observatory.map_figure import (
    MINUTE_COLOURS,
    frame,
    minute_class_labels,
    minutes_colour,
    outer_rings,
    rgb,
)
from maillage.observatory.services import ScenarioComparison
from maillage.observatory.wording import scenario_summary
from maillage.territory.models import Commune

NEW_SITE_COLOUR = rgb("#0b5fa5")
OPEN_PLACE_COLOUR = rgb("#1b7a3a")
MAP_WIDTH_MM = 120
# Room the commune table's heading, introduction and first rows need at the foot of a page.
COMMUNE_TABLE_START_MM = 60
MAP_MAX_HEIGHT_MM = 165
LEGEND_GAP_MM = 6


def _draw_legend(pdf: FPDF, left: float, top: float) -> None:
    """The map's key, in a column right of the map: the minute classes, then the points."""
    width = pdf.w - pdf.r_margin - left
    pdf.set_xy(left, top)
    pdf.set_font(FONT, style="B", size=8)
    pdf.multi_cell(
        width, 4, "Temps d'accès moyen à pied avec le scénario", align="L", new_x=XPos.LEFT
    )
    pdf.set_font(FONT, size=8)
    swatch = 4
    for hex_colour, label in zip(MINUTE_COLOURS, minute_class_labels(), strict=True):
        y = pdf.get_y() + 1
        with pdf.local_context(fill_color=rgb(hex_colour), draw_color=(80, 80, 80), line_width=0.2):
            pdf.rect(left, y, swatch, swatch, style="DF")
        pdf.set_xy(left + swatch + 2, y)
        pdf.cell(width - swatch - 2, swatch, label, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_x(left)
    pdf.ln(2)
    for colour, radius, label in (
        (OPEN_PLACE_COLOUR, 0.9, "Lieu ouvert"),
        (NEW_SITE_COLOUR, 1.5, "Site ouvert par le scénario"),
    ):
        y = pdf.get_y() + 1
        with pdf.local_context(fill_color=colour):
            centre_x, centre_y = left + swatch / 2, y + swatch / 2
            pdf.ellipse(centre_x - radius, centre_y - radius, 2 * radius, 2 * radius, style="F")
        pdf.set_xy(left + swatch + 2, y)
        pdf.cell(width - swatch - 2, swatch, label, new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.set_x(left)


def _draw_map(pdf: FPDF, comparison: ScenarioComparison) -> None:
    """The communes coloured by mean access time, the places and the new sites, with the
    key beside the map. Its colours are set in a local context: nothing drawn afterwards
    (the tables) inherits them."""
    mean_minutes = {c.code: c.mean_minutes for c in comparison.after.communes}
    geometries = dict(
        Commune.objects.filter(insee_code__in=mean_minutes).values_list("insee_code", "geometry")
    )
    box = frame(geometries.values(), MAP_WIDTH_MM, MAP_MAX_HEIGHT_MM)
    height = box.height
    if pdf.get_y() + 2 + height > pdf.h - pdf.b_margin:
        pdf.add_page()
    left, top = pdf.l_margin, pdf.get_y() + 2

    def to_page(lon: float, lat: float) -> tuple[float, float]:
        x, y = box.project(lon, lat)
        return left + x, top + y

    with pdf.local_context(draw_color=(80, 80, 80), line_width=0.2):
        for code, geometry in geometries.items():
            pdf.set_fill_color(*rgb(minutes_colour(mean_minutes[code])))
            for ring in outer_rings(geometry):
                pdf.polygon([to_page(lon, lat) for lon, lat in ring], style="DF")
        for sites, colour, radius in (
            (comparison.existing_sites, OPEN_PLACE_COLOUR, 0.9),
            (comparison.new_sites, NEW_SITE_COLOUR, 1.5),
        ):
            pdf.set_fill_color(*colour)
            for site in sites:
                x, y = to_page(site.longitude, site.latitude)
                pdf.ellipse(x - radius, y - radius, 2 * radius, 2 * radius, style="F")
    _draw_legend(pdf, left + MAP_WIDTH_MM + LEGEND_GAP_MM, top)
    pdf.set_xy(pdf.l_margin, top + height + 3)


def scenario_pdf(scenario, comparison: ScenarioComparison, today: date) -> bytes:
    before, after = comparison.before, comparison.after
    threshold = after.threshold
    pdf = setup(
        FPDF(format="A4"),
        title=scenario.name,
        author="Maillage — Observatoire",
        subject="Scénario d'ouverture de tiers-lieux",
    )
    pdf.add_page()
    pdf.set_font(FONT, size=9)
    pdf.cell(
        0,
        5,
        f"Observatoire du maillage des tiers-lieux — {today:%d/%m/%Y}",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font(FONT, style="B", size=16)
    pdf.multi_cell(0, 8, scenario.name, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    if scenario.description:
        pdf.multi_cell(0, 5, scenario.description, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(
        0,
        5,
        f"{scenario_summary(len(comparison.new_sites), before.departement.places)} "
        f"Temps d'accès estimés à pied ; seuil : {threshold} minutes.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    # The HTML report is the accessible version (headings, table headers, text alternatives).
    html_report = settings.MAILLAGE_SITE_URL.rstrip("/") + reverse(
        "observatory:scenario_report", args=[scenario.pk]
    )
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(
        0,
        5,
        f"Version accessible de ce rapport (HTML) : {html_report}",
        link=html_report,
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    rows = [
        ("Indicateur", "Aujourd'hui", "Avec le scénario"),
        (
            f"Habitants à {threshold} min ou moins",
            percent(before.departement.share_within[threshold]),
            percent(after.departement.share_within[threshold]),
        ),
        (
            "Temps d'accès moyen",
            minutes(before.departement.mean_minutes),
            minutes(after.departement.mean_minutes),
        ),
        ("Temps d'accès du 90ᵉ centile", minutes(before.p90_minutes), minutes(after.p90_minutes)),
        ("Lieux", str(before.departement.places), str(after.departement.places)),
        (
            "Postes pour 1 000 habitants",
            decimal(before.departement.seats_per_thousand),
            decimal(after.departement.seats_per_thousand),
        ),
        (
            "Indice d'inégalité entre communes (Gini)",
            decimal(before.gini_mean_access),
            decimal(after.gini_mean_access),
        ),
        (
            "Habitants en zone sous-desservie",
            integer(before.underserved_population),
            integer(after.underserved_population),
        ),
    ]
    with readable_table(
        pdf, col_widths=(3, 1.2, 1.2), text_align=("LEFT", "RIGHT", "RIGHT")
    ) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
    pdf.ln(3)
    _draw_map(pdf, comparison)
    pdf.ln(2)
    pdf.set_font(FONT, style="B", size=12)
    pdf.cell(0, 7, "Sites ouverts par le scénario", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    for site in comparison.new_sites:
        pdf.multi_cell(0, 5, f"• {site.label}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if comparison.cost.sentence:
        pdf.multi_cell(0, 5, comparison.cost.sentence, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    # The commune table follows on the same page when a few rows fit under its heading (its
    # headings repeat on each page it spans): no page holding only the end of the list.
    if pdf.get_y() > pdf.h - pdf.b_margin - COMMUNE_TABLE_START_MM:
        pdf.add_page()
    else:
        pdf.ln(4)
    pdf.set_font(FONT, style="B", size=12)
    pdf.cell(0, 7, "Par commune", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=9)
    pdf.multi_cell(
        0,
        5,
        f"Part des habitants à {threshold} minutes ou moins et temps d'accès moyen à pied, "
        "les communes les plus améliorées d'abord.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(1)
    pdf.set_font(FONT, size=8)
    with readable_table(
        pdf,
        col_widths=(3, 1, 1, 1, 1),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
    ) as table:
        header = table.row()
        for title in (
            "Commune",
            "Part aujourd'hui",
            "Part avec le scénario",
            "Temps moyen aujourd'hui",
            "Temps moyen avec le scénario",
        ):
            header.cell(title)
        for first, second in comparison.communes():
            row = table.row()
            for value in (
                first.name,
                percent(first.share_within[threshold]),
                percent(second.share_within[threshold]),
                minutes(first.mean_minutes),
                minutes(second.mean_minutes),
            ):
                row.cell(value)
    return bytes(pdf.output())
