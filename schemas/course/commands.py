"""What the course's teachers ask of it: each Update's payload."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from schemas.course.request import Participant


class TaskDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: str = Field(min_length=1, max_length=60, description="Opgavens id, fx forberedelse")


class CourseNote(BaseModel):
    """A topic, point or good request a teacher noted during the course."""

    at: datetime
    text: str = Field(min_length=1, max_length=2000)
    good_example: bool = False


class CourseNoteCommand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=2000, description="Emne eller pointe fra kurset")
    good_example: bool = Field(default=False, description="En god anmodning til opfølgningsmailen")


class ParticipantsCommand(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participants: list[Participant] = Field(min_length=1, max_length=200)
