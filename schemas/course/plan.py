"""The course's checklist as dated tasks (4/3/2/1 weeks before, 1/2 after), its groups and
its program in clock time."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from schemas.course.definition import CourseDefinition, CourseMode
from schemas.course.request import MIN_LEAD, Participant
from schemas.shared.business_days import (
    at_workday_start,
    is_business_day,
    on_or_after,
    on_or_before,
)
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import DomainError

GROUP_MIN, GROUP_MAX = 4, 6


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
