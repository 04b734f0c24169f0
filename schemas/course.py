"""The job-centre course (Jobcenterpakke, seed 002): the course as data, one course's request,
its checklist as dated tasks, the groups for the group work and the timed program.

A municipality runs it on its own: two teachers (a job-centre representative and a municipal
practice consultant), caseworkers as participants, physical (a room) or online (a link).
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.business_days import at_workday_start, is_business_day, on_or_after, on_or_before
from schemas.errors import DomainError
from schemas.order import COPENHAGEN, LocalDateTime, slug
from schemas.people import Email, Name, Person

Responsible = Literal["jobcenter", "praksiskonsulent", "begge", "deltagerne"]
MIN_LEAD = timedelta(weeks=4)
GROUP_MIN, GROUP_MAX = 4, 6


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


# ---- the checklist as dated tasks ------------------------------------------------------


# The tasks the course does itself on their dates (the rest are the teachers').
INTRO, GROUPS, FOLLOW_UP = "introduktionsmail", "grupper", "opfoelgningsmail"


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"
    NOT_DONE = "not_done"


class PlannedTask(BaseModel):
    id: str
    title: str
    responsible: Literal["jobcenter", "praksiskonsulent", "begge"]
    automatic: bool
    due: datetime


def plan_tasks(
    definition: CourseDefinition,
    start: datetime,
    now: datetime,
    force: bool = False,
    on_business_days: bool = True,
) -> list[PlannedTask]:
    """Each checklist item on its business day (before the course: the business day on or
    before; after it: on or after). Refuses a course less than four weeks away unless forced;
    then items already past fall due at once – on a business day, as every other task
    (``on_business_days=False``: on the day itself, as courses started before this rule)."""
    if start - now < MIN_LEAD and not force:
        days = (start - now).days
        raise DomainError(
            "start",
            f"kurset ligger kun {days} dage ude; tjeklisten begynder 4 uger før – vælg en"
            " senere dato, eller tving starten (--force)",
        )
    if start <= now:
        raise DomainError("start", "kurset ligger i fortiden – ret datoen")
    tasks = []
    for task in definition.tasks:
        day = start.date() + timedelta(weeks=task.weeks)
        business = on_or_before(day) if task.weeks < 0 else on_or_after(day)
        soonest = _soonest(now) if on_business_days else now
        due = (
            max(at_workday_start(business), soonest)
            if task.weeks < 0
            else at_workday_start(business)
        )
        tasks.append(
            PlannedTask(
                id=task.id,
                title=task.title,
                responsible=task.responsible,
                automatic=task.automatic,
                due=due,
            )
        )
    return sorted(tasks, key=lambda t: t.due)


def _soonest(now: datetime) -> datetime:
    """Now, on a business day; otherwise the start of the next one (31 December is closed)."""
    today = now.astimezone(COPENHAGEN).date()
    return now if is_business_day(today) else at_workday_start(on_or_after(today))


# ---- groups ----------------------------------------------------------------------------


class Groups(BaseModel):
    groups: list[list[Participant]]
    note: str | None = Field(default=None, description="Why a group is outside 4–6, if one is")


def group_sizes(count: int) -> list[int]:
    """Balanced sizes within 4–6. Seven cannot be split so: 4 and 3, which the note says."""
    if count <= 0:
        return []
    if count <= GROUP_MAX:
        return [count]
    groups = math.ceil(count / GROUP_MAX)
    base, extra = divmod(count, groups)
    return [base + 1] * extra + [base] * (groups - extra)


def split_groups(participants: list[Participant], mode: CourseMode, seed: str) -> Groups:
    """Physical: teammates together where the sizes allow (by team, then balanced); online:
    random but reproducible from ``seed``."""
    people = list(participants)
    if mode == CourseMode.ONLINE:
        # A keyed hash orders them: random to look at, the same every time (and in replay).
        people.sort(key=lambda p: hashlib.sha256(f"{seed}|{p.email}".encode()).hexdigest())
    elif any(p.team for p in people):
        people.sort(key=lambda p: (p.team or "~", p.email))
    sizes = group_sizes(len(people))
    groups, at = [], 0
    for size in sizes:
        groups.append(people[at : at + size])
        at += size
    note = None
    if any(not GROUP_MIN <= len(g) <= GROUP_MAX for g in groups):
        note = (
            f"{len(people)} deltagere kan ikke deles i grupper på 4–6; én gruppe er mindre –"
            " overvej at en underviser går med i den"
            if len(people) >= GROUP_MIN
            else f"Kun {len(people)} deltagere: de arbejder i én gruppe"
        )
    return Groups(groups=groups, note=note)


# ---- the timed program -----------------------------------------------------------------


class ProgramRow(BaseModel):
    time: str
    slides: str
    activity: str
    purpose: str
    remarks: str = ""
    responsible: str


RESPONSIBLE_DA = {
    "jobcenter": "Repræsentant fra jobcenteret",
    "praksiskonsulent": "Kommunal praksiskonsulent",
    "begge": "Begge undervisere",
    "deltagerne": "Deltagerne",
}


def program_rows(
    definition: CourseDefinition, start: datetime, slide_counts: dict[str, int]
) -> list[ProgramRow]:
    """Clock times from the start; slide numbers follow the counts, so adding or removing
    slides in one item renumbers the rest."""
    rows, at, next_slide, last = [], start, 1, ""
    for item in definition.program:
        count = slide_counts.get(item.id, item.slides)
        end = at + timedelta(minutes=item.minutes)
        if count:
            last = f"{next_slide}" if count == 1 else f"{next_slide}–{next_slide + count - 1}"
            next_slide += count
        rows.append(
            ProgramRow(
                time=f"{at:%H.%M}–{end:%H.%M}",
                slides=last,
                activity=item.activity,
                purpose=item.purpose,
                remarks=item.remarks,
                responsible=RESPONSIBLE_DA[item.responsible],
            )
        )
        at = end
    return rows


# ---- what people ask of a running course, and what it answers ------------------------


class CourseInput(BaseModel):
    course: CourseRequest
    force: bool = Field(default=False, description="Start even if less than 4 weeks away")
    seconds_per_day: float | None = Field(default=None, gt=0)
    accepted_at: datetime | None = Field(
        default=None,
        description="When the client checked the course: the checklist is planned from it, so "
        "a start the workers pick up late is never refused (None: not through the client)",
    )


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
    program: str | None = Field(default=None, description="The program document's path")
    events: list[str] = Field(default_factory=list, description="What happened, in order")
