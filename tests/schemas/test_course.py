"""The course without Temporal: groups within 4–6 for every count, the checklist on business
days, the course file with its participants, and the program document read back."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog import load_course
from klyngepakke.order_file import load_course_file
from renderers.course_program import CourseProgram
from schemas.course.definition import CourseMode
from schemas.course.plan import group_sizes, plan_tasks, program_rows, split_groups
from schemas.course.request import Participant
from schemas.shared.business_days import is_business_day
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import DomainError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEFINITION = load_course("jobcenterpakke")


def people(count: int, teams: int = 0) -> list[Participant]:
    return [
        Participant(email=f"p{n}@example.dk", team=f"Team {n % teams}" if teams else None)
        for n in range(count)
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.integers(4, 60).filter(lambda n: n != 7),
    st.sampled_from(list(CourseMode)),
    st.integers(0, 5),
)
def test_groups_are_four_to_six_and_everyone_is_in_exactly_one(count, mode, teams):
    split = split_groups(people(count, teams), mode, "kursus-1")
    sizes = [len(g) for g in split.groups]
    assert all(4 <= size <= 6 for size in sizes), sizes
    assert sorted(p.email for g in split.groups for p in g) == sorted(
        p.email for p in people(count)
    )
    assert split.note is None


def test_seven_cannot_be_split_into_four_to_six_and_the_teachers_are_told():
    split = split_groups(people(7), CourseMode.PHYSICAL, "kursus-1")
    assert sorted(len(g) for g in split.groups) == [3, 4]
    assert split.note is not None and "7 deltagere" in split.note
    assert group_sizes(3) == [3] and group_sizes(0) == []


def test_online_groups_are_random_but_reproducible():
    first = split_groups(people(20), CourseMode.ONLINE, "kursus-1")
    again = split_groups(people(20), CourseMode.ONLINE, "kursus-1")
    other = split_groups(people(20), CourseMode.ONLINE, "kursus-2")
    emails = lambda s: [[p.email for p in g] for g in s.groups]  # noqa: E731
    assert emails(first) == emails(again) != emails(other)
    assert emails(first)[0] != [f"p{n}@example.dk" for n in range(5)]


def test_physical_groups_keep_teams_together_where_the_sizes_allow():
    split = split_groups(people(12, teams=2), CourseMode.PHYSICAL, "kursus-1")
    assert [{p.team for p in g} for g in split.groups] == [{"Team 0"}, {"Team 1"}]


def test_the_checklist_falls_on_business_days_and_refuses_a_course_too_soon():
    start = datetime(2027, 4, 7, 13, tzinfo=COPENHAGEN)  # the Wednesday after Easter
    tasks = {
        t.id: t.due for t in plan_tasks(DEFINITION, start, datetime(2027, 1, 4, tzinfo=COPENHAGEN))
    }
    assert all(is_business_day(d.date()) for d in tasks.values())
    assert tasks["introduktionsmail"].date().isoformat() == "2027-03-17"
    assert tasks["opfoelgningsmail"].date().isoformat() == "2027-04-14"
    with pytest.raises(DomainError) as refused:
        plan_tasks(DEFINITION, start, datetime(2027, 3, 20, tzinfo=COPENHAGEN))
    assert refused.value.field == "start" and "--force" in refused.value.message


def test_the_example_course_file_with_its_participant_list():
    request = load_course_file(EXAMPLES / "kursus.yaml")
    assert len(request.participants) == 9
    assert request.participants[2].name == "Carla Øst"  # cp1252 read right
    assert {p.team for p in request.participants} == {
        "Sygedagpenge",
        "Ressourceforløb",
        "Jobafklaring",
    }


@pytest.mark.parametrize("name", ["mangler.csv", ".", "navn\x00.csv", "ø" * 300])
def test_a_participant_list_that_cannot_be_read_is_named_with_the_fix(tmp_path, name):
    course = (EXAMPLES / "kursus.yaml").read_text(encoding="utf-8")
    course = course.replace("participants_file: ", f"participants_file: {json.dumps(name)}  # ", 1)
    (tmp_path / "kursus.yaml").write_text(course, encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        load_course_file(tmp_path / "kursus.yaml")
    assert refused.value.field == "participants_file"
    assert "samme mappe som kursusfilen" in refused.value.message


def test_the_program_document_reads_back_with_times_from_the_start_and_renumbered_slides():
    request = load_course_file(EXAMPLES / "kursus.yaml").model_copy(
        update={"slides": {"gode-raad": 5}}
    )
    renderer = CourseProgram()
    data = renderer.render(renderer.context(request, DEFINITION, "2026-12-01T00:00:00Z")).content
    table = Document(io.BytesIO(data)).tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in rows] == [
        "13.00–13.15",
        "13.15–13.20",
        "13.20–13.30",
        "13.30–13.40",
        "13.40–13.50",
        "13.50–14.00",
        "14.00–14.05",
        "14.05–14.20",
        "14.20–14.40",
        "14.40–14.50",
    ]
    # Five slides in 'Fem gode råd' instead of three: everything after moves by two.
    assert [r[1] for r in rows] == [
        "1–2",
        "3",
        "4–8",
        "9",
        "10–11",
        "12–13",
        "14–15",
        "14–15",
        "16–18",
        "19",
    ]
    assert rows[0][4] == "Repræsentant fra jobcenteret"
    assert rows[7][4] == "Deltagerne"
    # Each item's purpose, then seed 002's remark to the teachers (LÆ 285 is voluntary now).
    assert rows[1][3].startswith(DEFINITION.program[1].purpose)
    assert "Bemærk: Aftalen om LÆ 285 er ændret" in rows[1][3]
    assert all("Bemærk:" in r[3] for r in rows)
    # The columns keep their widths in LibreOffice too, which reads the table's grid.
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows[1:])
    grid = table._tbl.tblGrid.gridCol_lst
    assert [round(c.w.cm, 1) for c in grid] == [3.0, 1.6, 6.0, 11.6, 4.4]
    # The header repeats on page 2; the program ends with the course, not an instruction.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "laves igen" not in text and "kursusfilen" not in text
    assert len(program_rows(DEFINITION, request.start, {})) == len(DEFINITION.program)


def test_a_forced_course_planned_on_a_closed_day_starts_its_tasks_on_the_next_business_day():
    """Planned on 31 December (closed, as the project treats it) for a course in three weeks:
    the tasks already past fall due on Monday 4 January, not on New Year's Eve."""
    now = datetime(2026, 12, 31, 10, tzinfo=COPENHAGEN)
    start = datetime(2027, 1, 20, 13, tzinfo=COPENHAGEN)
    tasks = plan_tasks(DEFINITION, start, now, force=True)
    assert all(is_business_day(t.due.date()) for t in tasks)
    assert min(t.due for t in tasks).date().isoformat() == "2027-01-04"
    # A course started before the rule keeps its plan (its history replays unchanged).
    old = plan_tasks(DEFINITION, start, now, force=True, on_business_days=False)
    assert min(t.due for t in old) == now
