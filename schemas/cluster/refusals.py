"""Why the cluster refuses a record now: the rules its Update validators apply (pure)."""

from __future__ import annotations

from datetime import date

from schemas.cluster.commands import (
    CoordinatorChange,
    DutyConfirm,
    HandoverConfirm,
    PayoutRecord,
    PayoutReported,
)
from schemas.cluster.state import ClusterState, open_handover
from schemas.cluster.year import (
    ClusterYearRules,
    Duty,
    grant_checks,
    member_list_reminders,
)
from schemas.shared.people import Member, Person


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
