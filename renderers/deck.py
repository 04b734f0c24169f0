"""The meeting deck (PPTX), in the program's order: a title, the program with clock times,
then block by block a divider, each program item's slides (as the package's program says:
the video with its link and QR code, the survey's results question by question, the job
centre's extract, the job centre's talks with their current minutes, group work, agreements),
the block's reflection questions at its end, and the pause; follow-up last. Speaker notes are
the package's own per item, for the meeting leader."""

from __future__ import annotations

from typing import ClassVar

from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Inches, Pt
from pydantic import BaseModel, Field

from renderers.deck_charts import chart_slide, extract_slides, free_text_slides, qr_png
from renderers.registry import RenderedDocument, register
from renderers.slides import (
    FACILITATION,
    PPTX,
    VIRTUAL,
    bullets,
    house_style,
    new_presentation,
    notes,
    saved,
    section,
    text_box,
    title_only,
    title_slide,
)
from renderers.text import clean_text
from schemas.benchmark.comparison import Comparison
from schemas.order.documents import DocumentSource
from schemas.order.extract import AnonymisedExtract
from schemas.order.request import MeetingMode
from schemas.package.model import QuestionType, SlideKind
from schemas.package.process import ExtractTexts
from schemas.package.program import schedule
from schemas.shared.danish_format import clock, date_long, percent
from schemas.survey.answers import SurveyResults


class ProgramRow(BaseModel):
    time: str
    title: str
    responsible: str


class Video(BaseModel):
    title: str
    url: str | None = Field(
        default=None, description="The video's own address, or the page it is found at"
    )
    found_at: str | None = Field(default=None, description="The page's title, when not its own")


class ItemSlides(BaseModel):
    """One program item as the deck shows it: its clock time, its current minutes and what
    the package's program says to show under it."""

    time: str
    title: str
    minutes: int
    responsible: str
    details: list[str]
    slides: list[SlideKind]
    questions: list[int]
    video: Video | None
    notes: str


class BlockSlides(BaseModel):
    title: str
    time: str
    minutes: int
    is_break: bool
    resume_at: str
    items: list[ItemSlides]
    reflection: list[str]


class AnswerTime(BaseModel):
    """'LÆ 125 Statusattest: 19 dage – aftalt 14 dage' (the agreed time only where sourced),
    and the other clusters' median where disclosure allows."""

    code: str
    name: str | None
    median_days: float
    agreed: str | None
    note: str | None = None
    national: str | None = Field(
        default=None, description="'landsmedian 17 dage (9 klynger)', or why there is none"
    )


def _national_time(source: DocumentSource, code: str) -> str | None:
    comparison = source.comparison
    found = comparison.certificate_type(code) if comparison is not None else None
    if found is None:
        return None
    if not found.shown or found.median_days is None:
        return found.withheld
    days = f"{found.median_days:g}".replace(".", ",")
    return f"Andre klynger: median {days} dage ({found.clusters} klynger)"


def _answer_times(source: DocumentSource) -> list[AnswerTime]:
    spec = source.package.extract
    if source.extract is None or spec is None:
        return []
    out = []
    for figures in source.extract.types:
        if figures.median_days is None:
            continue
        cert = spec.certificate(figures.certificate_type)
        agreed = None
        if cert is not None and cert.agreed_days is not None:
            agreed = f"aftalt {cert.agreed_days} dage"
        elif cert is not None and cert.agreed is not None:
            agreed = cert.agreed
        out.append(
            AnswerTime(
                code=figures.certificate_type,
                name=cert.name if cert is not None else None,
                median_days=figures.median_days,
                agreed=agreed,
                note=cert.note if cert is not None else None,
                national=_national_time(source, figures.certificate_type),
            )
        )
    return out


class DeckContext(BaseModel):
    title: str
    cluster: str
    municipality: str | None
    partner: str | None = Field(description="The partner organisation, as in 'fra jobcenteret'")
    survey_missing_hint: str
    extract_texts: ExtractTexts | None
    meeting_date: str
    virtual: bool
    program: list[ProgramRow]
    blocks: list[BlockSlides]
    invited: int
    survey: SurveyResults | None
    extract: AnonymisedExtract | None
    added_topics: list[str]
    follow_up_options: list[str]
    quality_unit: str
    answer_times: list[AnswerTime] = Field(
        default_factory=list,
        description="Per certificate type with a median: the median beside the agreed time",
    )
    comparison: Comparison | None = None
    stamp: str


