"""Render benchmark: the full artifact set for the largest cluster in the seeds (71 doctors,
all answered, a full extract), through the render activity as the render worker runs it (its
PDFs from one long-lived LibreOffice, and from a cold LibreOffice per PDF as before); and the
deck against writing the same slides and charts with python-pptx directly.

    .venv/bin/python -m bench.render [--repeat 3] [--record]
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches, Pt

from activities.pdf_conversion import LongLivedLibreOffice, PdfConverter
from activities.rendering import RenderActivities, RenderRequest
from bench.results import record, table
from catalog import Catalog
from klyngepakke.config import PROJECT_ROOT, Settings
from klyngepakke.order_file import load_order
from schemas.order.documents import DocumentSource
from schemas.order.events import ConsultationCompleted
from schemas.order.extract import ExtractRow, JobcenterExtract, anonymise
from schemas.order.request import ContactBy, MeetingMode
from schemas.order.timeline import plan
from schemas.package.model import QuestionType
from schemas.shared.copenhagen import COPENHAGEN
from schemas.survey.answers import SurveyResponse, aggregate
from storage.artifact_store import FolderArtifactStore

DOCTORS = 71  # seed 003: the largest cluster, 71 doctors
PRACTICES = 24
KINDS = ["deck", "handouts", "practice_sheet", "partner_guide", "extract_template"]
CERTIFICATES = ["LÆ 265", "LÆ 285", "LÆ 125"]


def largest_cluster() -> DocumentSource:
    rng = random.Random(71)
    now = datetime(2027, 1, 4, 10, tzinfo=COPENHAGEN)
    example = load_order(PROJECT_ROOT / "examples" / "order.yaml")
    members = [
        example.members[0].model_copy(
            update={
                "name": f"Læge {n:02d}",
                "email": f"laege{n:02d}@example.dk",
                "ydernummer": f"{100000 + n % PRACTICES:06d}",
            }
        )
        for n in range(DOCTORS)
    ]
    meeting = example.meeting.model_copy(update={"start": now + timedelta(weeks=9)})
    order = example.model_copy(
        update={"members": members, "meeting": meeting, "call_at": now + timedelta(days=1)}
    )
    package = Catalog().package(order.package)
    template = package.survey

    def answer(question) -> str | list[str]:  # type: ignore[no-untyped-def]
        if question.type == QuestionType.FREE_TEXT:
            return rng.choice(["Hurtigt svar", "Fast kontaktperson", "Klare spørgsmål", ""])
        if question.type == QuestionType.MULTIPLE_CHOICE:
            return rng.sample(question.options, k=rng.randint(0, len(question.options)))
        return rng.choice(question.options)

    responses = [
        SurveyResponse(answers={q.id: answer(q) for q in template.questions})
        for _ in range(DOCTORS)
    ]
    practices = sorted({m.ydernummer for m in members})
    rows = [
        ExtractRow(
            ydernummer=y,
            certificate_type=kind,
            received=rng.randint(0, 40),
            requests=rng.randint(0, 45),
            median_days=round(rng.uniform(3, 30), 1),
        )
        for y in practices
        for kind in CERTIFICATES
    ]
    return DocumentSource(
        order_id="bench-71",
        order=order,
        consultant=order.consultant or Settings().default_consultant,
        package=package,
        templates=Catalog().documents(package.id),
        timeline=plan(order, now),
        survey_results=aggregate(template, responses),
        consultation=ConsultationCompleted(
            at=now, contact_by=ContactBy.KIAP, mode=MeetingMode.PHYSICAL, notes="Benchmark"
        ),
        extract=anonymise(JobcenterExtract(rows=rows), "bench-71", practices),
    )


def direct_deck(reference: bytes) -> bytes:
    """The same slides, charts (type, categories, values), texts and speaker notes written
    with python-pptx alone, no templates, no context, no layout decisions: the deck's floor."""
    shown = Presentation(io.BytesIO(reference))
    deck = Presentation()
    deck.slide_width, deck.slide_height = shown.slide_width, shown.slide_height  # type: ignore[assignment]
    for slide in shown.slides:
        new = deck.slides.add_slide(deck.slide_layouts[5])
        if slide.shapes.title is not None and new.shapes.title is not None:
            new.shapes.title.text = slide.shapes.title.text
        for shape in slide.shapes:
            if shape.has_chart:
                plot = shape.chart.plots[0]
                data = CategoryChartData()
                data.categories = list(plot.categories)
                for series in plot.series:
                    data.add_series(series.name, list(series.values))
                new.shapes.add_chart(
                    shape.chart.chart_type or XL_CHART_TYPE.BAR_CLUSTERED,
                    Inches(0.5),
                    Inches(1.5),
                    Inches(9),
                    Inches(5),
                    data,
                )
            elif shape.has_text_frame and shape != slide.shapes.title:
                box = new.shapes.add_textbox(shape.left, shape.top, shape.width, shape.height)
                box.text_frame.text = shape.text_frame.text
                for paragraph in box.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(16)
        if slide.has_notes_slide:
            new.notes_slide.notes_text_frame.text = slide.notes_slide.notes_text_frame.text
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _sample(source: DocumentSource) -> bytes:
    from renderers import get

    renderer = get("practice_sheet")
    return renderer.render(renderer.context(source)).content


