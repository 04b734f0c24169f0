"""What a cluster shows: the summary operations search by (no personal data) and the
coordinator's page, both derived from the cluster's state and the catalog's rules as of a day."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from schemas.cluster.refusals import confirmable
from schemas.cluster.state import ClusterState, Handover, Payout, open_handover, planned_reminders
from schemas.cluster.year import ClusterYearRules, Duty, payout_deadline
from schemas.order.request import Cluster
from schemas.shared.people import Member, Person


class ClusterSummary(BaseModel):
    """What operations see of a cluster (search attributes, `cluster status`): no personal
    data."""

    members: int
    next_deadline: date | None = Field(description="The soonest deadline still to meet")
    overdue: list[str] = Field(description="Payouts past SKAT's deadline and not reported")


def unreported_deadlines(rules: ClusterYearRules, state: ClusterState) -> list[date]:
    """SKAT's deadline for each payout not yet reported."""
    return [
        payout_deadline(rules.payout_report, p.paid_on) for p in state.payouts if not p.reported
    ]


def summary(rules: ClusterYearRules, state: ClusterState, today: date) -> ClusterSummary:
    deadlines = [
        r.deadline
        for r in planned_reminders(rules, state, today)
        if r.deadline is not None and r.deadline >= today
    ]
    overdue = [
        f"udbetaling nr. {p.number}"
        for p in state.payouts
        if not p.reported and payout_deadline(rules.payout_report, p.paid_on) < today
    ]
    return ClusterSummary(
        members=len(state.members), next_deadline=min(deadlines, default=None), overdue=overdue
    )


class DutyRow(BaseModel):
    """One of the year's duties as the coordinator's page shows it."""

    duty: Duty
    year: int
    title: str
    deadline: date | None
    state: Literal["done", "not_received", "open", "later"]
    from_day: date | None = Field(default=None, description="When it can be marked done")


class ClusterPage(BaseModel):
    """What the coordinator's cluster page shows, as of ``today``."""

    run: str | None = Field(
        default=None, description="The workflow's first run id: links made for another say so"
    )
    name: str
    region: str
    coordinator: Person
    co_coordinators: list[Person]
    today: date
    members: list[Member]
    member_list_version: int
    duties: list[DutyRow]
    payouts: list[Payout]
    payout_deadlines: dict[int, date]
    assembly_on: date | None
    next_meeting: date | None
    orders: dict[str, date]
    handover: Handover | None = Field(description="A change of coordinator under way")
    summary: ClusterSummary


def _duty_row(
    rules: ClusterYearRules, state: ClusterState, duty: Duty, year: int, today: date
) -> DutyRow:
    first, deadline = confirmable(rules, duty, year)
    done = f"{duty}-{year}" in state.confirmed
    row_state: Literal["done", "not_received", "open", "later"] = (
        ("not_received" if year in state.grant_missing else "done")
        if done
        else ("open" if today >= first else "later")
    )
    return DutyRow(
        duty=duty,
        year=year,
        title=rules.rule(duty).title,
        deadline=deadline,
        state=row_state,
        from_day=first,
    )


def cluster_page(
    rules: ClusterYearRules,
    cluster: Cluster,
    coordinators: tuple[Person, list[Person]],
    state: ClusterState,
    today: date,
) -> ClusterPage:
    """The page's content: the member list for the coming 1 January and this year's grant
    (with whether each can be marked yet), the payouts with SKAT's deadline, the assembly and
    the next meeting."""
    duties = [
        _duty_row(rules, state, Duty.MEMBER_LIST, today.year + 1, today),
        # This year's grant in the first half of the year, the coming year's after it.
        _duty_row(rules, state, Duty.GRANT, today.year + (today.month > 6), today),
    ]
    return ClusterPage(
        name=cluster.name,
        region=cluster.region.value,
        coordinator=state.coordinator or coordinators[0],
        co_coordinators=coordinators[1],
        today=today,
        members=state.members,
        member_list_version=state.member_list_version,
        duties=duties,
        payouts=state.payouts,
        payout_deadlines={
            p.number: payout_deadline(rules.payout_report, p.paid_on) for p in state.payouts
        },
        assembly_on=state.assembly_on,
        next_meeting=next((m for m in state.meetings if m >= today), None),
        orders=state.orders,
        handover=open_handover(state),
        summary=summary(rules, state, today),
    )
