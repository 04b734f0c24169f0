"""The course's domain events; its state is a fold over them (schemas/course/state.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.course.commands import CourseNote
from schemas.course.definition import CourseDefinition
from schemas.course.plan import Groups, PlannedTask
from schemas.course.request import Participant
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.assignment import TaskAssigned


class _Event(BaseModel):
    at: datetime = Field(description="Course-clock time")


class Planned(_Event):
    type: Literal["Planned"] = "Planned"
    tasks: list[PlannedTask]
    definition: CourseDefinition | None = Field(
        default=None, description="The course as the catalog had it when it was planned"
    )


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


class MailNotDelivered(_Event):
    """A mail the server refused for some recipients (5xx), or kept deferring for a day, or
    could not send for a refused login: KiAP is shown it (search attribute Attention)."""

    type: Literal["MailNotDelivered"] = "MailNotDelivered"
    mail: str
    recipients: int
    code: int | None = None
    login_refused: bool = False


CourseEvent = (
    Planned
    | TaskAssigned
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
    | MailNotDelivered
)