def timed(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Best wall time of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - began)
    return best


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory (Python and lxml's C heap alike), MB."""
    return resource.getrusage(who).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    source = largest_cluster()
    converter = PdfConverter.find()
    if not isinstance(converter, LongLivedLibreOffice):
        raise SystemExit("needs LibreOffice and python3-uno: scripts/system-deps.sh")
    cold = PdfConverter(converter.soffice)
    began = time.perf_counter()
    converter.convert(_sample(source), "praksisark.docx", "2026-12-01T00:00:00")
    start = time.perf_counter() - began

    def full_set(pdf: PdfConverter) -> None:
        # A store of its own each time: an order's second render reuses its PDFs.
        with tempfile.TemporaryDirectory() as store:
            activities = RenderActivities(FolderArtifactStore(Path(store)), pdf)
            activities.render_documents(RenderRequest(kinds=KINDS, source=source))

    full = timed(lambda: full_set(converter), args.repeat)
    full_peak = peak_rss_mb()
    full_cold = timed(lambda: full_set(cold), args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        deck_store = FolderArtifactStore(Path(folder))
        activities = RenderActivities(deck_store, converter)
        deck_only = timed(
            lambda: activities.render_documents(RenderRequest(kinds=["deck"], source=source)),
            args.repeat,
        )
        (deck_ref,) = activities.render_documents(
            RenderRequest(kinds=["deck"], source=source)
        ).artifacts
        reference = deck_store.read(deck_ref)
    direct = timed(lambda: direct_deck(reference), args.repeat)
    slides = len(Presentation(io.BytesIO(reference)).slides)
    office = peak_rss_mb(resource.RUSAGE_CHILDREN)
    converter.stop()
    rows = [
        (
            "full artifact set (5 documents, 2 as PDF), one long-lived LibreOffice",
            f"{full:.2f} s",
            f"{full_peak:.0f} MB (LibreOffice {office:.0f} MB)",
        ),
        ("the same with a cold LibreOffice per PDF", f"{full_cold:.2f} s", ""),
        ("long-lived ÷ cold", f"{full / full_cold:.2f}", ""),
        ("starting the long-lived LibreOffice (once per render worker)", f"{start:.2f} s", ""),
        (f"deck ({slides} slides, native charts, notes)", f"{deck_only:.2f} s", ""),
        ("the same with python-pptx directly", f"{direct:.2f} s", ""),
        ("deck ÷ direct (goal ≤ 1.3)", f"{deck_only / direct:.2f}", ""),
    ]
    header = [
        "render, 71 doctors, all answered, full extract",
        f"time (best of {args.repeat})",
        "peak memory (process)",
    ]
    text = table(header, rows)
    print(text)
    if args.record:
        record("render", f".venv/bin/python -m bench.render --repeat {args.repeat}", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
