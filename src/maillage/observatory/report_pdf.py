"""The printable scenario report as PDF (fpdf2: pure Python, no system libraries)."""

import math
from datetime import date

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from maillage.observatory.services import ScenarioComparison
from maillage.territory.models import Commune

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
# The PDF core fonts speak Latin-1: a few typographic characters are written plainly.
PLAIN = str.maketrans(
    {
        "\u202f": " ",
        "\u00a0": " ",
        "’": "'",
        "œ": "oe",
        "Œ": "OE",
        "€": "EUR",
        "–": "-",
        "—": "-",
        "…": "...",
    }
)


def _text(value) -> str:
    return str(value).translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def _percent(share: float) -> str:
    return f"{share * 100:.1f} %".replace(".", ",")


def _minutes(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:.1f} min".replace(".", ",")


def _minutes_colour(minutes: float) -> tuple[int, int, int]:
    for bound, colour in zip(MINUTE_CLASSES, MINUTE_COLOURS, strict=False):
        if minutes < bound:
            return colour
    return MINUTE_COLOURS[-1]


def _gini(report) -> str:
    value = report.gini_mean_access
    return "-" if value is None else f"{value:.2f}".replace(".", ",")


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
    pdf.set_font("Helvetica", size=8)
    pdf.multi_cell(
        0,
        4,
        _text(
            "Couleur des communes : temps d'accès moyen à pied avec le scénario (du clair, "
            "moins de 5 minutes, au foncé, 30 minutes et plus). Points verts : lieux ouverts ; "
            "points bleus : sites ouverts par le scénario."
        ),
    )


def scenario_pdf(scenario, comparison: ScenarioComparison, today: date) -> bytes:
    before, after = comparison.before, comparison.after
    threshold = after.threshold
    pdf = FPDF(format="A4")
    pdf.set_title(_text(scenario.name))
    pdf.set_author("Maillage - Observatoire")
    pdf.set_subject("Scénario d'ouverture de tiers-lieux")
    pdf.set_lang("fr-FR")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.cell(
        0,
        5,
        _text(f"Observatoire du maillage des tiers-lieux - {today:%d/%m/%Y}"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.multi_cell(0, 8, _text(scenario.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    if scenario.description:
        pdf.multi_cell(0, 5, _text(scenario.description), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.multi_cell(
        0,
        5,
        _text(
            f"{len(comparison.new_sites)} site(s) ouvert(s) en plus des "
            f"{before.departement.places} lieux ouverts aujourd'hui. Temps d'accès estimés à "
            f"pied ; seuil : {threshold} minutes."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    rows = [
        ("Indicateur", "Aujourd'hui", "Avec le scénario"),
        (
            f"Habitants à {threshold} min ou moins",
            _percent(before.departement.share_within[threshold]),
            _percent(after.departement.share_within[threshold]),
        ),
        (
            "Temps d'accès moyen",
            _minutes(before.departement.mean_minutes),
            _minutes(after.departement.mean_minutes),
        ),
        ("Temps d'accès du 90e centile", _minutes(before.p90_minutes), _minutes(after.p90_minutes)),
        ("Lieux", str(before.departement.places), str(after.departement.places)),
        (
            "Postes pour 1 000 habitants",
            f"{before.departement.seats_per_thousand:.2f}".replace(".", ","),
            f"{after.departement.seats_per_thousand:.2f}".replace(".", ","),
        ),
        ("Indice d'inégalité entre communes (Gini)", _gini(before), _gini(after)),
        (
            "Habitants en zone sous-desservie",
            f"{before.underserved_population:,.0f}".replace(",", " "),
            f"{after.underserved_population:,.0f}".replace(",", " "),
        ),
    ]
    with pdf.table(col_widths=(3, 1.2, 1.2), text_align=("LEFT", "RIGHT", "RIGHT")) as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(_text(value))
    pdf.ln(3)
    _draw_map(pdf, comparison)
    pdf.ln(2)
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.cell(0, 7, _text("Sites ouverts par le scénario"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    for site in comparison.new_sites:
        pdf.cell(0, 5, _text(f"- {site.name}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=12)
    pdf.cell(0, 7, _text("Par commune"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=8)
    with pdf.table(
        col_widths=(3, 1, 1, 1, 1), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
    ) as table:
        header = table.row()
        for title in ("Commune", "Part aujourd'hui", "Part après", "Temps moyen", "Temps après"):
            header.cell(_text(title))
        for first, second in comparison.communes():
            row = table.row()
            for value in (
                first.name,
                _percent(first.share_within[threshold]),
                _percent(second.share_within[threshold]),
                _minutes(first.mean_minutes),
                _minutes(second.mean_minutes),
            ):
                row.cell(_text(value))
    return bytes(pdf.output())