def answer_times_slide(prs: PresentationType, times: list[AnswerTime], partner: str) -> None:
    """The partner's median answer time per type beside the time agreed for it."""
    lines = []
    for t in times:
        days = f"{t.median_days:g}".replace(".", ",")
        line = f"{t.code}{f' {t.name}' if t.name else ''}: {days} dage"
        line += f" – {t.agreed}" if t.agreed else " – ingen aftalt frist i pakken"
        if t.national:
            line += f"\n{t.national}"
        lines.append(line)
    # Topic-neutral words: the codes and names are the package's.
    slide = bullets(prs, "Svartid pr. type (median) og den aftalte frist", lines, size=20)
    footnotes = [t.note for t in times if t.note]
    if footnotes:
        text_box(slide, " ".join(footnotes), top=6.2, size=15)
    national = (
        " De andre klyngers tal er medianen af deres medianer, vægtet med antallet af"
        " anmodninger – et pejlemærke, ikke en dom over nogen praksis."
        if any(t.national for t in times)
        else ""
    )
    notes(
        slide,
        f"Tallene er {partner}s median fra anmodning til svar. Hvor ligger vi "
        "over den aftalte frist – og hvad skal der til?" + national,
    )


def _quality_unit(source: DocumentSource) -> str:
    unit = source.package.quality_unit(source.order.cluster.region)
    contact = " · ".join(unit.contacts)
    return f"{unit.shown_name} ({contact})" if contact else unit.shown_name


def _video(source: DocumentSource, link_id: str) -> Video:
    """The video by its title, with its address where a source gives one, else the sourced
    page it is found at, else none (the slide shows the title alone)."""
    shown = source.package.shown_link(link_id)
    title = source.package.link(link_id).title
    if shown is None or shown.url is None:
        return Video(title=title)
    return Video(
        title=title,
        url=str(shown.url),
        found_at=None if shown.id == link_id else shown.title,
    )


def _response_rate_line(comparison: Comparison | None) -> str | None:
    """'Alle andre klynger: 64 % svarede (7 klynger).', or why the country is not shown."""
    rate = comparison.response_rate if comparison is not None else None
    if rate is None:
        return None
    if not rate.shown or rate.rate is None:
        return f"Landstal: {rate.withheld}."
    return f"De andre klynger: {percent(rate.rate)} svarede ({rate.clusters} klynger)."


