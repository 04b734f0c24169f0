"""The meeting deck runs the meeting: its slides follow the program block by block in both
variants and with the pre-meeting's minutes, a video points to its sourced address (a QR code
that reads), numbers come with their counts, and every slide has notes of its own."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from schemas.package.program import ProgramChanges
from schemas.shared.danish_format import percent
from tests.renderers.test_documents import PACKAGE, render, source


def deck(**changes):
    return Presentation(io.BytesIO(render("deck", source(**changes))))


def titles(prs) -> list[str]:
    return [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]


def texts(prs) -> str:
    return " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)


def with_variant(variant: str):
    src = source()
    meeting = src.order.meeting.model_copy(update={"program_variant": variant})
    return Presentation(
        io.BytesIO(render("deck", source(order=src.order.model_copy(update={"meeting": meeting}))))
    )


@pytest.mark.parametrize("variant", [p.id for p in PACKAGE.programs])
def test_the_slides_follow_the_program_block_by_block(variant):
    shown = titles(with_variant(variant))
    program = PACKAGE.program(variant)
    questions = [q.text for q in PACKAGE.survey.questions]
    # What the program says, in its order: a divider per block, each item's slides (a
    # survey item's charts of its questions), the block's reflection last, the pause.
    expected = [PACKAGE.title, "Program"]
    for block in program.blocks:
        if block.break_minutes:
            expected.append(f"Pause ({block.break_minutes} min.)")
            continue
        if block.reflection:
            expected.append(f"{block.title} ({block.minutes} min.)")
        for item in block.items:
            for kind in item.slides:
                if kind == "survey":
                    numbers = item.questions or range(1, len(questions) + 1)
                    expected += [questions[n - 1] for n in numbers]
                elif kind not in ("extract", "topics"):
                    expected.append(f"{item.title} ({item.minutes} min.)")
        if block.reflection:
            expected.append(f"Refleksion – {block.title}")
    expected.append("Opfølgning efter mødet")
    positions = [shown.index(title) for title in dict.fromkeys(expected)]
    assert positions == sorted(positions), [shown[i] for i in positions]


def test_a_talk_shows_the_minutes_the_pre_meeting_gave_it():
    prs = deck(program_changes=ProgramChanges(minutes={"Oplæg fra jobcenteret": 25}))
    assert "Oplæg fra jobcenteret (25 min.)" in titles(prs)
    assert "Oplæg fra jobcenteret (20 min.)" not in titles(prs)


def test_block_one_asks_all_four_reflection_questions_of_the_seed():
    prs = deck()
    slide = next(s for s in prs.slides if s.shapes.title.text.startswith("Refleksion – Blok 1"))
    questions = [p.text for p in slide.placeholders[1].text_frame.paragraphs if p.text]
    assert len(questions) == 4
    assert any("Adskiller din oplevelse" in q for q in questions)


def test_numbers_come_with_what_they_count():
    text = texts(deck())
    respondents = source().survey_results.respondents
    assert f"{respondents} af {len(source().order.members)} medlemmer har svaret" in text
    assert "flere svar mulige" in text
    # A question fewer than 3 answered says so under its chart.
    few = [q for q in source().survey_results.questions if q.options and q.answered < 3]
    assert few and "færre end 3 svar: tolk varsomt" in text


def test_a_video_without_a_sourced_address_points_to_the_sourced_page_it_is_found_at():
    """No seed gives the video's own address: the slide names the sourced page of the
    package's material instead – as text, as a clickable link and as a QR code that reads."""
    import zxingcpp
    from PIL import Image

    prs = deck()
    assert PACKAGE.link("attestrejsen").url is None
    page = str(PACKAGE.link("hjaelpemateriale").url)
    slide = next(s for s in prs.slides if s.shapes.title.text == "Attestrejsen (20 min.)")
    text = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "Videoen findes i Klyngepakkernes hjælpemateriale på kiap.dk" in text
    assert page in text
    linked = [
        run.hyperlink.address
        for sh in slide.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for run in p.runs
        if run.hyperlink.address
    ]
    assert linked == [page]
    (picture,) = [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert picture.click_action.hyperlink.address == page
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.image.blob)))
    assert found.text == page


