"""The timeline planner: an order and its clock's 'now' give every step's due date.

Rules (seed 000): order at least 8 weeks before the meeting; the deck, handouts and practice
sheet arrive at the latest 2 weeks before; the survey and the job centre's data close a
working week before that; the invitation goes a week before; the pre-meeting lies after the
deck arrived. Due dates fall on Danish business days at 09:00.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from pydantic import BaseModel, Field

from schemas.order.request import OrderRequest
from schemas.order.steps import Step, has_step
from schemas.package.process import Process
from schemas.shared.business_days import (
    add_business_days,
    at_workday_start,
    holiday_name,
    is_business_day,
    on_or_after,
    on_or_before,
)
from schemas.shared.danish_format import date_long
from schemas.shared.errors import DomainError, LateOrder

MIN_LEAD = timedelta(weeks=8)
# Below this even an operator cannot help: there is no time to survey and render.
ABSOLUTE_MIN_LEAD = timedelta(days=14)

# Days before the meeting for an order placed exactly 8 weeks ahead; a late order
# scales them down proportionally.
_DAYS_BEFORE_MEETING = {
    "survey_reminder": 26,
    Step.SURVEY: 21,
    Step.PARTNER: 21,
    Step.ARTIFACTS: 14,
    Step.INVITATION: 7,
    Step.PREMEETING: 3,
}
# Time order of the pre-meeting due dates (the enum is in stage order, not time order).
_CHAIN: list[str] = [
    "survey_reminder",
    Step.SURVEY,
    Step.PARTNER,
    Step.ARTIFACTS,
    Step.INVITATION,
    Step.PREMEETING,
]


class Timeline(BaseModel):
    """Every due date of one order, in Danish local time."""

    planned_at: datetime = Field(description="When the order was placed (order clock)")
    meeting: datetime
    late: bool = Field(description="Placed less than 8 weeks ahead and compressed")
    due: dict[Step, datetime] = Field(description="Every stage the order's package has")
    consultation_escalation: datetime
    survey_reminder: datetime
    meeting_escalation: datetime


def weeks_missing(now: datetime, meeting: datetime) -> int:
    return math.ceil((MIN_LEAD - (meeting - now)) / timedelta(weeks=1))


def earliest_meeting(now: datetime) -> date:
    """The first business day a meeting can be on when the package is ordered ``now``."""
    return on_or_after((now + MIN_LEAD + timedelta(days=1)).date())


def plan(
    order: OrderRequest,
    now: datetime,
    *,
    allow_late: bool = False,
    process: Process | None = None,
) -> Timeline:
    """Plan every step of ``order`` placed at ``now``; refuse what cannot be planned. A stage
    the package's ``process`` leaves out has no due date (and the order no such step)."""
    process = process or Process()
    if process.partner and order.municipality is None:
        raise DomainError(
            "municipality.name",
            "pakken holder mødet med en samarbejdspartner – skriv kommunens navn og jeres"
            " kontaktperson",
        )
    meeting = order.meeting.start
    lead = meeting - now
    if lead <= ABSOLUTE_MIN_LEAD:
        raise DomainError(
            "meeting.start",
            "klyngemødet ligger mindre end 2 uger ude – så sent kan pakken ikke leveres;"
            " vælg en senere mødedato",
        )
    late = lead < MIN_LEAD
    if late and not allow_late:
        missing = weeks_missing(now, meeting)
        earliest = earliest_meeting(now)
        raise LateOrder(
            "meeting.start",
            f"klyngepakken skal bestilles senest 8 uger før mødet; der mangler {missing}"
            f" {'uge' if missing == 1 else 'uger'}. Den tidligste mødedato er"
            f" {date_long(earliest)}. Vælg en senere dato, eller send bestillingen til KiAP"
            " som en sen bestilling",
        )
    call_at = order.call_at
    if call_at <= now:
        raise DomainError(
            "call_at", "opkaldstidspunktet er passeret – vælg et tidspunkt i fremtiden"
        )
    if not is_business_day(call_at.date()):
        name = holiday_name(call_at.date())
        why = f"det er {name}" if name else "det er weekend"
        raise DomainError("call_at", f"{why} – vælg en hverdag til opkaldet")

    factor = min(1.0, lead / MIN_LEAD)
    material = at_workday_start(add_business_days(call_at.date(), 1))
    due: dict[str, datetime] = {}
    floor = material
    for key in _CHAIN:
        days = _DAYS_BEFORE_MEETING[key] * factor
        candidate = at_workday_start(on_or_before((meeting - timedelta(days=days)).date()))
        if candidate < floor:
            candidate = at_workday_start(on_or_after(floor.date()))
        due[key] = candidate
        floor = candidate
    last = Step.PREMEETING if process.premeeting else Step.INVITATION
    if due[last] >= meeting:
        raise DomainError(
            "call_at",
            "opkaldet ligger for tæt på klyngemødet til at nå spørgeskema, datatræk og"
            " PowerPoint – vælg et tidligere tidspunkt",
        )
    follow_up = at_workday_start(add_business_days(meeting.date(), 1))
    return Timeline(
        planned_at=now,
        meeting=meeting,
        late=late,
        due={
            step: at
            for step, at in {
                Step.ORDER: now,
                Step.CONSULTATION: call_at,
                Step.MATERIAL: material,
                Step.SURVEY: due[Step.SURVEY],
                Step.PARTNER: due[Step.PARTNER],
                Step.ARTIFACTS: due[Step.ARTIFACTS],
                Step.PREMEETING: due[Step.PREMEETING],
                Step.INVITATION: due[Step.INVITATION],
                Step.MEETING: meeting,
                Step.FOLLOW_UP: follow_up,
            }.items()
            if has_step(process, step)
        },
        consultation_escalation=call_at.replace(
            year=(e := add_business_days(call_at.date(), 1)).year, month=e.month, day=e.day
        ),
        survey_reminder=due["survey_reminder"],
        meeting_escalation=follow_up,
    )
