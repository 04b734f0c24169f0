"""KiAP's morning overview by mail (a Temporal Schedule starts workflows/morning_overview.py each
working day at 07:00): to each consultant their tasks due today or overdue, then the ones
nobody has; to operations what failed and what waits for a decision. The tasks are read as the
workbench reads them (schemas/views/workbench.py); nothing is sent to someone with nothing to
read. The outbox key is the day: the schedule firing twice sends each person one mail."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import date, datetime

import structlog
from pydantic import BaseModel, Field
from temporalio import activity

from activities.mail_delivery import Delivery
from catalog import Catalog
from catalog.mail_templates import MailBody
from schemas.order.listing import OrderSummary
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.links import privacy_notice
from schemas.shared.people import Person
from schemas.views.workbench import (
    TASKS,
    UNDELIVERED,
    Overview,
    TaskRow,
    Team,
    operations_overview,
    overview_for,
    task_rows,
)
from storage.staff_directory import StaffDirectory

log = structlog.get_logger(__name__)

# The workflow id the overview's mails are keyed by (one Message-ID per person and day).
OVERVIEW_ID = "morgenoversigt"
# Lists the visibility query answers for one kind of task (the composition root's client).
TaskSource = Callable[[str], Awaitable[list[OrderSummary]]]
# Courses and clusters whose mail did not arrive (their one task KiAP owns).
OthersSource = Callable[[], Awaitable[list[OrderSummary]]]


class OverviewRequest(BaseModel):
    day: date = Field(description="The working day the overview is for (Copenhagen)")


class OverviewResult(BaseModel):
    consultants: int = Field(description="Consultants who got an overview")
    operations: int = Field(description="Operations staff who got theirs")
    already_sent: int = Field(default=0, description="Mails this day's earlier run had sent")


class Row(BaseModel):
    label: str
    cluster: str
    region: str
    when: str
    due: datetime | None
    link: str


class MorningOverviewActivities:
    def __init__(
        self,
        delivery: Delivery,
        staff: StaffDirectory,
        tasks: TaskSource,
        catalog: Catalog,
        public_base_url: str,
        others: OthersSource | None = None,
    ) -> None:
        self.others = others
        self.delivery = delivery
        self.staff = staff
        self.tasks = tasks
        self.catalog = catalog
        self.base = public_base_url.rstrip("/")

    async def rows(self, now: datetime) -> list[TaskRow]:
        found = [(label, await self.tasks(query)) for label, query in TASKS]
        if self.others is not None:
            found.append((UNDELIVERED, await self.others()))
        return task_rows(found, now)

    def _row(self, row: TaskRow) -> Row:
        order = row.order
        # An order has its own page; a course or a cluster is on the task list.
        page = f"/konsulent/ordre/{order.id}" if order.kind == "order" else "/konsulent"
        what = {"course": "Kursus: ", "cluster": "Klynge: "}.get(order.kind, "")
        return Row(
            label=row.label,
            cluster=what + (order.cluster or order.municipality or order.id),
            region=f"Region {order.region}" if order.region else "",
            when=row.when,
            due=order.next_due,
            link=f"{self.base}{page}",
        )

    def _render(self, mail: str, overview: Overview, person: Person) -> MailBody:
        return self.catalog.staff_mails().render(
            mail,
            privacy=privacy_notice(self.base),
            day=overview.day,
            mine=[self._row(r) for r in overview.mine],
            free=[self._row(r) for r in overview.free],
            away=overview.away,
            recipient=person,
            workbench_link=f"{self.base}/konsulent",
        )

    @activity.defn(name="send_morning_overview")
    async def send_morning_overview(self, request: OverviewRequest) -> OverviewResult:
        now = datetime.now(COPENHAGEN)
        rows = await self.rows(now)
        members = self.staff.members()
        team = Team(members={m.id: m for m in members}, today=request.day)
        key = f"morning-overview-{request.day.isoformat()}"
        sent = {"konsulent": 0, "drift": 0}
        already = 0
        for member in members:
            if not member.email:
                continue
            person = Person(name=member.name, email=member.email)
            for role, mail, overview in (
                ("konsulent", "morning_overview", overview_for(member, rows, team)),
                ("drift", "operations_overview", operations_overview(rows, request.day)),
            ):
                if role not in member.roles or overview is None:
                    continue
                result = await self.delivery.deliver_each(
                    OVERVIEW_ID,
                    f"{key}-{mail}",
                    mail,
                    [person],
                    functools.partial(self._render, mail, overview),
                )
                sent[role] += result.sent
                already += result.already_sent
        log.info("morning_overview_sent", rows=len(rows), **sent, already_sent=already)
        return OverviewResult(
            consultants=sent["konsulent"], operations=sent["drift"], already_sent=already
        )
