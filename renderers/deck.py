"""The meeting deck (PPTX): program with times, one native chart per closed question,
free-text answers, the job centre's part, reflection questions and the agreements slide.
Speaker notes carry the facilitator's guidance."""

from __future__ import annotations

from typing import ClassVar

from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
from pptx.presentation import Presentation as PresentationType
from pptx.util import Inches, Pt
from pydantic import BaseModel

from renderers.chart_data import TextOnlyChartData
from renderers.registry import RenderedDocument, register
from renderers.slides import (
    PPTX,
    bar_chart,
    bullets,
    new_presentation,
    notes,
    saved,
    title_only,
    title_slide,
)
from renderers.text import clean_text
from schemas.catalog import QuestionType
from schemas.danish_format import clock, date_long, percent
from schemas.documents import DocumentSource
from schemas.extract import AnonymisedExtract
from schemas.order import MeetingMode
from schemas.program import schedule
from schemas.survey import QuestionResult, SurveyResults

FREE_TEXTS_PER_SLIDE = 8


class ProgramRow(BaseModel):
    time: str
    title: str
    responsible: str


class BlockSlide(BaseModel):
    title: str
    reflection: list[str]


class DeckContext(BaseModel):
    title: str
    cluster: str
    municipality: str
    meeting_date: str
    virtual: bool
    program: list[ProgramRow]
    blocks: list[BlockSlide]
    survey: SurveyResults | None
    extract: AnonymisedExtract | None
    added_topics: list[str]
    follow_up_options: list[str]
    quality_unit: str
    stamp: str


def _chart_slide(prs: PresentationType, result: QuestionResult, virtual: bool) -> None:
    slide = title_only(prs, result.text)
    data = TextOnlyChartData(number_format="0%")
    data.categories = [o.option for o in result.options]
    data.add_series("Andel af svarene", [o.share for o in result.options])
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.7), Inches(1.7), Inches(11.9), Inches(4.9), data
    )
    chart = frame.chart
    chart.has_legend = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "0%"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    plot.data_labels.font.size = Pt(14)
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_labels.font.size = Pt(14)
    chart.value_axis.maximum_scale = 1.0
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.tick_labels.font.size = Pt(12)
    chart.value_axis.tick_labels.number_format = "0%"
    chart.value_axis.tick_labels.number_format_is_linked = False
    footer = f"{result.answered} har svaret"
    if result.dont_know_share is not None:
        footer += f" · Ved ikke: {percent(result.dont_know_share)}"
    box = slide.shapes.add_textbox(Inches(0.7), Inches(6.7), Inches(11.9), Inches(0.5))
    box.text_frame.text = footer
    box.text_frame.paragraphs[0].font.size = Pt(16)
    notes(slide, "Lad deltagerne tale med sidemanden om resultatet: Hvad overrasker?", virtual)


def _extract_slides(prs: PresentationType, extract: AnonymisedExtract, virtual: bool) -> None:
    """Charts of the job centre's figures; practices only by label, never provider number."""
    given = [p for p in extract.practices if p.received is not None]
    slide = title_only(prs, "Attester fra klyngens praksis det seneste år")
    series: dict[str, list[float]] = {"Modtagne attester": [p.received or 0 for p in given]}
    if any(p.requests is not None for p in given):
        series["Anmodninger fra jobcenteret"] = [p.requests or 0 for p in given]
    bar_chart(slide, [p.label for p in given], series, "0")
    if extract.missing:
        box = slide.shapes.add_textbox(Inches(0.7), Inches(6.7), Inches(11.9), Inches(0.5))
        box.text_frame.text = "Ikke oplyst af jobcenteret: " + ", ".join(extract.missing)
        box.text_frame.paragraphs[0].font.size = Pt(14)
    notes(slide, "Praksis er anonymiseret; hver praksis kender kun sit eget bogstav.", virtual)
    if extract.types:
        slide = title_only(prs, "Attester fordelt på type")
        bar_chart(
            slide,
            [t.certificate_type for t in extract.types],
            {"Modtagne attester": [t.received for t in extract.types]},
            "0",
        )
        notes(slide, "Hvilke attester fylder mest – og hvorfor?", virtual)
    timed = [p for p in given if p.median_days is not None]
    if timed:
        slide = title_only(prs, "Svartid pr. praksis (median, dage)")
        bar_chart(
            slide, [p.label for p in timed], {"Dage": [p.median_days or 0.0 for p in timed]}, "0.0"
        )
        notes(slide, "Variation i svartid: hvad gør de hurtige anderledes?", virtual)


