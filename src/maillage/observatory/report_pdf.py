"""The printable scenario report as PDF (fpdf2: pure Python, no system libraries)."""

import math
from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from maillage.observatory.services import ScenarioComparison
from maillage.observatory.wording import scenario_summary
from maillage.territory.models import Commune
from maillage.web.templatetags.maillage import decimal, integer, minutes, percent

# Mean walking minutes: class upper bounds and colours, as on the web map.
MINUTE_CLASSES = (5, 10, 15, 20, 30)
MINUTE_COLOURS = [
    (247, 252, 245),
    (199, 233, 192),
    (116, 196, 118),
    (253, 174, 107),
    (230, 85, 13),
    (127, 39, 4),
]
NEW_SITE_COLOUR = (11, 95, 165)
OPEN_PLACE_COLOUR = (27, 122, 58)
MAP_WIDTH_MM = 120
# Vendored (see fonts/LICENSE.txt): the PDF core fonts are Latin-1 only, and servers have no
# system fonts to rely on.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"


def _minutes_colour(value: float) -> tuple[int, int, int]:
    for bound, colour in zip(MINUTE_CLASSES, MINUTE_COLOURS, strict=False):
        if value < bound:
            return colour
    return MINUTE_COLOURS[-1]


def _rings(geometry: dict):
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    for polygon in polygons:
        yield polygon[0]


def _draw_map(pdf: FPDF, comparison: ScenarioComparison) -> None:
    mean_minutes = {c.code: c.mean_minutes for c in comparison.after.communes}
    geometries = dict(
        Commune.objects.filter(insee_code__in=mean_minutes).values_list("insee_code", "geometry")
    )
    points = [p for g in geometries.values() for ring in _rings(g) for p in ring]
    min_lon, max_lon = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    squash = math.cos(math.radians((min_lat + max_lat) / 2))
    scale = MAP_WIDTH_MM / ((max_lon - min_lon) * squash)
    left, top = (pdf.w - MAP_WIDTH_MM) / 2, pdf.get_y() + 2

    def to_page(lon: float, lat: float) -> tuple[float, float]:
        return left + (lon - min_lon) * squash * scale, top + (max_lat - lat) * scale

    pdf.set_draw_color(80, 80, 80)
    pdf.set_line_width(0.2)
    for code, geometry in geometries.items():
        pdf.set_fill_color(*_minutes_colour(mean_minutes[code]))
        for ring in _rings(geometry):
            pdf.polygon([to_page(lon, lat) for lon, lat in ring], style="DF")
    for sites, colour, radius in (
        (comparison.existing_sites, OPEN_PLACE_COLOUR, 0.9),
        (comparison.new_sites, NEW_SITE_COLOUR, 1.5),
    ):
        pdf.set_fill_color(*colour)
        for site in sites:
            x, y = to_page(site.longitude, site.latitude)
            pdf.ellipse(x - radius, y - radius, 2 * radius, 2 * radius, style="F")
    pdf.set_y(top + (max_lat - min_lat) * scale + 3)
    pdf.set_font(FONT, size=8)
    pdf.multi_cell(
        0,
        4,
        "Couleur des communes : temps d'accès moyen à pied avec le scénario (du clair, "
        "moins de 5 minutes, au foncé, 30 minutes et plus). Points verts : lieux ouverts ; "
        "points bleus : sites ouverts par le scénario.",
    )


def scenario_pdf(scenario, comparison: ScenarioComparison, today: date) -> bytes:
    before, after = comparison.before, comparison.after
    threshold = after.threshold
    pdf = FPDF(format="A4")
    pdf.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_title(scenario.name)
    pdf.set_author("Maillage — Observatoire")
    pdf.set_subject("Scénario d'ouverture de tiers-lieux")
    pdf.set_lang("fr-FR")
    pdf.set_auto_page_break(auto=True, margin=15)
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
    with pdf.table(col_widths=(3, 1.2, 1.2), text_align=("LEFT", "RIGHT", "RIGHT")) as table:
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
    pdf.add_page()
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
    with pdf.table(
        col_widths=(3, 1, 1, 1, 1), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
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
