"""What a person sees when they open a file to change it, not only what it prints: the
slide master's prompts and a chart's data sheet in Danish, the file's properties KiAP's and
with a title, the tables' columns as wide as their contents need."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.shared import Cm

from renderers.course_program import CourseProgram
from schemas.course.definition import CourseDefinition
from tests.renderers.test_documents import render, source
from tests.schemas.test_course import DEFINITION, EXAMPLES, load_course_file


def _parts(data: bytes, prefix: str = "") -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {n: package.read(n) for n in package.namelist() if n.startswith(prefix)}


def test_the_decks_master_prompts_and_chart_sheets_are_danish():
    data = render("deck", source())
    masters = b"".join(
        content
        for name, content in _parts(data, "ppt/slide").items()
        if name.startswith(("ppt/slideMasters/", "ppt/slideLayouts/"))
    )
    assert b"Click to edit" not in masters and b"Second level" not in masters
    assert b"Klik for at redigere titeltypografi i masteren" in masters
    # The charts' own XML (their relationships name the embedded part, which nobody reads).
    charts = {n: c for n, c in _parts(data, "ppt/charts/").items() if "_rels" not in n}
    assert charts, "the deck has charts"
    assert not any(b"Sheet1" in c for c in charts.values())
    assert any(b"Ark1!" in c for c in charts.values())
    workbooks = [c for n, c in _parts(data, "ppt/embeddings/").items() if n.endswith(".xlsx")]
    assert workbooks and all(b'name="Ark1"' in _parts(w)["xl/workbook.xml"] for w in workbooks)


def test_the_word_files_say_what_they_are_not_which_library_made_them():
    for kind in ("handouts", "meeting_summary", "partner_guide"):
        core = _parts(render(kind, source(minutes=_minutes())))["docProps/core.xml"]
        assert b"python-docx" not in core, kind
    request = load_course_file(EXAMPLES / "kursus.yaml")
    renderer = CourseProgram()
    program = renderer.render(renderer.context(request, DEFINITION, "2026-12-01T00:00:00Z"))
    core = _parts(program.content)["docProps/core.xml"]
    assert b"python-docx" not in core
    definition: CourseDefinition = DEFINITION
    assert f"<dc:title>Kursusprogram: {definition.title}</dc:title>".encode() in core


def test_the_summarys_number_column_is_narrow_and_the_agreement_has_the_room():
    summary = Document(io.BytesIO(render("meeting_summary", source(minutes=_minutes()))))
    widths = [column.width for column in summary.tables[0].columns]
    assert widths[0] <= Cm(1.5) and widths[1] >= Cm(8.5)
    handouts = Document(io.BytesIO(render("handouts", source())))
    first = handouts.tables[0].columns
    assert first[0].width >= Cm(11) and first[1].width <= Cm(3.5)


def test_the_deck_tells_the_host_to_hand_out_the_handouts():
    from pptx import Presentation

    prs = Presentation(io.BytesIO(render("deck", source())))
    opening = prs.slides[0].notes_slide.notes_text_frame.text
    assert "Del uddelingskopierne ud" in opening


def _minutes():
    from datetime import date

    from tests import factories

    return factories.minutes(date(2027, 2, 5))
