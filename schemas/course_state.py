"""The course's state as a fold over its domain events, as the order's is (schemas/state.py):
its tasks done, participants, notes, groups and its dated log, and the status derived."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.artifacts import ArtifactRef
from schemas.course import (
    FOLLOW_UP,
    GROUPS,
    INTRO,
    CourseMode,
    CourseNote,
    CourseStatus,
    Groups,
    Participant,
    PlannedTask,
    TaskState,
    TaskView,
)
from schemas.danish_format import date_long


class _Event(BaseModel):
    at: datetime = Field(description="Course-clock time")


class Planned(_Event):
    type: Literal["Planned"] = "Planned"
    tasks: list[PlannedTask]


class ProgramRendered(_Event):
    type: Literal["ProgramRendered"] = "ProgramRendered"
    program: ArtifactRef


class Started(_Event):
    """The teachers have their checklist and program; dated when the course was created."""

    type: Literal["Started"] = "Started"


class IntroSent(_Event):
    type: Literal["IntroSent"] = "IntroSent"
    participants: int


class GroupsMade(_Event):
    type: Literal["GroupsMade"] = "GroupsMade"
    groups: Groups


class GroupsSent(_Event):
    type: Literal["GroupsSent"] = "GroupsSent"
    sizes: list[int] = Field(description="How many are in each group")


class FollowUpSent(_Event):
    type: Literal["FollowUpSent"] = "FollowUpSent"
    notes: int


class Reminded(_Event):
    type: Literal["Reminded"] = "Reminded"
    title: str
    missing_participants: bool = False


class TaskMarkedDone(_Event):
    type: Literal["TaskMarkedDone"] = "TaskMarkedDone"
    task: str
    title: str


class NoteTaken(_Event):
    type: Literal["NoteTaken"] = "NoteTaken"
    note: CourseNote


class ParticipantsSet(_Event):
    type: Literal["ParticipantsSet"] = "ParticipantsSet"
    participants: list[Participant]


class Closing(_Event):
    """Two weeks after the start: nothing more can change."""

    type: Literal["Closing"] = "Closing"


class ClosingSent(_Event):
    type: Literal["ClosingSent"] = "ClosingSent"
    open_tasks: list[str]


CourseEvent = (
    Planned
    | ProgramRendered
    | Started
    | IntroSent
    | GroupsMade
    | GroupsSent
    | FollowUpSent
    | Reminded
    | TaskMarkedDone
    | NoteTaken
    | ParticipantsSet
    | Closing
    | ClosingSent
)


class CourseState(BaseModel):
    planned: bool = Field(default=False, description="The course is loaded and planned")
    tasks: list[PlannedTask] = Field(default_factory=list)
    program: ArtifactRef | None = None
    done: dict[str, datetime] = Field(default_factory=dict)
    participants: list[Participant] = Field(default_factory=list)
    notes: list[CourseNote] = Field(default_factory=list)
    groups: Groups | None = None
    closed: bool = False
    happened: list[tuple[datetime, str]] = Field(
        default_factory=list, description="Dated, in the order of the planned time"
    )

    def task(self, task_id: str) -> PlannedTask:
        return next(t for t in self.tasks if t.id == task_id)

    def view(self, task: PlannedTask) -> TaskView:
        if task.id in self.done:
            state = TaskState.DONE
        elif self.closed:
            state = TaskState.NOT_DONE
        else:
            state = TaskState.OPEN
        return TaskView(
            id=task.id,
            title=task.title,
            responsible=task.responsible,
            due=task.due,
            automatic=task.automatic,
            state=state,
            done_at=self.done.get(task.id),
        )


def says(event: CourseEvent) -> str | None:
    """What the event adds to the course's log (None: nothing a person needs to read)."""
    match event:
        case Started():
            return "Kurset er oprettet; underviserne har fået tjeklisten og programmet"
        case IntroSent():
            return f"Introduktionsmail sendt til {event.participants} deltagere"
        case GroupsSent():
            sizes = ", ".join(str(n) for n in event.sizes) or "ingen"
            return f"Grupper sendt til underviserne ({sizes})"
        case FollowUpSent():
            return f"Opfølgningsmail sendt med {event.notes} noter"
        case Reminded():
            what = "deltagerlisten mangler" if event.missing_participants else "påmindelse sendt"
            return f"{event.title}: {what}"
        case TaskMarkedDone():
            return f"Udført: {event.title}"
        case ClosingSent():
            left = ", ".join(event.open_tasks)
            return "Kurset er afsluttet" + (f"; ikke gjort: {left}" if left else "; alt er gjort")
    return None


