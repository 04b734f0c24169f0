"""Renderers: deterministic bytes, user text escaped, charts carry the survey's numbers,
and no provider number anywhere in the documents."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime, timedelta

from docx import Document
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

import renderers
from catalog import Catalog
from schemas.order.documents import DocumentSource
from schemas.order.events import ConsultationCompleted
from schemas.order.minutes import FollowUpChoices
from schemas.order.request import ContactBy, MeetingMode
from schemas.order.timeline import plan
from schemas.shared.copenhagen import COPENHAGEN
from schemas.survey.answers import aggregate
from tests import factories

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)
PACKAGE = Catalog().package("attester-i-almen-praksis")
TEMPLATES = Catalog().documents(PACKAGE.id)
HOSTILE = 'Ønsker & <b>"fed"</b> \x07svar </w:t></w:r>'


def source(**changes) -> DocumentSource:
    order = factories.make_order(NOW)
    results = aggregate(PACKAGE.survey, factories.responses(PACKAGE.survey))
    base = DocumentSource(
        order_id="o-1",
        order=order,
        consultant=order.consultant,
        package=PACKAGE,
        templates=TEMPLATES,
        timeline=plan(order, NOW),
        survey_results=results,
        consultation=ConsultationCompleted(
            at=NOW, contact_by=ContactBy.KIAP, mode=MeetingMode.PHYSICAL, notes=HOSTILE
        ),
    )
    return base.model_copy(update=changes)


def render(kind: str, src: DocumentSource) -> bytes:
    renderer = renderers.get(kind)
    return renderer.render(renderer.context(src)).content


def xml_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return "".join(
            package.read(n).decode("utf-8", "replace")
            for n in package.namelist()
            if n.endswith(".xml")
        )


def test_built_ins_are_registered():
    assert {"deck", "partner_guide"} <= set(renderers.available())


def test_rendering_is_byte_for_byte_repeatable(monkeypatch):
    kinds = ("deck", "partner_guide", "extract_template", "comparison_deck")
    first = {kind: render(kind, source()) for kind in kinds}
    # Zip entries and embedded workbooks are stamped with the time in 2-second steps:
    # render again an hour later, as a retried activity on a busy worker would.
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3600)
    for kind, data in first.items():
        assert render(kind, source()) == data, kind


def test_the_guide_escapes_user_text_and_names_the_cluster():
    order = source().order
    placed = order.model_copy(
        update={"meeting": order.meeting.model_copy(update={"location": HOSTILE})}
    )
    data = render("partner_guide", source(order=placed))
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert 'Ønsker & <b>"fed"</b> svar </w:t></w:r>' in cells
    # The consultant's own notes from the call are KiAP's, not pasted into the guide.
    assert "Fra samtalen" not in text
    assert "Klynge Aalborg Øst" in text and "Aalborg Kommune" in text
    # Seed 003's preparation points keep their structure: 1–3, with 3's a–c.
    assert "3.\tOvervej emner" in text and "c.\tHvad gør en attest god" in text
    tables = document.tables
    program = [row.cells[0].text for row in tables[1].rows]
    assert program[1] == "16.00–16.05" and program[-1].endswith("18.30")


def test_the_guide_names_the_partners_talks_of_the_orders_own_program():
    """Seeds 000 and 003 agree once the short talk is a part of the item that is mostly
    dialogue; the basal program has one item for the job centre, and its guide says so."""

    def talks(variant: str) -> list[str]:
        order = source().order
        chosen = order.model_copy(
            update={"meeting": order.meeting.model_copy(update={"program_variant": variant})}
        )
        document = Document(io.BytesIO(render("partner_guide", source(order=chosen))))
        return [p.text for p in document.paragraphs if p.style.name == "List Bullet 2"]

    assert talks("standard") == [
        "„Oplæg fra jobcenteret og fælles dialog i plenum“ i 20 minutter, heraf jobcenterets "
        "korte oplæg (10 min.) og fælles dialog i plenum (10 min.)",
        "„Oplæg fra jobcenteret“ i 20 minutter",
    ]
    assert talks("basal-viden") == [
        "„Klyngens udfordringer (spørgsmål 4) og oplæg fra jobcenteret“ i 25 minutter"
    ]


def test_the_deck_has_a_native_chart_per_closed_question_with_the_results():
    src = source()
    prs = Presentation(io.BytesIO(render("deck", src)))
    charts = [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]
    closed = [q for q in src.survey_results.questions if q.options]
    assert len(charts) == len(closed)
    for chart, result in zip(charts, closed, strict=True):
        assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
        # Each option with the count behind its share: "Godt (2 af 3)".
        assert list(chart.plots[0].categories) == [
            f"{o.option} ({o.count} af {result.answered})" for o in result.options
        ]
        assert list(chart.series[0].values) == [o.share for o in result.options]
    notes = " ".join(s.notes_slide.notes_text_frame.text for s in prs.slides)
    assert "tavs refleksion" in notes


def test_without_answers_the_deck_says_so():
    prs = Presentation(io.BytesIO(render("deck", source(survey_results=None))))
    texts = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    assert "ikke indlæst" in texts


def test_no_provider_number_appears_in_any_document():
    src = source(minutes=factories.minutes(NOW.date() + timedelta(weeks=9)))
    for kind in ("deck", "partner_guide", "meeting_summary", "comparison_deck"):
        xml = xml_text(render(kind, src))
        for member in src.order.members:
            assert member.ydernummer not in xml, kind


def test_the_summary_lists_every_agreement_with_owner_and_date_and_the_follow_up():
    minutes = factories.minutes(NOW.date() + timedelta(weeks=9)).model_copy(
        update={
            "follow_up": FollowUpChoices(
                board_meeting=True,
                follow_up_meeting=datetime(2027, 5, 20, 16, tzinfo=COPENHAGEN),
                repeat_survey=True,
            )
        }
    )
    document = Document(io.BytesIO(render("meeting_summary", source(minutes=minutes))))
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    agreement = minutes.agreements[0]
    assert rows[1][:3] == ["1", agreement.text, agreement.owner]
    text = "\n".join(p.text for p in document.paragraphs)
    assert (
        "Opfølgende klyngemøde torsdag den 20. maj 2027 kl. 16.00 (spørgeskemaet gentages)." in text
    )
    assert "bestyrelse" in text


def test_the_extract_is_charted_by_label_and_never_by_provider_number():
    from schemas.order.extract import ExtractRow, JobcenterExtract, anonymise

    src = source()
    practices = src.order.practices
    extract = anonymise(
        JobcenterExtract(
            rows=[
                ExtractRow(
                    ydernummer=practices[0],
                    certificate_type="LÆ 265",
                    received=12,
                    requests=14,
                    median_days=7.5,
                ),
                ExtractRow(ydernummer=practices[0], certificate_type="LÆ 285", received=2),
            ]
        ),
        "o-1",
        practices,
    )
    data = render("deck", source(extract=extract))
    prs = Presentation(io.BytesIO(data))
    charts = {
        s.shapes.title.text: sh.chart
        for s in prs.slides
        for sh in s.shapes
        if sh.has_chart and s.shapes.title is not None
    }
    # The data item's first slide carries its minutes, as every item's first slide does.
    per_practice = charts["Attester fra klyngens praksis det seneste år (15 min.)"]
    given = [p for p in extract.practices if p.received is not None]
    assert list(per_practice.plots[0].categories) == [p.label for p in given]
    assert list(per_practice.series[0].values) == [14.0]
    assert list(charts["Attester fordelt på type"].series[0].values) == [12.0, 2.0]
    assert "Svartid pr. praksis (median, dage)" in charts
    xml = xml_text(data)
    assert "Ikke oplyst af jobcenteret: alle tal for Praksis" in xml
    # LÆ 285 has no request count: the practice's requests are unknown, never 12 + 0 shown
    # against 14 received.
    assert [series.name for series in per_practice.series] == ["Modtagne attester"]
    for ydernummer in practices:
        assert ydernummer not in xml


def test_every_document_carries_its_title_author_and_a_drawn_thumbnail():
    """What a file manager or mail program shows before the file is opened: the templates'
    thumbnails were blank and the deck had no title."""
    from PIL import Image

    src = source()
    seen = set()
    for kind in ("deck", "handouts", "practice_sheet", "partner_guide", "comparison_deck"):
        package = zipfile.ZipFile(io.BytesIO(render(kind, src)))
        core = package.read("docProps/core.xml").decode()
        assert "<dc:title/>" not in core and "python-pptx" not in core, kind
        assert "KiAP</dc:creator>" in core, kind
        thumbnail = package.read("docProps/thumbnail.jpeg")
        picture = Image.open(io.BytesIO(thumbnail)).convert("L")
        dark = sum(picture.histogram()[:128])  # pixels darker than mid-grey: the letters
        assert dark > 200, f"{kind}: the thumbnail is blank"
        seen.add(thumbnail)
    assert len(seen) == 5  # each shows its own title


def test_the_guides_tables_keep_their_column_widths_in_libreoffice():
    """LibreOffice lays a table out by its grid: equal columns wrapped every program item."""
    guide = Document(io.BytesIO(render("partner_guide", source())))
    practical, program = guide.tables
    assert [round(c.w.cm, 1) for c in practical._tbl.tblGrid.gridCol_lst] == [6.5, 10.5]
    assert [round(c.w.cm, 1) for c in program._tbl.tblGrid.gridCol_lst] == [3.5, 9.0, 4.5]