class Deck:
    kind: ClassVar[str] = "deck"

    def context(self, source: DocumentSource) -> DeckContext:
        order = source.order
        program = source.program()
        mode = source.consultation.mode if source.consultation else order.meeting.mode
        timed = iter(schedule(program, order.meeting.start))
        blocks = []
        for block in program.blocks:
            entries = [next(timed)] if block.break_minutes else [next(timed) for _ in block.items]
            items = [
                ItemSlides(
                    time=f"{clock(at.start)}–{clock(at.end)}",
                    title=item.title,
                    minutes=item.minutes,
                    responsible=item.responsible,
                    details=item.details,
                    slides=item.slides,
                    questions=item.questions,
                    video=_video(source, item.video) if item.video else None,
                    notes=item.notes,
                )
                for item, at in zip(block.items, entries, strict=False)
            ]
            blocks.append(
                BlockSlides(
                    title=block.title,
                    time=f"{clock(entries[0].start)}–{clock(entries[-1].end)}",
                    minutes=block.minutes,
                    is_break=bool(block.break_minutes),
                    resume_at=clock(entries[-1].end),
                    items=items,
                    reflection=block.reflection,
                )
            )
        words = source.package.words
        return DeckContext(
            title=source.package.title,
            cluster=order.cluster.name,
            municipality=order.municipality.name if order.municipality else None,
            partner=words.partner.definite if words.partner else None,
            survey_missing_hint=words.survey_missing_hint,
            extract_texts=source.package.extract.deck if source.package.extract else None,
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
            blocks=blocks,
            invited=len(order.members),
            survey=source.survey_results,
            extract=source.extract,
            added_topics=list(source.program_changes.added_topics)
            if source.program_changes
            else [],
            follow_up_options=list(source.package.after_meeting_options),
            quality_unit=_quality_unit(source),
            answer_times=_answer_times(source),
            comparison=source.comparison,
            stamp=source.timeline.planned_at.date().isoformat() + "T00:00:00Z",
        )

    def render(self, context: DeckContext) -> RenderedDocument:
        ctx = DeckContext.model_validate(clean_text(context.model_dump()))
        prs = new_presentation()
        met = f"{ctx.cluster} og {ctx.municipality}" if ctx.municipality else ctx.cluster
        title = title_slide(prs, ctx.title, f"{met}\n{ctx.meeting_date}")
        # Seed 000: each participant gets the handouts (the survey's results on one sheet) to
        # point at in the pair talks and in plenary; the practice sheet comes at the end.
        handouts = (
            " Bed deltagerne have uddelingskopien fremme – pdf'en med spørgeskemaets resultater,"
            " der blev sendt før mødet – og henvis til den under sidemandssamtalen og i plenum."
            if ctx.virtual
            else " Del uddelingskopierne ud – et ark til hver deltager med spørgeskemaets"
            " resultater – og henvis til dem under sidemandssamtalen og i plenum."
        )
        notes(
            title,
            "Vis denne side, mens deltagerne finder plads."
            + handouts
            + (f" {VIRTUAL}" if ctx.virtual else ""),
        )
        self._program(prs, ctx)
        survey_shown = False
        for block in ctx.blocks:
            if block.is_break:
                slide = section(
                    prs,
                    f"Pause ({block.minutes} min.)",
                    [f"Vi fortsætter kl. {block.resume_at}."],
                    size=28,
                )
                notes(
                    slide,
                    "Hold pausen; start igen til tiden."
                    + (" Bed alle gå helt væk fra skærmen." if ctx.virtual else ""),
                )
                continue
            if len(ctx.blocks) > 1 and block.items and block.reflection:
                self._divider(prs, ctx, block)
            for item in block.items:
                for kind in item.slides or ["talk"]:
                    if kind == "survey":
                        self._survey(prs, ctx, item, first=not survey_shown)
                        survey_shown = True
                    else:
                        self._item_slide(prs, ctx, item, kind)
            if block.reflection:
                # The block's title has its own colon ("Blok 1: …"): a dash, not a second one.
                slide = bullets(prs, f"Refleksion – {block.title}", block.reflection, size=22)
                notes(slide, FACILITATION)
        slide = bullets(
            prs,
            "Opfølgning efter mødet",
            [*ctx.follow_up_options, f"Sparring: {ctx.quality_unit}"],
            size=20,
        )
        notes(
            slide,
            "Aftal, hvem der følger op, og om der skal holdes et opfølgende møde. Praksisarket "
            "med links og QR-koder deles ud nu.",
        )
        house_style(prs, f"{ctx.cluster} · {ctx.meeting_date}")
        return RenderedDocument(
            filename="klyngemoede.pptx", media_type=PPTX, content=saved(prs, ctx.stamp)
        )

    def _program(self, prs: PresentationType, ctx: DeckContext) -> None:
        slide = title_only(prs, "Program")
        rows = len(ctx.program) + 1
        height = min(0.42, 5.2 / rows)
        table = slide.shapes.add_table(
            rows, 3, Inches(0.7), Inches(1.45), Inches(11.9), Inches(height) * rows
        ).table
        table.columns[0].width, table.columns[1].width = Inches(1.9), Inches(7.5)
        table.columns[2].width = Inches(2.5)
        for col, text in enumerate(("Tid", "Punkt", "Ansvarlig")):
            table.cell(0, col).text = text
        for row, item in enumerate(ctx.program, start=1):
            for col, text in enumerate((item.time, item.title, item.responsible)):
                cell = table.cell(row, col)
                cell.text = text
                cell.text_frame.paragraphs[0].font.size = Pt(14)
        pause = next((b for b in ctx.blocks if b.is_break), None)
        notes(
            slide,
            "Gennemgå programmet kort."
            + (f" Pausen ligger {pause.time}." if pause is not None else ""),
        )

    def _divider(self, prs: PresentationType, ctx: DeckContext, block: BlockSlides) -> None:
        # A divider: the meeting moves on to the next block.
        slide = section(
            prs,
            f"{block.title} ({block.minutes} min.)",
            [f"{item.time}  {item.title}" for item in block.items],
            size=22,
        )
        said = f"{block.title}, {block.time}. Punkterne og deres tid står på siden."
        notes(slide, said + (f" {VIRTUAL}" if ctx.virtual else ""))

    def _survey(
        self, prs: PresentationType, ctx: DeckContext, item: ItemSlides, first: bool
    ) -> None:
        survey = ctx.survey
        if survey is None:
            if first:
                slide = bullets(
                    prs,
                    "Spørgeskemaet",
                    [
                        "Klyngens svar var ikke indlæst, da materialet blev lavet.",
                        ctx.survey_missing_hint,
                    ],
                )
                notes(slide, "Resultaterne mangler; brug en hurtigrunde i stedet.")
            return
        if first:
            rate = survey.respondents / ctx.invited if ctx.invited else 0.0
            lines = [
                f"{survey.respondents} af {ctx.invited} medlemmer har svaret ({percent(rate)})."
            ]
            if survey.small_sample:
                lines.append("Obs: færre end 3 svar – tolk resultaterne varsomt.")
            rate_line = _response_rate_line(ctx.comparison)
            if rate_line:
                lines.append(rate_line)
            lines.append("Svarene er anonyme og vises uden navne.")
            lines.append("Resultaterne står også på uddelingskopien.")
            title = f"Klyngens svar på spørgeskemaet ({item.minutes} min.)"
            notes(bullets(prs, title, lines), item.notes)
        wanted = set(item.questions)
        for number, result in enumerate(survey.questions, start=1):
            if wanted and number not in wanted:
                continue
            if result.type == QuestionType.FREE_TEXT:
                free_text_slides(prs, result, item.notes)
            else:
                comparison = ctx.comparison
                chart_slide(
                    prs,
                    result,
                    item.notes,
                    comparison.question(result.question_id) if comparison else None,
                    demo=bool(comparison and comparison.demo),
                )

    def _item_slide(
        self, prs: PresentationType, ctx: DeckContext, item: ItemSlides, kind: SlideKind
    ) -> None:
        heading = f"{item.title} ({item.minutes} min.)"
        slide: Slide
        if kind == "extract":
            # The package validated that a program showing the extract has one (and words).
            words, partner = ctx.extract_texts, ctx.partner
            assert words is not None and partner is not None
            if ctx.extract is None:
                slide = bullets(
                    prs,
                    f"Datatræk fra {partner} ({item.minutes} min.)",
                    [
                        f"Datatrækket fra {partner} var ikke modtaget, da materialet blev lavet.",
                        words.missing_hint,
                    ],
                )
                notes(slide, "Tallene vises altid anonymiseret – aldrig med ydernumre.")
            else:
                extract_slides(prs, ctx.extract, item.notes, words, partner, item.minutes)
                if ctx.answer_times:
                    answer_times_slide(prs, ctx.answer_times, partner)
            return
        if kind == "topics":
            if ctx.added_topics:
                slide = bullets(prs, f"Aftalt på formødet med {ctx.partner}", ctx.added_topics)
                notes(slide, f"Emnerne blev aftalt på formødet; giv {ctx.partner} ordet først.")
            return
        if kind == "video" and item.video is not None:
            slide = title_only(prs, heading)
            video = item.video
            where = (
                "Se videoen her:"
                if video.found_at is None
                else f"Videoen findes i {video.found_at}:"
            )
            text_box(
                slide,
                video.title + (f"\n\n{where}\n{video.url}" if video.url else ""),
                top=1.8,
                size=22,
                width=7.6,
                height=3.5,
            )
            if video.url:
                picture = slide.shapes.add_picture(
                    qr_png(video.url), Inches(8.9), Inches(1.7), Inches(3.6), Inches(3.6)
                )
                picture.click_action.hyperlink.address = video.url
            if item.details:
                text_box(slide, " · ".join(item.details), top=5.7, size=18)
            notes(slide, item.notes)
            return
        lines = list(item.details) or [f"Ansvarlig: {item.responsible}"]
        if kind == "talk" and item.responsible != "Mødeleder" and item.details:
            lines.append(f"Ansvarlig: {item.responsible}")
        slide = bullets(prs, heading, lines)
        notes(slide, item.notes or f"{item.title}: {item.minutes} minutter.")


register(Deck())
