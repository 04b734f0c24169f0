"""The cluster coordinator's year (seed 004): the duties that recur every year, their rules as
the catalog states them (`catalog/cluster-year/cluster-year.yaml`), and the pure planner that
turns them into reminders on Danish business days, each before its deadline and none twice.

A reminder is named by a key (duty, year or payout, and which of its reminders), so a
workflow that has sent it, or a duty marked done, never sends it again.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from schemas.shared.business_days import (
    add_business_days,
    at_workday_start,
    on_or_after,
    on_or_before,
)


class Duty(StrEnum):
    MEMBER_LIST = "member_list"
    GRANT = "grant"
    PAYOUT_REPORT = "payout_report"
    GENERAL_ASSEMBLY = "general_assembly"
    NEXT_MEETING = "next_meeting"
    HANDOVER = "handover"


# The duties of every year (a change of coordinator is not one).
YEARLY = (
    Duty.MEMBER_LIST,
    Duty.GRANT,
    Duty.PAYOUT_REPORT,
    Duty.GENERAL_ASSEMBLY,
    Duty.NEXT_MEETING,
)


class MonthDay(BaseModel):
    """A day of the year, as in "before 1 January"."""

    model_config = ConfigDict(frozen=True)

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=28, description="At most 28: the day exists in every month")

    def in_year(self, year: int) -> date:
        return date(year, self.month, self.day)


def _distinct_positive(days: list[int]) -> list[int]:
    if not days or any(n < 1 for n in days) or len(set(days)) != len(days):
        raise ValueError("skal være forskellige hele tal på mindst 1, fx [15, 5, 1]")
    return sorted(days, reverse=True)


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=3, description="The duty as the coordinator reads it (Danish)")
    how: str = Field(min_length=10, description="What to do, as the reminder says it (Danish)")


class MemberListRule(_Rule):
    deadline: MonthDay = Field(description="The list must be up to date before this day")
    reminders_business_days_before: list[int]

    _days = field_validator("reminders_business_days_before")(_distinct_positive)


class GrantRule(_Rule):
    paid_by: MonthDay = Field(description="The region pays the yearly grant by this day")
    check_business_days_after: int = Field(ge=1)
    repeat_every_business_days: int = Field(ge=1)
    checks: int = Field(ge=1, le=10, description="How many times to ask, at most")


class PayoutReportRule(_Rule):
    report_by_day_of_next_month: int = Field(ge=1, le=28)
    reminders_business_days_before: list[int]

    _days = field_validator("reminders_business_days_before")(_distinct_positive)


class GeneralAssemblyRule(_Rule):
    reminders_weeks_before: list[int]

    _weeks = field_validator("reminders_weeks_before")(_distinct_positive)


class NextMeetingRule(_Rule):
    horizon_weeks: int = Field(ge=1, description="A meeting should be planned within this")
    nudge_every_weeks: int = Field(ge=1)


class HandoverRule(_Rule):
    guide: str = Field(pattern=r"^https://", description="KiAP's guide to the change")
    checklist: list[str] = Field(min_length=1, description="What moves from the one to the other")
    remind_every_business_days: int = Field(ge=1)
    reminders: int = Field(ge=1, le=10)


class ClusterYearRules(BaseModel):
    """The catalog's `cluster-year` definition."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    member_list: MemberListRule
    grant: GrantRule
    payout_report: PayoutReportRule
    general_assembly: GeneralAssemblyRule
    next_meeting: NextMeetingRule
    handover: HandoverRule

    def rule(self, duty: Duty) -> _Rule:
        """The duty's rule: each field is named after its duty."""
        found: _Rule = getattr(self, duty.value)
        return found


class Reminder(BaseModel):
    """One mail to the coordinator about one duty."""

    model_config = ConfigDict(frozen=True)

    duty: Duty
    key: str = Field(description="Names this reminder: the same key is never sent twice")
    at: datetime = Field(description="09:00 Copenhagen time on a business day")
    deadline: date | None = Field(default=None, description="The duty's own deadline, if any")
    number: int | None = Field(
        default=None, description="The payout or the handover it is about, by number"
    )


