"""The follow-up meeting's deck (PPTX): for each closed question the first and the second
survey round side by side as a native chart, the job centre's figures before and after (by
practice label only), and the agreements with what became of them."""

from __future__ import annotations

from typing import ClassVar

from pptx.util import Inches, Pt
from pydantic import BaseModel, Field

from renderers.deck_charts import COMPARISON_NOTE
from renderers.registry import RenderedDocument, register
from renderers.slides import (
    PPTX,
    bar_chart,
    bullets,
    house_style,
    new_presentation,
    notes,
    saved,
    title_only,
)
from renderers.slides import title_slide as add_title_slide
from renderers.text import clean_text
from schemas.benchmark.comparison import Comparison, Series
from schemas.order.agreements import AgreementState, AgreementView
from schemas.order.documents import DocumentSource
from schemas.order.extract import AnonymisedExtract
from schemas.package.model import QuestionType
from schemas.shared.danish_format import date_long, percent
from schemas.survey.answers import SurveyResults

FIRST, SECOND = "1. runde", "2. runde"
_STATE_DA = {
    AgreementState.DONE: "gennemført",
    AgreementState.OVERDUE: "ikke nået til fristen",
    AgreementState.OPEN: "i gang",
}


class QuestionPair(BaseModel):
    """One closed question's shares per option in both rounds (None: not asked or answered)."""

    text: str
    options: list[str]
    first: list[float | None]
    second: list[float | None]
    first_answered: int
    second_answered: int
    country: Series | None = Field(
        default=None, description="All other clusters' first meetings, or why not shown"
    )


class PracticePair(BaseModel):
    label: str
    before: int | None
    after: int | None


class ComparisonContext(BaseModel):
    title: str
    cluster: str
    municipality: str | None
    compared_title: str | None
    count_axis: str | None
    first_meeting: str
    follow_up_meeting: str
    first_respondents: int | None
    second_respondents: int | None
    first_invited: int | None = None
    second_invited: int | None = None
    questions: list[QuestionPair]
    country_demo: bool = False
    practices: list[PracticePair] | None
    agreements: list[AgreementView]
    stamp: str


def question_pairs(
    first: SurveyResults | None,
    second: SurveyResults | None,
    comparison: Comparison | None = None,
) -> list[QuestionPair]:
    """Questions with options, in the second round's order (the first's if there is none),
    with the other clusters' shares beside them where disclosure allows."""
    leading = second or first
    if leading is None:
        return []
    earlier = {q.question_id: q for q in (first.questions if first else [])}
    later = {q.question_id: q for q in (second.questions if second else [])}
    pairs = []
    for question in leading.questions:
        if question.type == QuestionType.FREE_TEXT or not question.options:
            continue
        a, b = earlier.get(question.question_id), later.get(question.question_id)
        options = [o.option for o in question.options]
        share_a = {o.option: o.share for o in a.options} if a else {}
        share_b = {o.option: o.share for o in b.options} if b else {}
        pairs.append(
            QuestionPair(
                text=question.text,
                options=options,
                first=[share_a.get(o) for o in options],
                second=[share_b.get(o) for o in options],
                first_answered=a.answered if a else 0,
                second_answered=b.answered if b else 0,
                country=_country(comparison, question.question_id),
            )
        )
    return pairs


def _country(comparison: Comparison | None, question_id: str) -> Series | None:
    found = comparison.question(question_id) if comparison is not None else None
    return found.national if found is not None else None


def practice_pairs(
    before: AnonymisedExtract | None, after: AnonymisedExtract | None
) -> list[PracticePair] | None:
    if before is None or after is None:
        return None
    then = {p.label: p.received for p in before.practices}
    now = {p.label: p.received for p in after.practices}
    labels = sorted(set(then) | set(now), key=lambda label: (len(label), label))
    return [
        PracticePair(label=label, before=then.get(label), after=now.get(label)) for label in labels
    ]


