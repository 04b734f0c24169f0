"""The cluster as an entity: its member list (versioned), its coordinator, its orders and its
year, kept as events folded by ``apply``; what its coordinator may record (``refusal`` says
why not, in Danish); and which of the year's reminders are due (``due_reminders``). Pure: the
cluster workflow calls these and waits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from schemas.cluster.events import (
    AssemblyScheduled,
    ClusterEvent,
    CoordinatorChanged,
    DutyConfirmed,
    HandoverConfirmed,
    MailNotDelivered,
    MeetingNoted,
    MembersChanged,
    PayoutMarkedReported,
    PayoutRecorded,
    ReminderSent,
    YearRulesLoaded,
)
from schemas.cluster.year import (
    ClusterYearRules,
    Duty,
    Reminder,
    assembly_reminders,
    grant_checks,
    handover_reminders,
    member_list_reminders,
    next_meeting_nudge,
    payout_reminders,
)
from schemas.shared.assignment import TaskAssigned, TaskHolder, holder_after
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.people import Member, Person


class Payout(BaseModel):
    number: int
    paid_on: date
    purpose: str
    reported: bool = False


class Handover(BaseModel):
    number: int
    outgoing: Person
    incoming: Person
    started_on: date
    confirmed: list[Literal["outgoing", "incoming"]] = Field(default_factory=list)

    @property
    def done(self) -> bool:
        return {"outgoing", "incoming"} <= set(self.confirmed)

    def waiting_for(self) -> list[Person]:
        sides = {"outgoing": self.outgoing, "incoming": self.incoming}
        return [person for side, person in sides.items() if side not in self.confirmed]


class ClusterState(BaseModel):
    """The fold of a cluster's events."""

    members: list[Member] = Field(default_factory=list)
    member_list_version: int = 0
    holder: TaskHolder | None = Field(default=None, description="Who at KiAP has its tasks")
    assigned_ever: bool = False
    coordinator: Person | None = Field(default=None, description="None: the input's")
    handovers: list[Handover] = Field(default_factory=list)
    confirmed: set[str] = Field(default_factory=set, description="'member_list-2027', …")
    grant_missing: set[int] = Field(default_factory=set, description="Years said not received")
    payouts: list[Payout] = Field(default_factory=list)
    assembly_on: date | None = None
    meetings: list[date] = Field(default_factory=list)
    orders: dict[str, date] = Field(
        default_factory=dict, description="Orders placed from the cluster, by their meeting"
    )
    last_nudge: date | None = Field(
        default=None, description="When the coordinator was last asked to plan a meeting"
    )
    sent: set[str] = Field(default_factory=set, description="Reminder keys already mailed")
    mail_problems: int = Field(default=0, description="Mails to the coordinator that failed")
    events: list[ClusterEvent] = Field(default_factory=list)
    rules: ClusterYearRules | None = Field(
        default=None, exclude=True, description="This run's rules (YearRulesLoaded)"
    )