def _before(deadline: date, business_days: int) -> date:
    """The ``business_days``-th business day before ``deadline`` (not the deadline itself)."""
    return add_business_days(deadline, -business_days)


def member_list_reminders(rules: MemberListRule, deadline_year: int) -> list[Reminder]:
    """The reminders to check the member list before 1 January of ``deadline_year``."""
    deadline = rules.deadline.in_year(deadline_year)
    return [
        Reminder(
            duty=Duty.MEMBER_LIST,
            key=f"{Duty.MEMBER_LIST}-{deadline_year}-{n}",
            at=at_workday_start(_before(deadline, n)),
            deadline=deadline,
        )
        for n in rules.reminders_business_days_before
    ]


def grant_checks(rules: GrantRule, year: int) -> list[Reminder]:
    """After the grant's payment day: ask whether it arrived, again every few business days
    (the workflow stops asking once the coordinator has answered)."""
    paid_by = rules.paid_by.in_year(year)
    first = add_business_days(paid_by, rules.check_business_days_after)
    return [
        Reminder(
            duty=Duty.GRANT,
            key=f"{Duty.GRANT}-{year}-{n}",
            at=at_workday_start(add_business_days(first, n * rules.repeat_every_business_days)),
            deadline=paid_by,
        )
        for n in range(rules.checks)
    ]


def payout_deadline(rules: PayoutReportRule, paid_on: date) -> date:
    """SKAT must have the payout by this day of the month after it."""
    first_of_next = (paid_on.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_of_next.replace(day=rules.report_by_day_of_next_month)


def payout_reminders(rules: PayoutReportRule, number: int, paid_on: date) -> list[Reminder]:
    """Before the report to SKAT is due; none before the payout itself."""
    deadline = payout_deadline(rules, paid_on)
    found = []
    for n in rules.reminders_business_days_before:
        day = _before(deadline, n)
        if day > paid_on:
            found.append(
                Reminder(
                    duty=Duty.PAYOUT_REPORT,
                    key=f"{Duty.PAYOUT_REPORT}-nr{number}-{n}",
                    number=number,
                    at=at_workday_start(day),
                    deadline=deadline,
                )
            )
    return found


def assembly_reminders(rules: GeneralAssemblyRule, assembly_on: date) -> list[Reminder]:
    """Weeks ahead of the general assembly, on the business day on or before."""
    found = []
    for weeks in rules.reminders_weeks_before:
        day = on_or_before(assembly_on - timedelta(weeks=weeks))
        found.append(
            Reminder(
                duty=Duty.GENERAL_ASSEMBLY,
                key=f"{Duty.GENERAL_ASSEMBLY}-{assembly_on.isoformat()}-{weeks}",
                at=at_workday_start(day),
                deadline=assembly_on,
            )
        )
    return found


def next_meeting_nudge(
    rules: NextMeetingRule, today: date, next_meeting: date | None, last_nudge: date | None
) -> Reminder | None:
    """A nudge when no meeting is planned within the horizon: today, or a few weeks after the
    last one (a date in the future, so the cluster wakes for it)."""
    if next_meeting is not None and next_meeting <= today + timedelta(weeks=rules.horizon_weeks):
        return None
    earliest = today
    if last_nudge is not None:
        earliest = max(today, last_nudge + timedelta(weeks=rules.nudge_every_weeks))
    day = on_or_after(earliest)
    return Reminder(
        duty=Duty.NEXT_MEETING,
        key=f"{Duty.NEXT_MEETING}-{day.isoformat()}",
        at=at_workday_start(day),
    )


def handover_reminders(rules: HandoverRule, number: int, started_on: date) -> list[Reminder]:
    """Until both have confirmed: every few business days after the change."""
    return [
        Reminder(
            duty=Duty.HANDOVER,
            key=f"{Duty.HANDOVER}-{number}-{n}",
            number=number,
            at=at_workday_start(
                add_business_days(started_on, n * rules.remind_every_business_days)
            ),
        )
        for n in range(1, rules.reminders + 1)
    ]
