"""Shared layout for the one-page Word documents (handouts, practice sheet)."""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocumentType
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.story import StoryPart
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

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


def add_link(paragraph: Paragraph, url: str, text: str | None = None) -> None:
    """``text`` (the address itself by default) as a link: clickable in Word, and a link
    annotation in the PDF LibreOffice makes of the page. python-docx has no API for it."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), _related(paragraph.part, url))
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), BLUE)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(colour)
    props.append(underline)
    run.append(props)
    words = OxmlElement("w:t")
    words.text = text or url
    words.set(qn("xml:space"), "preserve")
    run.append(words)
    link.append(run)
    paragraph._p.append(link)


def link_picture(run: Run, url: str) -> None:
    """The picture in ``run`` (a QR code) opens ``url`` when clicked, as its text does."""
    (drawing,) = run._r.xpath(".//wp:docPr")
    click = OxmlElement("a:hlinkClick")
    click.set(qn("r:id"), _related(run.part, url))
    drawing.append(click)


def _related(part: StoryPart, url: str) -> str:
    return part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
