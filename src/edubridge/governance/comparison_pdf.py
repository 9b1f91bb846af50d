"""The jurisdictions' comparison as a PDF for a meeting of partners.

The packs' rules, citations and notes are written in English, so the PDF is too, in a
core PDF font that every reader has: no font files to ship, and the file stays small. The
page in the reader's language (and its HTML download) is there for everything else."""

from __future__ import annotations

from datetime import date

from fpdf import FPDF
from fpdf.fonts import FontFace

from edubridge.governance.compare import Row
from edubridge.governance.models import Jurisdiction

DIFFERS = (255, 243, 205)
_PLAIN = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "≈": "~"}
)


def _latin(text: str) -> str:
    """Core fonts know Latin-1: typographic marks become their plain forms."""
    plain = text.translate(_PLAIN)
    return plain.encode("latin-1", errors="replace").decode("latin-1")


def render(jurisdictions: list[Jurisdiction], rows: list[Row], *, only_differences: bool) -> bytes:
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title("Privacy rules by jurisdiction")
    pdf.set_creator("EduBridge")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 8, "Privacy rules by jurisdiction", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 8)
    pdf.multi_cell(
        0,
        4,
        _latin(
            f"Exported from EduBridge on {date.today():%Y-%m-%d}. Written by the EduBridge "
            "governance team from the published laws; not legal advice. Rows where the "
            "jurisdictions differ are shaded."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    first = 38.0
    rest = (pdf.epw - first) / len(jurisdictions)
    with pdf.table(
        col_widths=(first, *([rest] * len(jurisdictions))),
        text_align="LEFT",
        line_height=3.6,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
    ) as table:
        pdf.set_font("helvetica", "", 7)
        heading = table.row()
        heading.cell("Rule")
        for j in jurisdictions:
            heading.cell(_latin(f"{j.title} (v{j.version})"))
        authority = table.row()
        authority.cell("Authority")
        for j in jurisdictions:
            authority.cell(_latin(j.authority))
        for row in rows:
            if only_differences and not row.differs:
                continue
            style = FontFace(fill_color=DIFFERS) if row.differs else None
            line = table.row(style=style)
            line.cell(_latin(row.label + (" (differs)" if row.differs else "")))
            for cell in row.cells:
                text = f"{cell.value}\n[{cell.citation}]" + (f"\n{cell.note}" if cell.note else "")
                line.cell(_latin(text))
    return bytes(pdf.output())
