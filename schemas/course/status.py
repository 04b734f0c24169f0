"""What a course shows: its status (the teachers' page, `course status`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.course.definition import CourseMode
from schemas.course.plan import TaskState


class TaskView(BaseModel):
    id: str
    title: str
    responsible: str
    due: datetime
    automatic: bool
    state: TaskState
    done_at: datetime | None = None


class CourseStatus(BaseModel):
    """``course status --json`` and the course workflow's result; no personal data."""

    run: str | None = Field(
        default=None, description="The workflow's first run id: links made for another say so"
    )
    id: str
    course: str
    title: str | None = Field(default=None, description="The course's title from its catalog")
    status: Literal["active", "completed"]
    start: datetime
    mode: CourseMode
    participants: int
    tasks: list[TaskView]
    groups: list[int] = Field(default_factory=list, description="Group sizes, once made")
    notes: int = 0
    program: str | None = Field(
        default=None,
        description="The program document's file name (attached to the teachers' first mail)",
    )
    events: list[str] = Field(default_factory=list, description="What happened, in order")
