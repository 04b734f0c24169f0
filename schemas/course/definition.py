"""The job-centre course as the catalog describes it (seed 002): program, tasks, cases."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, model_validator

Responsible = Literal["jobcenter", "praksiskonsulent", "begge", "deltagerne"]


class CourseMode(StrEnum):
    PHYSICAL = "fysisk"
    ONLINE = "online"


class ProgramItem(BaseModel):
    id: str
    minutes: int = Field(gt=0)
    slides: int = Field(ge=0, description="New slides; 0: the item uses the previous ones")
    activity: str
    purpose: str
    remarks: str = Field(default="", description="Seed 002's remarks for the teachers")
    responsible: Responsible


class TaskDefinition(BaseModel):
    id: str
    weeks: int = Field(description="Weeks before (negative) or after the course")
    title: str
    responsible: Literal["jobcenter", "praksiskonsulent", "begge"]
    automatic: bool = Field(default=False, description="The workflow does it itself")


class Case(BaseModel):
    id: str
    title: str


class CourseDefinition(BaseModel):
    """catalog/courses/<id>/course.yaml"""

    id: str
    title: str
    minutes: int
    learning_goals: list[str]
    preparation: str
    guide_link: str | None = Field(
        default=None,
        description="Attestguiden, linked from the intro mail (a course may give its own); "
        "None only in courses loaded before it was in the catalog",
    )
    cases: list[Case]
    program: list[ProgramItem]
    tasks: list[TaskDefinition]

    @model_validator(mode="after")
    def _program_fills_the_course(self) -> CourseDefinition:
        total = sum(i.minutes for i in self.program)
        if total != self.minutes:
            raise ValueError(f"programmet varer {total} minutter, kurset {self.minutes}")
        return self
