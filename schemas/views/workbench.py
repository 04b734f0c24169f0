"""KiAP's human tasks as the workbench lists them and the morning overview mails them: one row
per running order, under its most pressing task, found by a visibility query per kind of task
(search attributes only; no personal data). Who has a task, and who is away, decide whose it
is; pure, so the page and the overview say the same."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from pydantic import BaseModel

from schemas.order.listing import OrderSummary
from schemas.order.steps import LEGACY_PARTNER_STEP, Step
from schemas.shared.copenhagen import COPENHAGEN

# Orders started before the partner's stage was named neutrally carry its old name in their
# search attributes: the lists find both.
PARTNER_STEPS = f"('{Step.PARTNER.value}', '{LEGACY_PARTNER_STEP}')"
# The task list: a query on the search attributes per kind of task, in this order.
TASKS = (
    ("Sen bestilling venter på svar", "CurrentStep = 'late_request'"),
    ("Telefonkonsultation", "CurrentStep = 'consultation'"),
    ("Noget gik galt", "Attention = true"),
    ("Datatræk mangler", f"OverdueSteps IN {PARTNER_STEPS}"),
    ("Aftaler er overskredet", "OverdueAgreements > 0"),
    ("Et trin er overskredet", "Overdue = true"),
)
# A course's or a cluster's task: a mail of theirs did not arrive.
UNDELIVERED = "En mail kom ikke frem"
# What operations are told each morning: what waits for a decision or went wrong.
OPERATIONS_TASKS = frozenset({"Sen bestilling venter på svar", "Noget gik galt", UNDELIVERED})
WHEN_ORDER = {"Overskredet": 0, "I dag": 1, "Kommende": 2, "–": 3}


class TaskRow(BaseModel):
    label: str
    order: OrderSummary
    when: str

    @property
    def holder(self) -> str | None:
        return self.order.assignees[0] if self.order.assignees else None


def when(due: datetime | None, now: datetime) -> str:
    if due is None:
        return "–"
    if due < now:
        return "Overskredet"
    if due.astimezone(COPENHAGEN).date() == now.astimezone(COPENHAGEN).date():
        return "I dag"
    return "Kommende"


def task_rows(found: list[tuple[str, list[OrderSummary]]], now: datetime) -> list[TaskRow]:
    """Each order once, under the first (most precise) kind of task that names it, by due."""
    listed: set[str] = set()
    rows = []
    for label, orders in found:
        for order in orders:
            if order.id in listed:
                continue
            listed.add(order.id)
            rows.append(TaskRow(label=label, order=order, when=when(order.next_due, now)))
    far = now + timedelta(days=3650)
    rows.sort(key=lambda r: (WHEN_ORDER[r.when], r.order.next_due or far))
    return rows


class Colleague(BaseModel):
    """A staff member as the task lists need them (storage/staff_directory.py keeps them)."""

    id: str
    name: str
    email: str | None = None
    roles: list[str] = []
    away_from: date | None = None
    away_to: date | None = None

    def away_on(self, day: date) -> bool:
        return (
            self.away_from is not None
            and self.away_to is not None
            and self.away_from <= day <= self.away_to
        )


class Team(BaseModel):
    """KiAP's staff on one day: who has a task, who is away."""

    members: dict[str, Colleague]
    today: date

    def away(self, member_id: str | None) -> Colleague | None:
        member = self.members.get(member_id or "")
        return member if member is not None and member.away_on(self.today) else None

    def free(self, row: TaskRow) -> bool:
        """Nobody has it, its holder is away today, or its holder is no one the workbench
        knows (a rule's consultant who never logged in): the others see it as theirs."""
        return (
            row.holder is None
            or row.holder not in self.members
            or self.away(row.holder) is not None
        )

    def name(self, member_id: str | None) -> str:
        member = self.members.get(member_id or "")
        return member.name if member is not None else "en kollega"

    def workload(self, rows: list[TaskRow]) -> list[tuple[str, int]]:
        """Tasks per consultant who has any, by name; those nobody has last."""
        held = Counter(self.name(r.holder) for r in rows if not self.free(r))
        free = sum(1 for r in rows if self.free(r))
        return [*sorted(held.items()), *([("Ikke tildelt", free)] if free else [])]

    def colleagues(self, member_id: str) -> list[Colleague]:
        """Whom a task can be given to: everyone else with a staff role."""
        return [m for m in self.members.values() if m.id != member_id and m.roles]


class Overview(BaseModel):
    """One consultant's morning: their tasks due today or overdue, then the ones nobody has."""

    day: date
    mine: list[TaskRow]
    free: list[TaskRow]
    away: list[str] = []

    @property
    def empty(self) -> bool:
        return not self.mine and not self.free


def overview_for(member: Colleague, rows: list[TaskRow], team: Team) -> Overview | None:
    """The consultant's overview, or None: nothing to tell, or they are away today."""
    if member.away_on(team.today):
        return None
    # Due today or overdue; a course's or a cluster's task has no date and is due now.
    due = [r for r in rows if r.when in ("Overskredet", "I dag", "–")]
    mine = [r for r in due if r.holder == member.id]
    free = [r for r in rows if team.free(r)]
    away = sorted({note for r in free if (note := _away_note(team, r.holder)) is not None})
    found = Overview(day=team.today, mine=mine, free=free, away=away)
    return None if found.empty else found


def _away_note(team: Team, member_id: str | None) -> str | None:
    member = team.away(member_id)
    if member is None or member.away_to is None:
        return None
    return f"{member.name} er væk til og med {member.away_to.day}.{member.away_to.month}."


def operations_overview(rows: list[TaskRow], today: date) -> Overview | None:
    """Operations' short one: failures, undeliverable mail, orders waiting for a decision."""
    wanted = [r for r in rows if r.label in OPERATIONS_TASKS]
    return Overview(day=today, mine=wanted, free=[]) if wanted else None
