"""The deck's slides of figures: a survey question's chart, its free-text answers, the
partner's extract, and the QR code of a link (the order of slides is renderers/deck.py's)."""

from __future__ import annotations

import io

import segno
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.presentation import Presentation as PresentationType
from pptx.util import Inches, Pt

from renderers.chart_data import TextOnlyChartData
from renderers.slides import bar_chart, bullets, notes, text_box, title_only, valid_axis_ids
from renderers.text import grouped_answers
from schemas.benchmark.comparison import QuestionComparison
from schemas.order.extract import AnonymisedExtract
from schemas.package.model import QuestionType
from schemas.package.process import ExtractTexts
from schemas.shared.danish_format import percent
from schemas.survey.answers import QuestionResult

FREE_TEXTS_PER_SLIDE = 8


def counted(option: str, count: int, answered: int) -> str:
    """'Godt (2 af 4)': a share is never shown without the count it stands for."""
    return f"{option} ({count} af {answered})"


# Seed 004's data culture: figures to learn from, never to point at a practice or a cluster.
COMPARISON_NOTE = (
    " Landstallet er de andre klyngers svar lagt sammen – ikke en facitliste. Spørg: Hvor "
    "ligner vi de andre, og hvor skiller vi os ud – og hvorfor? En forskel er et sted at "
    "begynde samtalen, ikke et tegn på, at nogen gør det forkert."
)


def chart_slide(
    prs: PresentationType,
    result: QuestionResult,
    note: str,
    beside: QuestionComparison | None = None,
    demo: bool = False,
) -> None:
    """One question's answers as bars; beside them, where disclosure allows, the same options
    for all other clusters and for the region's (``beside``), with their counts below."""
    several = result.type == QuestionType.MULTIPLE_CHOICE
    slide = title_only(prs, result.text)
    data = TextOnlyChartData(number_format="0 %")
    data.categories = [counted(o.option, o.count, result.answered) for o in result.options]
    shown = [s for s in (beside.national, beside.regional) if s.shown] if beside else []
    data.add_series(
        "Klyngen" if beside is not None else "Andel af dem, der svarede",
        [o.share for o in result.options],
    )
    for series in shown:
        data.add_series(series.label, [series.shares.get(o.option, 0.0) for o in result.options])
    frame = slide.shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, Inches(0.7), Inches(1.6), Inches(11.9), Inches(4.5), data
    )
    chart = frame.chart
    valid_axis_ids(chart)
    chart.has_title = False  # the slide's title is the question
    chart.has_legend = bool(shown)
    if shown:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(13)
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format = "0 %"
    plot.data_labels.number_format_is_linked = False
    plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    plot.data_labels.font.size = Pt(12 if shown else 14)
    chart.category_axis.reverse_order = True
    chart.category_axis.tick_labels.font.size = Pt(14)
    axis = chart.value_axis
    axis.maximum_scale = 1.0
    axis.minimum_scale = 0.0
    axis.has_major_gridlines = False
    axis.tick_labels.font.size = Pt(12)
    axis.tick_labels.number_format = "0 %"
    axis.tick_labels.number_format_is_linked = False
    axis.has_title = True
    axis.axis_title.text_frame.text = "Andel af dem, der svarede på spørgsmålet"
    axis.axis_title.text_frame.paragraphs[0].font.size = Pt(12)
    footer = f"{result.answered} svarede på spørgsmålet"
    if several:
        footer += " · flere svar mulige (andelene giver over 100 % tilsammen)"
    if result.dont_know_share is not None:
        footer += f" · Ved ikke: {percent(result.dont_know_share)}"
    if result.answered < 3:
        footer += " · færre end 3 svar: tolk varsomt"
    if beside is not None:
        captions = [beside.national.caption, beside.regional.caption]
        if demo:
            captions.append("demotal, ikke rigtige klynger")
        text_box(slide, footer, top=6.1, size=14)
        text_box(slide, " · ".join(captions), top=6.55, size=13)
        notes(slide, note + COMPARISON_NOTE)
        return
    text_box(slide, footer, top=6.35, size=15)
    notes(slide, note)


def extract_slides(
    prs: PresentationType,
    extract: AnonymisedExtract,
    note: str,
    words: ExtractTexts,
    partner: str,
    minutes: int | None = None,
) -> None:
    """Charts of the partner's figures; practices only by label, never provider number.
    A figure the partner did not give is a gap, never a 0. The words are the package's; the
    first slide's title carries the program item's minutes, as every item's first slide does."""
    given = [p for p in extract.practices if p.received is not None]
    duration = f" ({minutes} min.)" if minutes else ""
    slide = title_only(prs, words.per_practice_title + duration)
    series: dict[str, list[float | None]] = {words.count_series: [p.received for p in given]}
    if any(p.requests is not None for p in given):
        series[words.requests_series] = [p.requests for p in given]
    bar_chart(slide, [p.label for p in given], series, "0", axis_title=words.count_axis)
    missing = [f"alle tal for {label}" for label in extract.missing]
    if words.requests_series in series:
        missing += [f"anmodninger for {p.label}" for p in given if p.requests is None]
    if missing:
        text_box(slide, f"Ikke oplyst af {partner}: " + ", ".join(missing), top=6.45, size=14)
    notes(slide, note + " Praksis er anonymiseret; hver praksis kender kun sit eget bogstav.")
    if extract.types:
        slide = title_only(prs, words.by_type_title)
        bar_chart(
            slide,
            [t.certificate_type for t in extract.types],
            {words.count_series: [t.received for t in extract.types]},
            "0",
            axis_title=words.count_axis,
        )
        notes(slide, words.by_type_note)
    timed = [p for p in given if p.median_days is not None]
    if timed:
        slide = title_only(prs, "Svartid pr. praksis (median, dage)")
        bar_chart(
            slide,
            [p.label for p in timed],
            {"Dage": [p.median_days for p in timed]},
            "0.0",
            axis_title=words.days_axis,
        )
        notes(slide, "Variation i svartid: hvad gør de hurtige anderledes?")


def free_text_slides(prs: PresentationType, result: QuestionResult, note: str) -> None:
    texts = grouped_answers(result.free_texts) or ["Ingen skrev et svar på dette spørgsmål."]
    chunks = [
        texts[i : i + FREE_TEXTS_PER_SLIDE] for i in range(0, len(texts), FREE_TEXTS_PER_SLIDE)
    ]
    for number, chunk in enumerate(chunks, start=1):
        suffix = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
        shown = [t if len(t) <= 160 else t[:157] + "…" for t in chunk]
        slide = bullets(prs, result.text + suffix, shown, size=18)
        notes(slide, note + " Svarene er vist uden navne. Spørg: Genkender I det?")


def qr_png(url: str) -> io.BytesIO:
    picture = io.BytesIO()
    segno.make(url, error="m").save(picture, kind="png", scale=12, border=2)
    picture.seek(0)
    return picture