class ComparisonDeck:
    kind: ClassVar[str] = "comparison_deck"

    def context(self, source: DocumentSource) -> ComparisonContext:
        words, extract = source.package.words, source.package.extract
        return ComparisonContext(
            title=words.follow_up_deck_title,
            cluster=source.order.cluster.name,
            municipality=source.order.municipality.name if source.order.municipality else None,
            compared_title=extract.deck.compared_title if extract else None,
            count_axis=extract.deck.count_axis if extract else None,
            first_meeting=date_long(source.timeline.meeting),
            follow_up_meeting=date_long(source.order.meeting.start),
            first_respondents=source.first_round.respondents if source.first_round else None,
            second_respondents=source.survey_results.respondents if source.survey_results else None,
            first_invited=source.first_round_invited,
            second_invited=source.second_round_invited,
            questions=question_pairs(source.first_round, source.survey_results, source.comparison),
            country_demo=bool(source.comparison and source.comparison.demo),
            practices=practice_pairs(source.first_extract, source.extract),
            agreements=source.agreements,
            stamp=source.timeline.planned_at.date().isoformat() + "T00:00:00Z",
        )

    def render(self, context: ComparisonContext) -> RenderedDocument:
        ctx = ComparisonContext.model_validate(clean_text(context.model_dump()))
        prs = new_presentation()
        title = add_title_slide(
            prs,
            ctx.title,
            (f"{ctx.cluster} og {ctx.municipality}" if ctx.municipality else ctx.cluster)
            + f"\nOpfølgende møde {ctx.follow_up_meeting}",
        )
        notes(title, f"Byd velkommen tilbage. Første møde var {ctx.first_meeting}.", False)

        lines = [f"Første klyngemøde: {ctx.first_meeting}."]
        lines.append(
            f"Spørgeskemaet, 1. runde: {_answered(ctx.first_respondents, ctx.first_invited)}."
            if ctx.first_respondents is not None
            else "Spørgeskemaet, 1. runde: ingen resultater."
        )
        ran = ctx.second_invited is not None or ctx.second_respondents is not None
        answered = ctx.second_respondents or 0
        if not ran:
            lines.append("Spørgeskemaet blev ikke gentaget.")
        else:
            lines.append(f"Spørgeskemaet, 2. runde: {_answered(answered, ctx.second_invited)}.")
        slide = bullets(prs, "Siden sidst", lines)
        notes(slide, "Hvad har ændret sig siden sidste møde?", False)

        for pair in ctx.questions:
            slide = title_only(prs, pair.text)
            # Both rounds side by side; an option a round has no figure for is a gap, not 0.
            series: dict[str, list[float | None]] = {}
            if any(v is not None for v in pair.first):
                series[FIRST] = list(pair.first)
            if any(v is not None for v in pair.second):
                series[SECOND] = list(pair.second)
            country = pair.country
            if country is not None and country.shown:
                series[country.label] = [country.shares.get(o, 0.0) for o in pair.options]
            bar_chart(slide, pair.options, series, "0 %", axis_title="Andel af dem, der svarede")
            second = (
                f"{pair.second_answered} i 2. runde"
                if pair.second_answered
                else "2. runde: ingen svar"
                if ran
                else "ingen 2. runde"
            )
            box = slide.shapes.add_textbox(Inches(0.7), Inches(6.5), Inches(11.9), Inches(0.5))
            said = f"Svar: {pair.first_answered} i 1. runde · {second}"
            if country is not None:
                said += f" · {country.caption}" + (" (demotal)" if ctx.country_demo else "")
            box.text_frame.text = said
            box.text_frame.paragraphs[0].font.size = Pt(16 if country is None else 13)
            notes(
                slide,
                "Hvor har det flyttet sig – og hvad har vi gjort anderledes?"
                + (COMPARISON_NOTE if country is not None and country.shown else ""),
                False,
            )

        if ctx.practices is not None and ctx.compared_title and ctx.count_axis:
            slide = title_only(prs, ctx.compared_title)
            given = [p for p in ctx.practices if p.before is not None or p.after is not None]
            bar_chart(
                slide,
                [p.label for p in given],
                {
                    # A practice one extract has no figure for is a gap, not 0.
                    "Første datatræk": [p.before for p in given],
                    "Nyt datatræk": [p.after for p in given],
                },
                "0",
                axis_title=ctx.count_axis,
            )
            notes(slide, "Samme bogstav som sidst: hver praksis kender sit eget.", False)

        rows = [
            f"{a.number}. {a.text} – {a.owner}, frist {date_long(a.due)}: {_STATE_DA[a.state]}"
            for a in ctx.agreements
        ] or ["Der blev ikke indgået aftaler på første møde."]
        slide = bullets(prs, "Aftalerne fra sidst – hvad blev der af dem?", rows, size=18)
        notes(slide, "Gå aftalerne igennem: hvad virkede, hvad skal justeres?", False)
        slide = bullets(
            prs,
            "Hvad gør vi nu?",
            # The municipal-medical committee is a question only where the municipality met.
            ["Nye aftaler: hvad, hvem og hvornår?"]
            + (["Skal emnet videre til KLU?"] if ctx.municipality else []),
        )
        notes(slide, "Udpeg en referent til de nye aftaler.", False)
        house_style(prs, f"{ctx.cluster} · opfølgende møde {ctx.follow_up_meeting}")
        return RenderedDocument(
            filename="opfoelgningsmoede.pptx", media_type=PPTX, content=saved(prs, ctx.stamp)
        )


def _answered(respondents: int, invited: int | None) -> str:
    """ "5 af 6 har svaret (83 %)", or "5 svar" where the order does not know how many were
    invited (a follow-up meeting started before it was recorded)."""
    if not invited:
        return f"{respondents} svar"
    return f"{respondents} af {invited} har svaret ({percent(respondents / invited)})"


register(ComparisonDeck())
