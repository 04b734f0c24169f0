"""The handouts (uddelingskopier): one printable page with the cluster's survey results."""

from __future__ import annotations

from typing import ClassVar

from docx.shared import Pt
from pydantic import BaseModel

from renderers.docx_page import DOCX, new_page, to_bytes
from renderers.registry import RenderedDocument, register
from renderers.templates.table_widths import fixed_widths
from renderers.text import clean_text, grouped_answers
from schemas.order.documents import DocumentSource
from schemas.package.model import QuestionType
from schemas.shared.danish_format import date_long, percent
from schemas.survey.answers import SurveyResults

MAX_FREE_TEXTS = 6


class HandoutsContext(BaseModel):
    cluster: str
    municipality: str | None
    title: str
    no_survey: str
    meeting_date: str
    survey: SurveyResults | None
    invited: int = 0
    stamp: str


class Handouts:
    kind: ClassVar[str] = "handouts"

    def context(self, source: DocumentSource) -> HandoutsContext:
        return HandoutsContext(
            cluster=source.order.cluster.name,
            municipality=source.order.municipality.name if source.order.municipality else None,
            title=source.package.words.handouts_title,
            no_survey=source.package.words.handouts_no_survey,
            meeting_date=date_long(source.order.meeting.start),
            survey=source.survey_results,
            invited=len(source.order.members),
            stamp=source.timeline.planned_at.date().isoformat() + "T00:00:00Z",
        )

    def render(self, context: HandoutsContext) -> RenderedDocument:
        ctx = HandoutsContext.model_validate(clean_text(context.model_dump()))
        met = f" med {ctx.municipality}" if ctx.municipality else ""
        doc = new_page(ctx.title, f"{ctx.cluster} · klyngemøde{met} {ctx.meeting_date}")
        if ctx.survey is None:
            doc.add_paragraph(
                "Spørgeskemaets resultater var ikke indlæst, da materialet blev lavet. "
                + ctx.no_survey
            )
        else:
            rate = ctx.survey.respondents / ctx.invited if ctx.invited else 0.0
            intro = (
                f"{ctx.survey.respondents} af {ctx.invited} medlemmer i klyngen har svaret"
                f" ({percent(rate)}). Svarene er anonyme."
            )
            if ctx.survey.small_sample:
                intro += " Færre end 3 har svaret – tolk resultaterne varsomt."
            doc.add_paragraph(intro)
            for number, result in enumerate(ctx.survey.questions, start=1):
                doc.add_heading(f"{number}. {result.text}", level=2)
                if result.type == QuestionType.FREE_TEXT:
                    answers = grouped_answers(result.free_texts)
                    shown = answers[:MAX_FREE_TEXTS]
                    for text in shown:
                        doc.add_paragraph(text[:200], style="List Bullet")
                    if len(answers) > len(shown):
                        doc.add_paragraph(f"… og {len(answers) - len(shown)} andre svar.")
                    if not result.free_texts:
                        doc.add_paragraph("Ingen skrev et svar.")
                    continue
                table = doc.add_table(rows=1, cols=3)
                table.style = "Light List Accent 1"
                header = table.rows[0].cells
                header[0].text, header[1].text, header[2].text = "Svar", "Antal", "Andel"
                for option in result.options:
                    cells = table.add_row().cells
                    cells[0].text = option.option
                    cells[1].text = str(option.count)
                    cells[2].text = percent(option.share)
                for row in table.rows:
                    for cell in row.cells:
                        cell.paragraphs[0].runs[0].font.size = Pt(9)
                # The answer's words get the room; a count and a share are short.
                fixed_widths(table, (11.4, 3.0, 3.0))
                said = f"{result.answered} har svaret på spørgsmålet."
                if result.type == QuestionType.MULTIPLE_CHOICE:
                    said += (
                        " Flere svar mulige: andelen er af dem, der svarede, så andelene giver"
                        " tilsammen mere end 100 %."
                    )
                doc.add_paragraph(said)
        return RenderedDocument(
            filename="uddelingskopi.docx", media_type=DOCX, content=to_bytes(doc, ctx.stamp)
        )


register(Handouts())
