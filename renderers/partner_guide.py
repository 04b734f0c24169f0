"""The partner's guide (seed 003 for the job centre) as DOCX, from the docxtpl template the
package folder ships (``documents/partner_guide.docx``): its wording is the package's."""

from __future__ import annotations

import io
from typing import ClassVar

from docxtpl import DocxTemplate
from pydantic import BaseModel, Field

from renderers.office_zip import normalise
from renderers.registry import RenderedDocument, register
from renderers.text import clean_text
from schemas.order.documents import DocumentSource
from schemas.order.request import ContactBy
from schemas.order.steps import Step
from schemas.package.program import partner_talks, schedule
from schemas.shared.danish_format import clock, date_long, datetime_long

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ProgramLine(BaseModel):
    time: str
    title: str
    responsible: str


class JobcenterGuideContext(BaseModel):
    cluster: str
    region: str
    municipality: str
    meeting_when: str
    meeting_mode: str
    meeting_place: str
    coordinator_name: str
    coordinator_email: str
    consultant_name: str
    consultant_email: str
    first_contact: str
    premeeting: str
    extract_due: str
    practices_count: int
    program: list[ProgramLine]
    partner_talks: list[str] = Field(
        default_factory=list,
        description="The program's items the partner speaks in, with their minutes and any "
        "timed parts (the short talk inside an item that is mostly dialogue)",
    )
    notes: str | None
    stamp: str
    template: bytes = Field(exclude=True, repr=False)


class JobcenterGuide:
    kind: ClassVar[str] = "partner_guide"

    def context(self, source: DocumentSource) -> JobcenterGuideContext:
        order, timeline = source.order, source.timeline
        program = source.program()
        lines = [
            ProgramLine(
                time=f"{clock(item.start)}–{clock(item.end)}",
                title=item.title,
                responsible=item.responsible,
            )
            for item in schedule(program, order.meeting.start)
        ]
        talks = partner_talks(program, source.package.words.partner)
        consultation = source.consultation
        if consultation is None:
            first_contact = "aftales ved telefonkonsultationen"
        elif consultation.contact_by == ContactBy.KIAP:
            first_contact = "KiAP"
        else:
            first_contact = "klyngen"
        premeeting = (
            datetime_long(source.premeeting_at)
            if source.premeeting_at
            else "aftales med klyngen"
            + (
                f"; senest {date_long(timeline.due[Step.PREMEETING])}"
                if Step.PREMEETING in timeline.due
                else ""
            )
        )
        consultant = source.consultant
        mode = consultation.mode if consultation else order.meeting.mode
        return JobcenterGuideContext(
            cluster=order.cluster.name,
            region=order.cluster.region.value,
            municipality=order.partner.name,
            meeting_when=datetime_long(order.meeting.start),
            meeting_mode=mode.value,
            meeting_place=order.meeting.location or "oplyses af klyngekoordinatoren",
            coordinator_name=order.coordinator.name,
            coordinator_email=order.coordinator.email,
            consultant_name=consultant.name,
            consultant_email=consultant.email,
            first_contact=first_contact,
            premeeting=premeeting,
            extract_due=date_long(timeline.due[Step.PARTNER])
            if Step.PARTNER in timeline.due
            else "",
            practices_count=len(order.practices),
            program=lines,
            partner_talks=talks,
            notes=consultation.notes if consultation else None,
            stamp=timeline.planned_at.date().isoformat() + "T00:00:00Z",
            template=source.template(self.kind),
        )

    def render(self, context: JobcenterGuideContext) -> RenderedDocument:
        template = DocxTemplate(io.BytesIO(context.template))
        values = context.model_dump()
        values["program"] = [line.model_dump() for line in context.program]
        values = clean_text(values)
        # autoescape: names and notes come from users and must not become Word XML.
        template.render(values, autoescape=True)
        buffer = io.BytesIO()
        template.save(buffer)
        return RenderedDocument(
            filename="drejebog-jobcenter.docx",
            media_type=DOCX,
            content=normalise(buffer.getvalue(), context.stamp),
        )


register(JobcenterGuide())
