"""The meeting's summary (DOCX): who took part, the agreements (what, who, by when) and the
follow-up the cluster chose. Sent the day after the meeting with the summary mail."""

from __future__ import annotations

from typing import ClassVar

from docx.shared import Pt
from pydantic import BaseModel

from renderers.docx_page import DOCX, new_page, to_bytes
from renderers.registry import RenderedDocument, register
from renderers.templates.table_widths import fixed_widths
from renderers.text import clean_text
from schemas.order.documents import DocumentSource
from schemas.shared.danish_format import date_long, datetime_long


class SummaryAgreement(BaseModel):
    text: str
    owner: str
    due: str


class SummaryContext(BaseModel):
    about: str
    cluster: str
    municipality: str | None
    meeting: str
    minute_taker: str
    participants: int
    agreements: list[SummaryAgreement]
    follow_up: list[str]
    quality_unit: str
    stamp: str


class MeetingSummary:
    kind: ClassVar[str] = "meeting_summary"

    def context(self, source: DocumentSource) -> SummaryContext:
        minutes = source.minutes
        if minutes is None:
            raise ValueError("the summary is rendered from the minutes; none are recorded")
        choices = minutes.follow_up
        follow_up = []
        if choices.board_meeting:
            follow_up.append("Klyngens bestyrelse holder et møde og skriver arbejdsgangen ned.")
        if choices.klu:
            follow_up.append("Emnet tages op i det kommunalt-lægelige udvalg (KLU).")
        if choices.contact_person:
            follow_up.append(f"Kontaktperson for aftalerne: {choices.contact_person}.")
        if choices.follow_up_meeting:
            partner = source.package.words.partner
            new_extract = choices.new_extract and source.package.process.extract and partner
            extra = [
                what
                for chosen, what in (
                    (choices.repeat_survey, "spørgeskemaet gentages"),
                    (new_extract, f"{partner.definite if partner else ''} laver et nyt datatræk"),
                )
                if chosen
            ]
            follow_up.append(
                f"Opfølgende klyngemøde {datetime_long(choices.follow_up_meeting)}"
                + (f" ({' og '.join(extra)})" if extra else "")
                + "."
            )
        unit = source.package.quality_unit(source.order.cluster.region)
        return SummaryContext(
            cluster=source.order.cluster.name,
            about=source.package.words.meeting_about,
            municipality=source.order.municipality.name if source.order.municipality else None,
            meeting=date_long(source.order.meeting.start),
            minute_taker=minutes.minute_taker,
            participants=minutes.participants,
            agreements=[
                SummaryAgreement(text=a.text, owner=a.owner, due=date_long(a.due))
                for a in minutes.agreements
            ],
            follow_up=follow_up,
            quality_unit=unit.shown_name
            + (f" ({', '.join(unit.contacts)})" if unit.contacts else ""),
            stamp=source.timeline.planned_at.date().isoformat() + "T00:00:00Z",
        )

    def render(self, context: SummaryContext) -> RenderedDocument:
        ctx = SummaryContext.model_validate(clean_text(context.model_dump()))
        met = f" · med {ctx.municipality}" if ctx.municipality else ""
        doc = new_page(
            f"Opsummering af klyngemødet om {ctx.about}", f"{ctx.cluster}{met} · {ctx.meeting}"
        )
        doc.add_paragraph(f"{ctx.participants} deltog. Referent: {ctx.minute_taker}.")
        doc.add_heading("Aftaler", level=2)
        if ctx.agreements:
            table = doc.add_table(rows=1, cols=4)
            table.style = "Light List Accent 1"
            headers = ("Nr.", "Aftale", "Ansvarlig", "Frist")
            for cell, text in zip(table.rows[0].cells, headers, strict=True):
                cell.text = text
            for number, agreement in enumerate(ctx.agreements, start=1):
                cells = table.add_row().cells
                values = (str(number), agreement.text, agreement.owner, agreement.due)
                for cell, text in zip(cells, values, strict=True):
                    cell.text = text
            for row in table.rows:
                for cell in row.cells:
                    cell.paragraphs[0].runs[0].font.size = Pt(9)
            # The page's 17.4 cm: the agreement's text gets the room, the number a little.
            fixed_widths(table, (1.0, 8.9, 4.0, 3.5))
            doc.add_paragraph(
                "Den ansvarlige får en påmindelse en uge før fristen og på dagen, indtil "
                "aftalen er markeret som udført."
            )
        else:
            doc.add_paragraph("Der blev ikke indgået konkrete aftaler.")
        doc.add_heading("Opfølgning", level=2)
        for line in ctx.follow_up or ["Der blev ikke valgt opfølgning."]:
            doc.add_paragraph(line, style="List Bullet")
        doc.add_paragraph(f"Sparring: {ctx.quality_unit}.")
        return RenderedDocument(
            filename="opsummering.docx", media_type=DOCX, content=to_bytes(doc, ctx.stamp)
        )


register(MeetingSummary())