def _done(state: CourseState, task: str, at: datetime) -> dict[str, datetime]:
    return {**state.done, task: at}


def apply(state: CourseState, event: CourseEvent) -> CourseState:
    """The state after ``event``. Pure; the workflow and tests fold with it."""
    s = state
    line = says(event)
    match event:
        case Planned():
            s = s.model_copy(update={"planned": True, "tasks": list(event.tasks)})
        case ProgramRendered():
            s = s.model_copy(update={"program": event.program})
        case IntroSent():
            s = s.model_copy(update={"done": _done(s, INTRO, event.at)})
        case GroupsMade():
            s = s.model_copy(update={"groups": event.groups})
        case GroupsSent():
            s = s.model_copy(update={"done": _done(s, GROUPS, event.at)})
        case FollowUpSent():
            s = s.model_copy(update={"done": _done(s, FOLLOW_UP, event.at)})
        case TaskMarkedDone():
            s = s.model_copy(update={"done": _done(s, event.task, event.at)})
        case NoteTaken():
            s = s.model_copy(update={"notes": [*s.notes, event.note]})
        case ParticipantsSet():
            s = s.model_copy(update={"participants": list(event.participants)})
        case Closing():
            s = s.model_copy(update={"closed": True})
    if line is not None:
        # Sorted by when it happened: a task ticked while the program still rendered comes
        # after the course's creation, which is dated when the course began.
        happened = sorted([*s.happened, (event.at, line)], key=lambda item: item[0])
        s = s.model_copy(update={"happened": happened})
    return s


def fold(events: list[CourseEvent], participants: list[Participant]) -> CourseState:
    state = CourseState(participants=list(participants))
    for event in events:
        state = apply(state, event)
    return state


def status_of(
    state: CourseState,
    course_id: str,
    course: str,
    start: datetime,
    mode: CourseMode,
    title: str | None = None,
) -> CourseStatus:
    return CourseStatus(
        id=course_id,
        course=course,
        title=title,
        status="completed" if state.closed else "active",
        start=start,
        mode=mode,
        participants=len(state.participants),
        tasks=[state.view(t) for t in state.tasks],
        groups=[len(g) for g in state.groups.groups] if state.groups else [],
        notes=len(state.notes),
        program=state.program.path if state.program else None,
        events=[f"{date_long(at)}: {what}" for at, what in state.happened],
    )


# ---- the rules that refuse a teacher's step (the course's Update validators) ---------------


def refuse_closed(state: CourseState) -> str | None:
    if not state.planned:
        return "Kurset er ved at starte; prøv igen om et øjeblik."
    if state.closed:
        return "Kurset er afsluttet og kan ikke ændres."
    return None


def refuse_task_done(state: CourseState, task_id: str) -> str | None:
    if (reason := refuse_closed(state)) is not None:
        return reason
    known = {t.id: t for t in state.tasks}
    task = known.get(task_id)
    if task is None:
        return f"task: ukendt opgave – brug en af: {', '.join(known)}"
    if task.automatic:
        return f"task: '{task.title}' klarer kurset selv på sin dato."
    if task_id in state.done:
        return f"'{task.title}' er allerede markeret som udført."
    return None


def refuse_note(state: CourseState) -> str | None:
    if (reason := refuse_closed(state)) is not None:
        return reason
    if FOLLOW_UP in state.done:
        return "Opfølgningsmailen er sendt; noten kan ikke længere komme med."
    return None


def refuse_participants(state: CourseState, now: datetime, start: datetime) -> str | None:
    if (reason := refuse_closed(state)) is not None:
        return reason
    if now >= start:
        return "Kurset er begyndt; deltagerlisten kan ikke længere ændres."
    return None
