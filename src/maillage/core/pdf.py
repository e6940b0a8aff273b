"""The shared setup of the PDF documents (fpdf2: pure Python, no system libraries): an A4
document with the vendored DejaVu Sans (regular and bold), and tables in dark text on white
with every other row light grey."""

from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace

# Vendored (see fonts/LICENSE.txt): the PDF core fonts are Latin-1 only, and servers have no
# system fonts to rely on.
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
# Tables: dark text on white, every other row light grey, headings a little darker.
TEXT_COLOUR = (20, 20, 20)
RULE_COLOUR = (150, 150, 150)
ZEBRA_COLOUR = (240, 242, 245)
HEADING_COLOUR = (222, 228, 236)
# Bottom margin in mm, where a page breaks by itself.
PAGE_BREAK_MARGIN_MM = 15


def setup(pdf: FPDF, *, title: str, author: str, subject: str) -> FPDF:
    """`pdf` (an FPDF, A4, or a subclass drawing its own header or footer) with DejaVu Sans
    registered as FONT (styles "" and "B"), its metadata in French and pages breaking by
    themselves PAGE_BREAK_MARGIN_MM above the bottom. No page is added."""
    pdf.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_subject(subject)
    pdf.set_lang("fr-FR")
    pdf.set_auto_page_break(auto=True, margin=PAGE_BREAK_MARGIN_MM)
    return pdf


def readable_table(pdf: FPDF, **options: Any) -> Any:
    """An fpdf2 table (a context manager; `options` as FPDF.table's) in dark text on white
    and light grey rows, whatever colours were set before; its first row is the heading,
    repeated on each page the table spans."""
    pdf.set_text_color(*TEXT_COLOUR)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(*RULE_COLOUR)
    return pdf.table(
        cell_fill_color=ZEBRA_COLOUR,
        cell_fill_mode=TableCellFillMode.ROWS,
        headings_style=FontFace(emphasis="BOLD", color=TEXT_COLOUR, fill_color=HEADING_COLOUR),
        **options,
    )
