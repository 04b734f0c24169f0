"""Shared layout for the one-page Word documents (handouts, practice sheet)."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentType
from docx.shared import Cm, Pt, RGBColor

from renderers.house_colours import BLUE
from renderers.office_zip import normalise

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KIAP_BLUE = RGBColor.from_string(BLUE)


def new_page(title: str, subtitle: str) -> DocumentType:
    """An A4 page with narrow margins, a blue title and a grey subtitle."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(1.5)
    section.left_margin = section.right_margin = Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    for level in (1, 2):
        doc.styles[f"Heading {level}"].font.color.rgb = KIAP_BLUE
    doc.add_heading(title, level=1)
    sub = doc.add_paragraph(subtitle)
    sub.runs[0].font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    doc.core_properties.author = "KiAP"
    doc.core_properties.title = title
    return doc


def to_bytes(doc: DocumentType, stamp: str) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise(buffer.getvalue(), stamp)
