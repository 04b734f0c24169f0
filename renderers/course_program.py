"""The course program (DOCX, docxtpl): time, slides, activity, purpose and who is responsible,
with clock times from the start and slide numbers after any slides added or removed."""

from __future__ import annotations

import io
from pathlib import Path

from docxtpl import DocxTemplate
from pydantic import BaseModel

from renderers.docx_page import DOCX
from renderers.office_zip import normalise
from renderers.registry import RenderedDocument
from renderers.text import clean_text
from schemas.course.definition import CourseDefinition
from schemas.course.plan import ProgramRow, program_rows
from schemas.course.request import CourseRequest
from schemas.shared.danish_format import datetime_long

TEMPLATE = Path(__file__).with_name("templates") / "course_program.docx"


class CourseProgramContext(BaseModel):
    title: str
    municipality: str
    when: str
    mode: str
    place: str
    jobcenter_teacher: str
    consultant_teacher: str
    learning_goals: list[str]
    cases: list[str]
    rows: list[ProgramRow]
    stamp: str


class CourseProgram:
    """Rendered from a course, not an order: the course workflow calls it directly."""

    kind = "course_program"

    def context(
        self, request: CourseRequest, definition: CourseDefinition, planned_at: str
    ) -> CourseProgramContext:
        return CourseProgramContext(
            title=definition.title,
            municipality=request.municipality,
            when=datetime_long(request.start),
            mode="Fysisk" if request.mode.value == "fysisk" else "Online",
            place=request.place,
            jobcenter_teacher=request.teachers.jobcenter.name,
            consultant_teacher=request.teachers.praksiskonsulent.name,
            learning_goals=definition.learning_goals,
            cases=[c.title for c in definition.cases if c.id in request.cases],
            rows=program_rows(definition, request.start, request.slides),
            stamp=planned_at,
        )

    def render(self, context: CourseProgramContext) -> RenderedDocument:
        ctx = CourseProgramContext.model_validate(clean_text(context.model_dump()))
        template = DocxTemplate(str(TEMPLATE))
        template.render(ctx.model_dump(), autoescape=True)
        # The file's own title (a PDF reader's window, a mail program's attachment list).
        template.docx.core_properties.title = f"Kursusprogram: {ctx.title}"
        buffer = io.BytesIO()
        template.save(buffer)
        return RenderedDocument(
            filename="kursusprogram.docx",
            media_type=DOCX,
            content=normalise(buffer.getvalue(), ctx.stamp),
        )
