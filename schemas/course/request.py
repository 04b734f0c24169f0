"""One course as the municipality orders it: date, mode, teachers, participants; its id."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.course.definition import CourseDefinition, CourseMode
from schemas.shared.copenhagen import LocalDateTime
from schemas.shared.errors import DomainError
from schemas.shared.people import Email, Name, Person
from schemas.shared.slug import slug

MIN_LEAD = timedelta(weeks=4)


class Participant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email
    name: Name | None = None
    team: str | None = Field(default=None, max_length=80, description="Team, til grupperne")


class Teachers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jobcenter: Person = Field(description="Repræsentanten fra jobcenteret")
    praksiskonsulent: Person = Field(description="Den kommunale praksiskonsulent")


class CourseRequest(BaseModel):
    """The course file of ``course start``."""

    model_config = ConfigDict(extra="forbid")

    course: str = Field(default="jobcenterpakke", description="Kursets id i kataloget")
    municipality: str = Field(min_length=2, max_length=80, description="Kommunen")
    start: LocalDateTime = Field(description="Kursets start, fx 2027-03-10T13:00")
    mode: CourseMode
    room: str | None = Field(default=None, max_length=200, description="Lokale (fysisk)")
    meeting_link: str | None = Field(default=None, max_length=500, description="Link (online)")
    guide_link: str | None = Field(
        default=None, max_length=500, description="Link til Attestguiden, hvis den sendes digitalt"
    )
    teachers: Teachers
    participants: list[Participant] = Field(default_factory=list, max_length=200)
    cases: list[str] = Field(default_factory=list, description="Valgte cases (id'er)")
    slides: dict[str, int] = Field(
        default_factory=dict, description="Antal slides pr. programpunkt, hvis I ændrer dem"
    )

    @model_validator(mode="after")
    def _place(self) -> CourseRequest:
        if self.mode == CourseMode.PHYSICAL and not self.room:
            raise ValueError("room: et fysisk kursus skal have et lokale – skriv room")
        if self.mode == CourseMode.ONLINE and not self.meeting_link:
            raise ValueError("meeting_link: et online kursus skal have et mødelink")
        seen: set[str] = set()
        for index, person in enumerate(self.participants):
            if person.email in seen:
                raise ValueError(
                    f"participants[{index}].email: samme e-mail står to gange – fjern dubletten"
                )
            seen.add(person.email)
        return self

    @property
    def place(self) -> str:
        return str(self.room if self.mode == CourseMode.PHYSICAL else self.meeting_link)


def default_course_id(request: CourseRequest) -> str:
    """Course, municipality and date: no personal data."""
    return f"{request.course}--{slug(request.municipality)}--{request.start.date().isoformat()}"


def check_request(request: CourseRequest, definition: CourseDefinition) -> None:
    cases = {c.id for c in definition.cases}
    for index, case in enumerate(request.cases):
        if case not in cases:
            raise DomainError(
                f"cases[{index}]", f"ukendt case – brug en af: {', '.join(sorted(cases))}"
            )
    items = {i.id for i in definition.program}
    for item, count in request.slides.items():
        if item not in items:
            raise DomainError(
                f"slides.{item}", f"ukendt programpunkt – brug en af: {', '.join(items)}"
            )
        if not 0 <= count <= 30:
            raise DomainError(f"slides.{item}", "antal slides skal være mellem 0 og 30")


class CourseInput(BaseModel):
    course: CourseRequest
    force: bool = Field(default=False, description="Start even if less than 4 weeks away")
    seconds_per_day: float | None = Field(default=None, gt=0)
    accepted_at: datetime | None = Field(
        default=None,
        description="When the client checked the course: the checklist is planned from it, so "
        "a start the workers pick up late is never refused (None: not through the client)",
    )
