"""The course's state as a fold over its domain events, as the order's is (schemas/order/state.py):
its tasks done, participants, notes, groups and its dated log, and the status derived."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from schemas.course.commands import CourseNote
from schemas.course.definition import CourseDefinition, CourseMode
from schemas.course.events import (
    Closing,
    ClosingSent,
    CourseEvent,
    FollowUpSent,
    GroupsMade,
    GroupsSent,
    IntroSent,
    MailNotDelivered,
    NoteTaken,
    ParticipantsSet,
    Planned,
    ProgramRendered,
    Reminded,
    Started,
    TaskMarkedDone,
)
from schemas.course.plan import FOLLOW_UP, GROUPS, INTRO, Groups, PlannedTask, TaskState
from schemas.course.request import Participant
from schemas.course.status import CourseStatus, TaskView
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.assignment import TaskAssigned, TaskHolder, assignment_text, holder_after
from schemas.shared.danish_format import date_long
from schemas.shared.mail_problems import undelivered_text


class CourseState(BaseModel):
    planned: bool = Field(default=False, description="The course is loaded and planned")
    definition: CourseDefinition | None = None
    mail_problems: int = Field(default=0, description="Mails that did not reach everyone")
    tasks: list[PlannedTask] = Field(default_factory=list)
    program: ArtifactRef | None = None
    done: dict[str, datetime] = Field(default_factory=dict)
    participants: list[Participant] = Field(default_factory=list)
    notes: list[CourseNote] = Field(default_factory=list)
    groups: Groups | None = None
    closed: bool = False
    holder: TaskHolder | None = Field(default=None, description="Who at KiAP has its tasks")
    assigned_ever: bool = False
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
        case MailNotDelivered():
            return undelivered_text(event.mail, event.recipients, event.code, event.login_refused)
        case TaskAssigned():
            return assignment_text(event)
    return None


def _done(state: CourseState, task: str, at: datetime) -> dict[str, datetime]:
    return {**state.done, task: at}


def apply(state: CourseState, event: CourseEvent) -> CourseState:
    """The state after ``event``. Pure; the workflow and tests fold with it."""
    if isinstance(event, MailNotDelivered):
        state = state.model_copy(update={"mail_problems": state.mail_problems + 1})
    s = state
    line = says(event)
    match event:
        case TaskAssigned():
            s = s.model_copy(update={"holder": holder_after(event), "assigned_ever": True})
        case Planned():
            s = s.model_copy(
                update={"planned": True, "tasks": list(event.tasks), "definition": event.definition}
            )
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
        program=state.program.name if state.program else None,
        events=[f"{date_long(at)}: {what}" for at, what in state.happened],
    )