def apply(state: ClusterState, event: ClusterEvent | YearRulesLoaded) -> ClusterState:
    """The state after ``event``; the only place the state changes."""
    if isinstance(event, YearRulesLoaded):
        return state.model_copy(update={"rules": event.rules})
    changes: dict[str, object] = {"events": [*state.events, event]}
    match event:
        case MembersChanged():
            changes |= {"members": event.members, "member_list_version": event.version}
        case DutyConfirmed():
            changes["confirmed"] = state.confirmed | {f"{event.duty}-{event.year}"}
            if event.duty == Duty.GRANT and not event.received:
                changes["grant_missing"] = state.grant_missing | {event.year}
        case PayoutRecorded():
            payout = Payout(number=event.number, paid_on=event.paid_on, purpose=event.purpose)
            changes["payouts"] = [*state.payouts, payout]
        case PayoutMarkedReported():
            changes["payouts"] = [
                p.model_copy(update={"reported": True}) if p.number == event.number else p
                for p in state.payouts
            ]
        case AssemblyScheduled():
            changes["assembly_on"] = event.on
        case CoordinatorChanged():
            handover = Handover(
                number=event.number,
                outgoing=event.outgoing,
                incoming=event.incoming,
                started_on=event.at.astimezone(COPENHAGEN).date(),
            )
            changes |= {"coordinator": event.incoming, "handovers": [*state.handovers, handover]}
        case HandoverConfirmed():
            changes["handovers"] = [
                h.model_copy(update={"confirmed": [*h.confirmed, event.side]})
                if h.number == event.number
                else h
                for h in state.handovers
            ]
        case MeetingNoted():
            changes["meetings"] = sorted({*state.meetings, event.on})
            if event.order_id is not None:
                changes["orders"] = {**state.orders, event.order_id: event.on}
        case MailNotDelivered():
            changes["mail_problems"] = state.mail_problems + 1
        case TaskAssigned():
            changes |= {"holder": holder_after(event), "assigned_ever": True}
        case ReminderSent():
            changes["sent"] = state.sent | {event.key, *event.stands_for}
            if event.duty == Duty.NEXT_MEETING:
                # Kept in the state, not read from the events: a new year's run has none.
                changes["last_nudge"] = event.at.astimezone(COPENHAGEN).date()
    return state.model_copy(update=changes)


def member_changes(before: list[Member], after: list[Member]) -> tuple[int, int]:
    """How many joined and how many left, by address."""
    old, new = {m.email for m in before}, {m.email for m in after}
    return len(new - old), len(old - new)


def open_handover(state: ClusterState) -> Handover | None:
    return next((h for h in state.handovers if not h.done), None)


STALE = timedelta(days=7)


def planned_reminders(rules: ClusterYearRules, state: ClusterState, today: date) -> list[Reminder]:
    """Every reminder of this year and the coming new year that is still to send, soonest
    first: none for a duty done (confirmed, reported, held), none already sent, none a week
    stale (a cluster that starts in June is not asked about February's grant)."""
    year = today.year
    next_meeting = next((m for m in state.meetings if m >= today), None)
    found: list[Reminder] = []
    for deadline_year in (year, year + 1):
        if f"{Duty.MEMBER_LIST}-{deadline_year}" not in state.confirmed:
            found += member_list_reminders(rules.member_list, deadline_year)
    if f"{Duty.GRANT}-{year}" not in state.confirmed:
        found += grant_checks(rules.grant, year)
    for payout in state.payouts:
        if not payout.reported:
            found += payout_reminders(rules.payout_report, payout.number, payout.paid_on)
    if state.assembly_on is not None and state.assembly_on >= today:
        found += assembly_reminders(rules.general_assembly, state.assembly_on)
    for handover in state.handovers:
        if not handover.done:
            found += handover_reminders(rules.handover, handover.number, handover.started_on)
    nudge = next_meeting_nudge(rules.next_meeting, today, next_meeting, state.last_nudge)
    if nudge is not None:
        found.append(nudge)
    # A reminder whose deadline has passed is not sent late (the grant checks come after it).
    live = [
        r
        for r in found
        if (r.duty == Duty.GRANT or r.deadline is None or r.deadline > today)
        and r.at.date() >= today - STALE
        and r.key not in state.sent
    ]
    return sorted(live, key=lambda r: (r.at, r.key))


def due_now(reminders: list[Reminder], now: datetime) -> list[tuple[Reminder, list[str]]]:
    """The reminders to mail at ``now``: of several due for the same duty and deadline (the
    cluster was waiting), only the latest, standing for the others."""
    due: dict[tuple[Duty, date | None], list[Reminder]] = {}
    for reminder in reminders:
        if reminder.at <= now:
            due.setdefault((reminder.duty, reminder.deadline), []).append(reminder)
    return [(group[-1], [r.key for r in group[:-1]]) for group in due.values()]
