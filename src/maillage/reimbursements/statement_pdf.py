"""A statement as PDF (A4, through maillage.core.pdf): a heading block on page 1 (the
Département, the statement's title, payer, place, month, dates and total), the lines in a
table whose heading repeats on each page, subtotals per place on an employer's statement,
the total, and the SHA-256 digest with how to check it; «Page n / N» at each page's foot."""

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from maillage.core.formatting import french_date
from maillage.core.pdf import FONT, readable_table, setup
from maillage.core.text import euros
from maillage.reimbursements.documents import Document
from maillage.territory.reference import ILE_DE_FRANCE_DEPARTEMENTS

CHECK_SENTENCE = (
    "Pour vérifier ce relevé, téléchargez son fichier CSV sur la plateforme et calculez "
    "son empreinte SHA-256 (par exemple « sha256sum releve-{reference}.csv ») : elle doit "
    "être identique à celle-ci."
)


class _StatementPDF(FPDF):
    """A4 pages numbered «Page n / N» at their foot, with the statement's reference."""

    def __init__(self, reference: str) -> None:
        super().__init__(format="A4")
        self.reference = reference

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(
            0,
            5,
            f"Relevé n° {self.reference} — Page {self.page_no()} / {{nb}}",
            align="C",
        )


def _line(pdf: FPDF, text: str, *, size: int = 10, bold: bool = False, height: int = 5) -> None:
    pdf.set_font(FONT, style="B" if bold else "", size=size)
    pdf.multi_cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def statement_pdf(document: Document) -> bytes:
    """The PDF bytes of `document` (documents.document_of of the whole statement)."""
    statement = document.statement
    pdf = setup(
        _StatementPDF(statement.reference),
        title=document.title,
        author=f"Département {settings.MAILLAGE_DEPARTEMENT} — Maillage",
        subject=f"{document.title}, {document.month}",
    )
    code = settings.MAILLAGE_DEPARTEMENT
    pdf.add_page()
    _line(
        pdf,
        f"Département : {ILE_DE_FRANCE_DEPARTEMENTS.get(code, code)} ({code}) — Maillage des "
        "tiers-lieux",
        size=9,
    )
    _line(pdf, document.title, size=16, bold=True, height=8)
    _line(pdf, f"Mois : {document.month}")
    payer = "Employeur" if document.is_employer else "Dispositif"
    _line(pdf, f"{payer} : {document.payer}")
    if document.place is not None:
        place = document.place
        _line(
            pdf,
            f"Lieu : {place.name}, {place.address}, {place.postal_code} {place.commune.name}",
        )
    _line(pdf, f"Émis le {french_date(statement.issued_on)}")
    if document.payment is not None:
        _line(
            pdf,
            f"Payé le {french_date(document.payment.paid_on)} (référence "
            f"{document.payment.reference}) ; paiement prévu le "
            f"{french_date(statement.payment_due_on)}",
            bold=True,
        )
    elif statement.nothing_to_pay is not None:
        _line(pdf, statement.nothing_to_pay.capitalize(), bold=True)
    else:
        _line(pdf, f"Paiement prévu le {french_date(statement.payment_due_on)}", bold=True)
    _line(pdf, f"Total : {euros(statement.total_cents)}", size=12, bold=True, height=7)
    pdf.ln(3)
    pdf.set_font(FONT, size=9)
    with readable_table(
        pdf,
        col_widths=(0.6, 1.2, 2.4, 1.2, 1.1),
        text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "RIGHT"),
    ) as table:
        heading = table.row()
        for title in ("Ligne", "Nature", "Objet", "Jour", "Montant"):
            heading.cell(title)
        for group in document.groups:
            if document.is_employer:
                table.row().cell(f"{group.place.name} ({group.place.commune.name})", colspan=5)
            for line in group.lines:
                row = table.row()
                for value in (
                    str(line.position),
                    line.kind,
                    line.what,
                    f"{line.served_on:%d/%m/%Y}",
                    euros(line.cents),
                ):
                    row.cell(value)
            if document.is_employer:
                row = table.row()
                row.cell(f"Sous-total {group.place.name}", colspan=4)
                row.cell(euros(group.subtotal_cents))
    pdf.ln(3)
    _line(
        pdf,
        f"Total du relevé : {euros(statement.total_cents)} ({statement.line_count} lignes)",
        size=11,
        bold=True,
        height=6,
    )
    pdf.ln(2)
    _line(pdf, "Empreinte SHA-256 du relevé", size=9, bold=True)
    _line(pdf, statement.digest, size=8)
    _line(pdf, CHECK_SENTENCE.format(reference=statement.reference), size=8)
    return bytes(pdf.output())
