"""The cluster as an entity: its member list (versioned), its coordinator, its orders and its
year, kept as events folded by ``apply``; what its coordinator may record (``refusal`` says
why not, in Danish); and which of the year's reminders are due (``due_reminders``). Pure: the
cluster workflow calls these and waits."""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.cluster_year import (
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
from schemas.order import COPENHAGEN, Cluster
from schemas.people import Member, Person


def cluster_id(cluster: Cluster) -> str:
    """From the cluster's name and region, no personal data: ``klynge-<slug>-<hash>``."""
    slug = re.sub(r"[^a-z0-9]+", "-", cluster.name.lower().translate(_DANISH)).strip("-")
    digest = hashlib.sha256(f"{cluster.region}|{cluster.name}".encode()).hexdigest()[:8]
    return f"klynge-{slug[:40]}-{digest}"


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


class ClusterInput(BaseModel):
    cluster: Cluster
    coordinator: Person
    co_coordinators: list[Person] = Field(
        default_factory=list, description="Koordinatorer ved siden af hovedkoordinatoren"
    )
    members: list[Member] = Field(min_length=1)
    seconds_per_day: float | None = Field(default=None, gt=0, description="Compressed time")
    accepted_at: datetime | None = Field(default=None, description="When the client accepted it")
    carried: ClusterState | None = Field(
        default=None, description="The state a year's run hands to the next (continue-as-new)"
    )


# --- What the coordinator records (each an Update) -------------------------------------------


class MembersReplace(BaseModel):
    """The member list as it stands now (uploaded or edited)."""

    members: list[Member] = Field(min_length=1)


class DutyConfirm(BaseModel):
    """The member list checked (for the coming 1 January) or the grant received (this year)."""

    duty: Literal[Duty.MEMBER_LIST, Duty.GRANT]
    year: int = Field(ge=2020, le=2100)
    received: bool = Field(default=True, description="For the grant: whether it has come")


class PayoutRecord(BaseModel):
    paid_on: date
    purpose: str = Field(min_length=2, max_length=200, description="Fx honorar til kasserer")


class PayoutReported(BaseModel):
    payout: int = Field(ge=1, description="The payout's number")


class AssemblySet(BaseModel):
    on: date


class CoordinatorChange(BaseModel):
    """A new coordinator: both get the handover checklist until both have confirmed."""

    new: Person


class HandoverConfirm(BaseModel):
    side: Literal["outgoing", "incoming"] = Field(description="Who has done their part")


class MeetingNote(BaseModel):
    """A cluster meeting planned (an order of the cluster's, or a meeting of its own)."""

    on: date
    order_id: str | None = Field(default=None, max_length=200)


# --- Events ----------------------------------------------------------------------------------


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime


class MembersChanged(_Event):
    type: Literal["MembersChanged"] = "MembersChanged"
    version: int
    members: list[Member]
    joined: int
    left: int


class DutyConfirmed(_Event):
    type: Literal["DutyConfirmed"] = "DutyConfirmed"
    duty: Duty
    year: int
    received: bool = True


class PayoutRecorded(_Event):
    type: Literal["PayoutRecorded"] = "PayoutRecorded"
    number: int
    paid_on: date
    purpose: str


class PayoutMarkedReported(_Event):
    type: Literal["PayoutMarkedReported"] = "PayoutMarkedReported"
    number: int


class AssemblyScheduled(_Event):
    type: Literal["AssemblyScheduled"] = "AssemblyScheduled"
    on: date


class MeetingNoted(_Event):
    type: Literal["MeetingNoted"] = "MeetingNoted"
    on: date
    order_id: str | None = None


class CoordinatorChanged(_Event):
    type: Literal["CoordinatorChanged"] = "CoordinatorChanged"
    number: int
    outgoing: Person
    incoming: Person


class HandoverConfirmed(_Event):
    type: Literal["HandoverConfirmed"] = "HandoverConfirmed"
    number: int
    side: Literal["outgoing", "incoming"]


class ReminderSent(_Event):
    type: Literal["ReminderSent"] = "ReminderSent"
    key: str
    duty: Duty
    stands_for: list[str] = Field(
        default_factory=list, description="Earlier reminders of the same duty it replaces"
    )


ClusterEvent = Annotated[
    MembersChanged
    | DutyConfirmed
    | PayoutRecorded
    | PayoutMarkedReported
    | AssemblyScheduled
    | MeetingNoted
    | CoordinatorChanged
    | HandoverConfirmed
    | ReminderSent,
    Field(discriminator="type"),
]


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
    events: list[ClusterEvent] = Field(default_factory=list)


def apply(state: ClusterState, event: ClusterEvent) -> ClusterState:
    """The state after ``event``; the only place the state changes."""
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


# --- Refusals (the validators' rules) --------------------------------------------------------


def refuse_members(members: list[Member]) -> str | None:
    seen: set[str] = set()
    for n, member in enumerate(members, start=1):
        if member.email in seen:
            return f"members.{n}.email: {member.email} står to gange – fjern den ene række"
        seen.add(member.email)
    return None


def confirmable(rules: ClusterYearRules, duty: Duty, year: int) -> tuple[date, date]:
    """When the member list or the grant of ``year`` can be marked done (its first reminder:
    not a year ahead), and its deadline."""
    if duty == Duty.MEMBER_LIST:
        first = member_list_reminders(rules.member_list, year)[0]
        return first.at.date(), rules.member_list.deadline.in_year(year)
    check = grant_checks(rules.grant, year)[0]
    return check.at.date(), rules.grant.paid_by.in_year(year)


def refuse_confirm(rules: ClusterYearRules, cmd: DutyConfirm, today: date) -> str | None:
    first, _ = confirmable(rules, cmd.duty, cmd.year)
    if today < first:
        return (
            f"year: {rules.rule(cmd.duty).title} for {cmd.year} er ikke aktuel endnu – "
            f"den kan markeres fra {first:%d.%m.%Y}"
        )
    return None


def open_handover(state: ClusterState) -> Handover | None:
    return next((h for h in state.handovers if not h.done), None)


def refuse_change(state: ClusterState, current: Person, cmd: CoordinatorChange) -> str | None:
    if cmd.new.email == current.email:
        return f"new.email: {cmd.new.email} er allerede klyngens koordinator"
    if open_handover(state) is not None:
        return "new: en overdragelse er i gang – gør den færdig, før koordinatoren skiftes igen"
    return None


def refuse_handover(state: ClusterState, cmd: HandoverConfirm) -> str | None:
    handover = open_handover(state)
    if handover is None:
        return "side: der er ingen overdragelse i gang"
    if cmd.side in handover.confirmed:
        who = "den afgående" if cmd.side == "outgoing" else "den nye"
        return f"side: {who} koordinator har allerede markeret sin del som gjort"
    return None


def refuse_payout(cmd: PayoutRecord, today: date) -> str | None:
    if cmd.paid_on > today:
        return "paid_on: udbetalingen kan ikke ligge i fremtiden – skriv den dato, den blev betalt"
    return None


def refuse_reported(state: ClusterState, cmd: PayoutReported) -> str | None:
    if not any(p.number == cmd.payout for p in state.payouts):
        return f"payout: der er ingen udbetaling nr. {cmd.payout} – se listen over udbetalinger"
    return None


# --- The year's reminders --------------------------------------------------------------------


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


ClusterInput.model_rebuild()
