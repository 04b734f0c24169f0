"""Handouts and practice sheet: one page each, the cluster's numbers, QR codes that scan."""

from __future__ import annotations

import io
from datetime import timedelta

import zxingcpp
from docx import Document
from PIL import Image

from schemas.order.minutes import Agreement, Minutes
from schemas.package.program import ProgramChanges
from tests.renderers.test_documents import render, source, xml_text


def test_handouts_show_counts_and_shares_of_every_closed_question():
    src = source()
    doc = Document(io.BytesIO(render("handouts", src)))
    closed = [q for q in src.survey_results.questions if q.options]
    assert len(doc.tables) == len(closed)
    for table, result in zip(doc.tables, closed, strict=True):
        rows = [[c.text for c in row.cells] for row in table.rows[1:]]
        assert [r[0] for r in rows] == [o.option for o in result.options]
        assert [int(r[1]) for r in rows] == [o.count for o in result.options]
    assert "3 af 3 medlemmer i klyngen har svaret (100\xa0%)" in doc.paragraphs[2].text
    assert any("Flere svar mulige" in p.text for p in doc.paragraphs)


def test_every_qr_code_on_the_practice_sheet_decodes_to_a_sourced_link():
    src = source()
    data = render("practice_sheet", src)
    doc = Document(io.BytesIO(data))
    images = [rel.target_part.blob for rel in doc.part.rels.values() if "image" in rel.reltype]
    decoded = [zxingcpp.read_barcodes(Image.open(io.BytesIO(img)))[0].text for img in images]
    expected = [link.url for link in src.package.shown_links(practice_sheet=True)]
    assert decoded == expected and len(decoded) == 2
    # Every address on paper has a source; the material without one is named where it is.
    assert all(any(str(x.url) == url and x.sourced for x in src.package.links) for url in decoded)
    text = xml_text(data)
    assert "Her finder I: Interaktivt materiale om attesttyperne" in text
    # Help after the meeting: the region's quality unit by name, and no contact the seeds
    # give for something else (seed 004's are for virtual meeting rooms).
    assert "Nord-KAP kan hjælpe jeres praksis med at følge op." in text
    assert "k.tvergaard@rn.dk" not in text and "9243" not in text


def test_a_sourced_contact_of_the_quality_unit_is_printed_and_its_phone_stays_on_one_line():
    src = source()
    units = [
        u.model_copy(update={"phone": "9243 1999", "email": "kvalitet@example.dk"})
        for u in src.package.quality_units
    ]
    text = xml_text(
        render(
            "practice_sheet",
            src.model_copy(
                update={"package": src.package.model_copy(update={"quality_units": units})}
            ),
        )
    )
    assert "kvalitet@example.dk" in text
    assert "tlf.\xa09243\xa01999" in text and "9243 1999" not in text


def test_a_quality_unit_without_a_source_is_not_named():
    src = source()
    units = [u.model_copy(update={"source": None}) for u in src.package.quality_units]
    package = src.package.model_copy(update={"quality_units": units})
    text = xml_text(render("practice_sheet", src.model_copy(update={"package": package})))
    assert "Den regionale kvalitetsenhed kan hjælpe jeres praksis med at følge op." in text
    assert "Nord-KAP" not in text


def test_the_practice_sheet_lists_what_the_cluster_agreed_after_the_meeting():
    src = source()
    day = src.order.meeting.start.date() + timedelta(days=20)
    minutes = Minutes(
        minute_taker="Åse Øberg",
        participants=9,
        agreements=[
            Agreement(text="Vi bruger Attestguiden ved alle LÆ 265", owner="Alle praksis", due=day)
        ],
    )
    text = xml_text(render("practice_sheet", source(minutes=minutes)))
    assert "Vi bruger Attestguiden ved alle LÆ 265" in text and "Alle praksis" in text


def test_the_pre_meeting_changes_show_in_the_deck_program_and_topics():
    from pptx import Presentation

    changes = ProgramChanges(minutes={"Attestrejsen": 30}, added_topics=["Fast telefontid"])
    prs = Presentation(io.BytesIO(render("deck", source(program_changes=changes))))
    table = next(sh.table for sh in prs.slides[1].shapes if sh.has_table)
    times = [table.cell(r, 0).text for r in range(1, len(table.rows))]
    assert times[1] == "16.05–16.35" and times[-1].endswith("18.40")
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert "Aftalt på formødet med jobcenteret" in titles


def test_a_renderer_from_an_entry_point_is_registered(monkeypatch):
    from typing import ClassVar

    from pydantic import BaseModel

    import renderers.registry as registry

    class Letter:
        kind: ClassVar[str] = "letter"

        def context(self, source):
            return BaseModel()

        def render(self, context):
            return registry.RenderedDocument(
                filename="brev.txt", media_type="text/plain", content=b"Kaere klynge"
            )

    class EntryPoint:
        def load(self) -> Letter:
            return Letter()

    monkeypatch.setattr(registry, "_loaded", False)
    monkeypatch.setattr(registry, "_registry", {})
    monkeypatch.setattr(
        registry,
        "entry_points",
        lambda group: [EntryPoint()] if group == registry.ENTRY_POINT_GROUP else [],
    )
    assert "letter" in registry.available()
    assert registry.get("letter").render(None).content == b"Kaere klynge"
