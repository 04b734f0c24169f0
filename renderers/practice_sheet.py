"""The practice sheet (praksisark): links to the certificate material with a QR code each
(only addresses with a source: a QR code on paper that leads nowhere is the first thing a GP
notices), the region's quality unit, and what the cluster agreed to try."""

from __future__ import annotations

import io
from typing import ClassVar

import segno
from docx.shared import Cm
from pydantic import BaseModel

from renderers.docx_page import DOCX, add_link, link_picture, new_page, to_bytes
from renderers.registry import RenderedDocument, register
from renderers.templates.table_widths import fixed_widths
from renderers.text import clean_text
from schemas.order.documents import DocumentSource
from schemas.shared.danish_format import date_long


class SheetLink(BaseModel):
    title: str
    url: str
    covers: list[str] = []


class SheetAgreement(BaseModel):
    text: str
    owner: str
    due: str


class PracticeSheetContext(BaseModel):
    title: str
    cluster: str
    links: list[SheetLink]
    quality_unit: str
    quality_contact: list[str]
    agreements: list[SheetAgreement]
    stamp: str


def qr_png(url: str) -> bytes:
    """A QR code a phone reads from paper: error level M, 4-module quiet zone."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


class PracticeSheet:
    kind: ClassVar[str] = "practice_sheet"

    def context(self, source: DocumentSource) -> PracticeSheetContext:
        unit = source.package.quality_unit(source.order.cluster.region)
        # A phone number stays on one line on paper ("9243 1999", not "9243" / "1999").
        contact = [c.replace(" ", "\u00a0") if c.startswith("tlf.") else c for c in unit.contacts]
        agreements = [
            SheetAgreement(text=a.text, owner=a.owner, due=date_long(a.due))
            for a in (source.minutes.agreements if source.minutes else [])
        ]
        return PracticeSheetContext(
            title=source.package.words.practice_sheet_title,
            cluster=source.order.cluster.name,
            links=[
                SheetLink(title=link.title, url=link.url, covers=link.covers)
                for link in source.package.shown_links(practice_sheet=True)
            ],
            quality_unit=unit.shown_name,
            quality_contact=contact,
            agreements=agreements,
            stamp=source.timeline.planned_at.date().isoformat() + "T00:00:00Z",
        )

    def render(self, context: PracticeSheetContext) -> RenderedDocument:
        ctx = PracticeSheetContext.model_validate(clean_text(context.model_dump()))
        doc = new_page(ctx.title, f"Til praksis i {ctx.cluster}")
        doc.add_heading("Værktøjer – scan koden med telefonen", level=2)
        table = doc.add_table(rows=0, cols=2)
        for link in ctx.links:
            cells = table.add_row().cells
            code = cells[0].paragraphs[0].add_run()
            code.add_picture(io.BytesIO(qr_png(link.url)), width=Cm(3.0))
            # Read on a screen (the PDF), the code and the address open the page too.
            link_picture(code, link.url)
            cells[1].paragraphs[0].add_run(link.title).bold = True
            if link.covers:
                cells[1].add_paragraph("Her finder I: " + ", ".join(link.covers))
            add_link(cells[1].add_paragraph(), link.url)
        if ctx.links:
            fixed_widths(table, (3.6, 13.8))
        doc.add_heading("Det vil vi prøve i vores praksis", level=2)
        if ctx.agreements:
            for agreement in ctx.agreements:
                doc.add_paragraph(
                    f"{agreement.text} – {agreement.owner}, senest {agreement.due}",
                    style="List Bullet",
                )
        else:
            for _ in range(3):
                doc.add_paragraph("_" * 90)
        doc.add_heading("Hjælp efter mødet", level=2)
        helper = ctx.quality_unit[:1].upper() + ctx.quality_unit[1:]
        doc.add_paragraph(
            f"{helper} kan hjælpe jeres praksis med at følge op"
            + (": " + " · ".join(ctx.quality_contact) if ctx.quality_contact else ".")
        )
        return RenderedDocument(
            filename="praksisark.docx", media_type=DOCX, content=to_bytes(doc, ctx.stamp)
        )


register(PracticeSheet())
