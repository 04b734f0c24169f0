"""The course's state is the fold of its events: tasks done, the log and the status, without
Temporal."""

from __future__ import annotations

from datetime import datetime, timedelta

from schemas.course.commands import CourseNote
from schemas.course.definition import CourseMode
from schemas.course.events import (
    Closing,
    ClosingSent,
    IntroSent,
    NoteTaken,
    ParticipantsSet,
    Planned,
    Started,
    TaskMarkedDone,
)
from schemas.course.plan import INTRO, PlannedTask, TaskState
from schemas.course.request import Participant
from schemas.course.state import fold, status_of
from schemas.shared.copenhagen import COPENHAGEN

START = datetime(2027, 2, 1, 9, 0, tzinfo=COPENHAGEN)
TASKS = [
    PlannedTask(
        id="forberedelse", title="Forberedelse", responsible="begge", automatic=False, due=START
    ),
    PlannedTask(
        id=INTRO, title="Introduktionsmail", responsible="jobcenter", automatic=True, due=START
    ),
]


def test_the_log_is_in_planned_time_and_the_status_follows_the_events():
    events = [
        Planned(at=START, tasks=TASKS),
        # Ticked while the program rendered: it comes after the creation in the log.
        TaskMarkedDone(at=START + timedelta(hours=2), task="forberedelse", title="Forberedelse"),
        Started(at=START),
        ParticipantsSet(at=START, participants=[Participant(email="a@example.dk")]),
        IntroSent(at=START + timedelta(days=1), participants=1),
        NoteTaken(at=START, note=CourseNote(at=START, text="Gode spørgsmål")),
    ]
    state = fold(events, [])
    status = status_of(state, "kursus-1", "jobcenterpakke", START, CourseMode.PHYSICAL)
    assert status.events[0].endswith(
        "Kurset er oprettet; underviserne har fået tjeklisten og programmet"
    )
    assert status.events[1].endswith("Udført: Forberedelse")
    assert status.participants == 1 and status.notes == 1 and status.status == "active"
    assert [t.state for t in status.tasks] == [TaskState.DONE, TaskState.DONE]


def test_a_closed_course_shows_what_was_not_done():
    state = fold(
        [
            Planned(at=START, tasks=TASKS),
            Closing(at=START),
            ClosingSent(at=START, open_tasks=[INTRO]),
        ],
        [],
    )
    status = status_of(state, "kursus-1", "jobcenterpakke", START, CourseMode.PHYSICAL)
    assert status.status == "completed"
    assert [t.state for t in status.tasks] == [TaskState.NOT_DONE, TaskState.NOT_DONE]
    assert status.events[-1].endswith(f"Kurset er afsluttet; ikke gjort: {INTRO}")


def test_a_teachers_step_is_refused_before_the_plan_after_the_close_and_twice():
    from schemas.course.refusals import refuse_note, refuse_participants, refuse_task_done

    assert "ved at starte" in (refuse_task_done(fold([], []), "forberedelse") or "")
    planned = fold([Planned(at=START, tasks=TASKS)], [])
    assert refuse_task_done(planned, "forberedelse") is None
    assert "klarer kurset selv" in (refuse_task_done(planned, INTRO) or "")
    assert (refuse_task_done(planned, "x") or "").startswith("task: ukendt opgave")
    done = fold(
        [Planned(at=START, tasks=TASKS), TaskMarkedDone(at=START, task="forberedelse", title="F")],
        [],
    )
    assert "allerede markeret" in (refuse_task_done(done, "forberedelse") or "")
    assert refuse_note(planned) is None
    assert "begyndt" in (refuse_participants(planned, START, START) or "")
    closed = fold([Planned(at=START, tasks=TASKS), Closing(at=START)], [])
    assert "afsluttet" in (refuse_note(closed) or "")