def _free_text_slides(prs: PresentationType, result: QuestionResult, virtual: bool) -> None:
    texts = result.free_texts or ["Ingen skrev et svar på dette spørgsmål."]
    chunks = [
        texts[i : i + FREE_TEXTS_PER_SLIDE] for i in range(0, len(texts), FREE_TEXTS_PER_SLIDE)
    ]
    for number, chunk in enumerate(chunks, start=1):
        suffix = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
        shown = [t if len(t) <= 160 else t[:157] + "…" for t in chunk]
        slide = bullets(prs, result.text + suffix, shown, size=18)
        notes(slide, "Svarene er vist uden navne. Spørg: Genkender I det?", virtual)


def _quality_unit(source: DocumentSource) -> str:
    unit = source.package.quality_unit(source.order.cluster.region)
    contact = " · ".join(c for c in (unit.email, unit.phone) if c)
    return f"{unit.name} ({contact})" if contact else unit.name


class Deck:
    kind: ClassVar[str] = "deck"

    def context(self, source: DocumentSource) -> DeckContext:
        order = source.order
        program = source.program()
        mode = source.consultation.mode if source.consultation else order.meeting.mode
        return DeckContext(
            title=source.package.title,
            cluster=order.cluster.name,
            municipality=order.municipality.name,
            meeting_date=date_long(order.meeting.start),
            virtual=mode == MeetingMode.VIRTUAL,
            program=[
                ProgramRow(
                    time=f"{clock(i.start)}–{clock(i.end)}",
                    title=i.title,
                    responsible=i.responsible,
                )
                for i in schedule(program, order.meeting.start)
            ],
            blocks=[
                BlockSlide(title=b.title, reflection=b.reflection)
                for b in program.blocks
                if b.reflection
            ],
            survey=source.survey_results,
            extract=source.extract,
            added_topics=list(source.program_changes.added_topics)
            if source.program_changes
            else [],
            follow_up_options=list(source.package.after_meeting_options),
            quality_unit=_quality_unit(source),
            stamp=source.timeline.planned_at.date().isoformat() + "T00:00:00Z",
        )

    def render(self, context: DeckContext) -> RenderedDocument:
        ctx = DeckContext.model_validate(clean_text(context.model_dump()))
        prs = new_presentation()
        title = title_slide(
            prs, ctx.title, f"{ctx.cluster} og {ctx.municipality}\n{ctx.meeting_date}"
        )
        notes(
            title,
            "Byd velkommen, præsentér jobcenterets repræsentanter, og udpeg en referent.",
            ctx.virtual,
        )

        slide = title_only(prs, "Program")
        rows = len(ctx.program) + 1
        table = slide.shapes.add_table(
            rows, 3, Inches(0.7), Inches(1.5), Inches(11.9), Inches(0.45) * rows
        ).table
        table.columns[0].width, table.columns[1].width = Inches(1.9), Inches(7.5)
        table.columns[2].width = Inches(2.5)
        for col, text in enumerate(("Tid", "Punkt", "Ansvarlig")):
            table.cell(0, col).text = text
        for row, item in enumerate(ctx.program, start=1):
            for col, text in enumerate((item.time, item.title, item.responsible)):
                cell = table.cell(row, col)
                cell.text = text
                cell.text_frame.paragraphs[0].font.size = Pt(15)
        notes(slide, "Gennemgå programmet kort. Pausen ligger efter blok 1.", ctx.virtual)

        if ctx.survey is None:
            slide = bullets(
                prs,
                "Spørgeskemaet",
                [
                    "Klyngens svar var ikke indlæst, da materialet blev lavet.",
                    "Spørg i stedet i plenum: Hvordan oplever I attestarbejdet?",
                ],
            )
            notes(slide, "Resultaterne mangler; brug en hurtigrunde i stedet.", ctx.virtual)
        else:
            lines = [f"{ctx.survey.respondents} medlemmer har svaret."]
            if ctx.survey.small_sample:
                lines.append("Obs: færre end 3 svar – tolk resultaterne varsomt.")
            notes(
                bullets(prs, "Klyngens svar på spørgeskemaet", lines),
                "Svarene er anonyme.",
                ctx.virtual,
            )
            for result in ctx.survey.questions:
                if result.type == QuestionType.FREE_TEXT:
                    _free_text_slides(prs, result, ctx.virtual)
                else:
                    _chart_slide(prs, result, ctx.virtual)
            slide = bullets(
                prs,
                "Sidemandssamtale (5 min.)",
                [
                    "Hvad overrasker dig i klyngens svar?",
                    "Hvordan passer svarene med din egen hverdag med attester?",
                ],
            )
            notes(
                slide,
                "Giv to minutters tavs refleksion først; saml 2-3 pointer i plenum.",
                ctx.virtual,
            )

        if ctx.extract is None:
            slide = bullets(
                prs,
                "Datatræk fra jobcenteret",
                [
                    "Jobcenterets datatræk var ikke modtaget, da materialet blev lavet.",
                    "Bed jobcenteret fortælle om omfanget af attester fra klyngen i deres oplæg.",
                ],
            )
            notes(slide, "Tallene vises altid anonymiseret – aldrig med ydernumre.", ctx.virtual)
        else:
            _extract_slides(prs, ctx.extract, ctx.virtual)
        for minutes, topic in (
            (10, "Kommentarer til klyngens svar"),
            (20, "Arbejdsgange, tilbud til praksis og samarbejdet"),
        ):
            slide = bullets(prs, f"Oplæg fra jobcenteret ({minutes} min.)", [topic])
            notes(
                slide, "Jobcenteret har ordet. Saml spørgsmål til dialogen bagefter.", ctx.virtual
            )
        if ctx.added_topics:
            slide = bullets(prs, "Aftalt på formødet med jobcenteret", ctx.added_topics)
            notes(
                slide,
                "Emnerne blev tilføjet på formødet; giv jobcenteret ordet først.",
                ctx.virtual,
            )
        for block in ctx.blocks:
            slide = bullets(prs, f"{block.title}: refleksion", block.reflection)
            notes(slide, "Start med tavs refleksion, derefter sidemandssamtale.", ctx.virtual)
        slide = bullets(
            prs,
            "Tal sammen i egen praksis (15 min.)",
            [
                "Hvad vil I gøre hjemme i jeres egen praksis?",
                "Er der noget helt konkret og ligetil, I kan starte med?",
                "Solopraktiserende går sammen to og to.",
            ],
        )
        notes(
            slide,
            "Grupperne skriver ét konkret tiltag ned, som deles i plenum bagefter.",
            ctx.virtual,
        )
        slide = bullets(
            prs,
            "Aftaler: hvad, hvem og hvornår?",
            [
                "Hvad vil vi gøre i egen praksis?",
                "Hvad gør jobcenteret?",
                "Hvem følger op – og hvornår mødes vi igen?",
            ],
        )
        notes(slide, "Referenten skriver aftalerne ned med ansvarlig og frist.", ctx.virtual)
        slide = bullets(
            prs,
            "Opfølgning efter mødet",
            [*ctx.follow_up_options, f"Sparring: {ctx.quality_unit}"],
            size=20,
        )
        notes(
            slide,
            "Aftal hvem der følger op, og om der skal holdes et opfølgende møde.",
            ctx.virtual,
        )

        return RenderedDocument(
            filename="klyngemoede.pptx", media_type=PPTX, content=saved(prs, ctx.stamp)
        )


register(Deck())