def test_a_video_with_no_address_at_all_shows_its_title_and_no_qr_code():
    links = [
        link.model_copy(update={"found_at": None}) if link.id == "attestrejsen" else link
        for link in PACKAGE.links
    ]
    bare = PACKAGE.model_copy(update={"links": links})
    prs = deck(package=bare)
    slide = next(s for s in prs.slides if s.shapes.title.text == "Attestrejsen (20 min.)")
    text = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "Video: Attestrejsen" in text and "http" not in text.split("Klynge Aalborg")[0]
    assert not [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_every_slide_has_notes_of_its_own():
    prs = deck()
    notes = [s.notes_slide.notes_text_frame.text for s in prs.slides]
    assert all(notes)
    paragraphs = [p for n in notes for p in n.split("\n\n")]
    # No paragraph is pasted under every slide.
    assert max(paragraphs.count(p) for p in paragraphs) < len(prs.slides) / 2


def test_every_slide_but_the_title_has_its_number_and_the_cluster():
    prs = deck()
    total = len(prs.slides)
    cluster = source().order.cluster.name
    for number, slide in enumerate(prs.slides, start=1):
        shown = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
        if number > 1:
            assert f"{number} / {total}" in shown
            assert any(t.startswith(cluster) for t in shown)


def _follow_up_deck(**changes):
    return Presentation(io.BytesIO(render("comparison_deck", source(**changes))))


def test_the_follow_up_deck_says_what_the_second_round_did():
    first = source().survey_results
    members = len(source().order.members)
    nobody = texts(
        _follow_up_deck(first_round=first, survey_results=None, second_round_invited=members)
    )
    assert f"2. runde: 0 af {members} har svaret" in nobody
    assert "ikke gentaget" not in nobody and "2. runde: ingen svar" in nobody
    assert "Spørgeskemaet blev ikke gentaget." in texts(
        _follow_up_deck(first_round=first, survey_results=None)
    )


def test_the_follow_up_deck_gives_both_rounds_response_rates_alike():
    first = source().survey_results
    both = texts(
        _follow_up_deck(
            first_round=first, first_round_invited=4, survey_results=first, second_round_invited=6
        )
    )
    answered = first.respondents
    assert f"1. runde: {answered} af 4 har svaret ({percent(answered / 4)})" in both
    assert f"2. runde: {answered} af 6 har svaret ({percent(answered / 6)})" in both


def test_the_follow_up_deck_shows_both_rounds_side_by_side_per_closed_question():
    first = source().survey_results
    prs = _follow_up_deck(first_round=first, survey_results=first, second_round_invited=3)
    charts = [sh.chart for s in prs.slides for sh in s.shapes if sh.has_chart]
    closed = [q for q in first.questions if q.options]
    assert len(charts) == len(closed)
    for chart, question in zip(charts, closed, strict=True):
        assert [s.name for s in chart.series] == ["1. runde", "2. runde"]
        assert list(chart.series[1].values) == [o.share for o in question.options]


def test_the_deck_is_on_the_projects_own_master():
    """The house style lives in the master, its layouts and the theme, so every slide, chart
    and table takes it: dark-blue titles, a blue band, the house colours in charts, one layout
    per kind of slide placed for 16:9 (a slide takes its geometry from its layout), pale-blue
    dividers and pause from their own layout."""
    prs = deck()
    master = prs.slide_master
    assert any(s.name == "Husets bånd" for s in master.shapes)
    theme = next(
        r.target_part.blob for r in master.part.rels.values() if r.reltype.endswith("/theme")
    )
    assert b'<a:accent1><a:srgbClr val="1F4E79"/>' in theme
    assert b'<a:dk2><a:srgbClr val="1F4E79"/>' in theme
    assert [layout.name for layout in prs.slide_layouts] == [
        "Forside",
        "Punkter",
        "Blok",
        "Diagram eller tabel",
        "Tom",
    ]
    for layout in prs.slide_layouts:
        for shape in layout.placeholders:
            assert shape.left + shape.width <= prs.slide_width, (layout.name, shape.name)
    by_layout: dict[str, list[str]] = {}
    for slide in prs.slides:
        title = slide.shapes.title
        assert title.element.spPr.find(qn("a:xfrm")) is None, "placed by its layout"
        by_layout.setdefault(slide.slide_layout.name, []).append(title.text_frame.text)
    assert by_layout["Forside"] == [prs.slides[0].shapes.title.text_frame.text]
    assert all(t.startswith(("Blok ", "Pause")) for t in by_layout["Blok"])
    assert sum(t.startswith("Blok ") for t in by_layout["Blok"]) == 3
    assert "Program" in by_layout["Diagram eller tabel"]
    assert prs.slide_layouts.get_by_name("Blok").background.fill.fore_color.rgb == RGBColor(
        0xDD, 0xEB, 0xF7
    )


def test_the_same_free_text_answer_is_shown_once_with_its_count():
    from renderers.text import grouped_answers

    given = ["Fast kontaktperson", "Hurtigt svar", "fast kontaktperson.", "Fast  kontaktperson"]
    assert grouped_answers([*given, "Klare spørgsmål", "Hurtigt svar"]) == [
        "Fast kontaktperson (3 svar)",
        "Hurtigt svar (2 svar)",
        "Klare spørgsmål",
    ]
    assert grouped_answers([]) == []


def test_a_large_clusters_charts_do_not_print_figures_on_top_of_each_other():
    """71 doctors in 24 practices: 48 bars in the extract's chart. Their figures overlapped;
    past 24 bars the gridlines give the scale and the legend sits below the plot."""
    from pptx.enum.chart import XL_LEGEND_POSITION

    from bench.render import largest_cluster

    def extract_chart(prs):  # type: ignore[no-untyped-def]
        slide = next(s for s in prs.slides if s.shapes.title.text.startswith("Attester fra"))
        return next(sh.chart for sh in slide.shapes if sh.has_chart)

    large = extract_chart(Presentation(io.BytesIO(render("deck", largest_cluster()))))
    assert not large.plots[0].has_data_labels and large.value_axis.has_major_gridlines
    assert large.legend.position == XL_LEGEND_POSITION.BOTTOM
    small = extract_chart(Presentation(io.BytesIO(render("deck", _with_small_extract()))))
    assert small.plots[0].has_data_labels  # two practices: each bar carries its figure


def _with_small_extract():
    from schemas.order.extract import ExtractRow, JobcenterExtract, anonymise

    rows = [
        ExtractRow(ydernummer="012345", certificate_type="LÆ 265", received=12, requests=14),
        ExtractRow(ydernummer="067890", certificate_type="LÆ 265", received=9, requests=10),
    ]
    extract = anonymise(JobcenterExtract(rows=rows), "o-1", ["012345", "067890"])
    return source(extract=extract)


def test_answer_times_per_type_stand_beside_the_sourced_agreed_time():
    from schemas.order.extract import ExtractRow, JobcenterExtract, anonymise

    rows = [
        ExtractRow(ydernummer="012345", certificate_type="LÆ 125", received=5, median_days=21),
        ExtractRow(ydernummer="067890", certificate_type="LÆ 125", received=3, median_days=19),
        ExtractRow(ydernummer="012345", certificate_type="LÆ 285", received=4, median_days=9.5),
        ExtractRow(ydernummer="067890", certificate_type="LÆ 265", received=2),
    ]
    extract = anonymise(JobcenterExtract(rows=rows), "o-1", ["012345", "067890"])
    prs = deck(extract=extract)
    slide = next(s for s in prs.slides if s.shapes.title.text.startswith("Svartid pr. type"))
    text = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    # The middle of the practices' medians, beside the time agreed for the type.
    assert "LÆ 125 Statusattest: 21 dage – aftalt 14 dage" in text
    # LÆ 285 has no fixed time: the source's words, and what the package must say of it.
    assert (
        "LÆ 285 Attest til sygedagpengeopfølgning: 9,5 dage – ingen fast frist – jobcenteret "
        "sætter den, dog mindst 8 dage efter anmodningen" in text
    )
    assert "frivilligt at anvende attesten" in text
    # A type the job centre gave no answer time for is not on the slide.
    assert "LÆ 265" not in text


# ---- the cluster beside the country ----------------------------------------------------------


def compared(src, others: int, in_region: int = 5):
    """``src`` with the comparison its order would read: ``others`` other clusters, the first
    ``in_region`` in its region, the rest in Syddanmark; each with an answer time for LÆ 265."""
    from datetime import date

    from schemas.benchmark.comparison import compare
    from schemas.benchmark.figures import BenchmarkKey, cluster_key
    from schemas.shared.region import Region
    from tests.benchmark_rows import cluster_row

    region = src.order.cluster.region
    key = BenchmarkKey(
        order_id=src.order_id,
        cluster=cluster_key(src.order.cluster.name, region),
        round=1,
        package_id=PACKAGE.id,
        region=region,
        meeting_on=date(2027, 2, 1),
    )
    rows = []
    for n in range(others):
        row = cluster_row(
            PACKAGE, n, region if n < in_region else Region.SYDDANMARK, date(2026, 11, 1)
        )
        typed = row.types or []
        from schemas.benchmark.figures import TypeFigure

        typed = [
            TypeFigure(certificate_type="LÆ 265", received=10, requests=12, median_days=10.0 + n)
        ]
        rows.append(row.model_copy(update={"types": typed}))
    comparison = compare(key, [q.id for q in PACKAGE.survey.questions], rows)
    return src.model_copy(update={"comparison": comparison})


def _chart_series(prs, title: str) -> list[str]:
    slide = next(
        s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text == title
    )
    chart = next(sh.chart for sh in slide.shapes if sh.has_chart)
    return [s.name for s in chart.plots[0].series]


def test_each_question_shows_the_country_and_the_region_beside_the_cluster():
    prs = Presentation(io.BytesIO(render("deck", compared(source(), others=10))))
    question = PACKAGE.survey.questions[0].text
    assert _chart_series(prs, question) == ["Klyngen", "Alle klynger", "Region Nordjylland"]
    text = texts(prs)
    assert "Alle klynger: 10 klynger, 60 svar · Region Nordjylland: 5 klynger, 30 svar" in text
    assert "De andre klynger: 67\xa0% svarede (10 klynger)." in text
    said = " ".join(s.notes_slide.notes_text_frame.text for s in prs.slides if s.has_notes_slide)
    assert "ikke et tegn på, at nogen gør det forkert" in said


def test_too_few_clusters_show_the_cluster_alone_and_say_so():
    prs = Presentation(io.BytesIO(render("deck", compared(source(), others=3, in_region=3))))
    question = PACKAGE.survey.questions[0].text
    assert _chart_series(prs, question) == ["Klyngen"]
    text = texts(prs)
    assert "Alle klynger: For få klynger til at vise et landstal endnu (3 af 5)" in text
    assert "Landstal: For få klynger til at vise et landstal endnu (3 af 5)." in text


def test_the_answer_times_stand_beside_the_national_median():
    from tests.renderers.test_looked_at import with_extract

    prs = Presentation(io.BytesIO(render("deck", compared(with_extract(), others=10))))
    # The medians 10..19 days, each of 12 requests: half the requests lie at or below 14.
    assert "Andre klynger: median 14 dage (10 klynger)" in texts(prs)


def test_the_follow_up_deck_shows_before_now_and_the_country():
    src = compared(source(), others=7, in_region=0)
    src = src.model_copy(update={"first_round": src.survey_results})
    prs = Presentation(io.BytesIO(render("comparison_deck", src)))
    question = PACKAGE.survey.questions[0].text
    assert _chart_series(prs, question) == ["1. runde", "2. runde", "Alle klynger"]
    assert "Alle klynger: 7 klynger, 42 svar" in texts(prs)
