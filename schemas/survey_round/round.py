"""A survey round: who is asked, when it opens, reminds and closes, and how far it got."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from schemas.order.request import OrderRequest
from schemas.order.steps import Step
from schemas.order.timeline import Timeline
from schemas.package.model import SurveyTemplate
from schemas.shared.business_days import add_business_days, at_workday_start
from schemas.shared.clock import OrderClock
from schemas.shared.people import Member
from schemas.survey.answers import SurveyResponse, SurveyResults
from schemas.survey.progress import RoundProgress

MAX_REMINDERS = 2


def round_id(order_id: str, number: int) -> str:
    """The round's workflow id: derived from the order's, no personal data."""
    return f"{order_id}--spoergeskema-{number}"


class RoundPlan(BaseModel):
    dispatch_at: datetime
    reminders: list[datetime] = Field(max_length=MAX_REMINDERS)
    close_at: datetime
    meeting: datetime | None = Field(
        default=None, description="The meeting's start, when it moved after the round began"
    )


def round_plan(timeline: Timeline, material_sent: datetime) -> RoundPlan:
    """Dispatch two business days after the material (time to edit the questions); remind
    five and two business days before the close; close when the survey step is due."""
    close_at = timeline.due[Step.SURVEY]
    dispatch = at_workday_start(add_business_days(material_sent.date(), 2))
    dispatch = min(dispatch, close_at)
    reminders = sorted(
        {at_workday_start(add_business_days(close_at.date(), -days)) for days in (5, 2)}
    )
    return RoundPlan(
        dispatch_at=dispatch,
        close_at=close_at,
        reminders=[r for r in reminders if dispatch < r < close_at],
        meeting=timeline.meeting,
    )


class RoundInput(BaseModel):
    """The SurveyRound child workflow's input: the order (its members are the respondents),
    the questions as the coordinator left them, the round's dates and the order's clock."""

    order_id: str
    round_number: int = Field(ge=1)
    order: OrderRequest
    timeline: Timeline
    template: SurveyTemplate
    plan: RoundPlan
    clock: OrderClock
    order_run: str | None = Field(
        default=None, description="The order's first run id, for the links to the order"
    )

    @property
    def members(self) -> list[Member]:
        return list(self.order.members)


class RoundMembers(BaseModel):
    """The order's member list after a change (signal ``members_changed``)."""

    members: list[Member]


class RoundEditor(BaseModel):
    """What the coordinator's page shows of the round: its questions, dates and counts."""

    template: SurveyTemplate
    dispatched: bool
    closed: bool
    dispatch_at: datetime
    close_at: datetime
    invited: int
    answered: int
    reminded: int
    undelivered: int = Field(default=0, description="Members whose mail did not arrive")
    undelivered_emails: list[str] = Field(
        default_factory=list,
        description="Their addresses, for the coordinator's member list (their own page)",
    )

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


class SurveyForm(BaseModel):
    """What the web form needs to show one member their questions."""

    run: str | None = Field(
        default=None, description="The workflow's first run id: links made for another say so"
    )
    open: bool
    dispatched: bool
    cluster: str
    template: SurveyTemplate
    close_at: datetime
    previous: SurveyResponse | None
    member_left: bool = Field(
        default=False, description="The coordinator took this member off the list"
    )


class AnswerSubmission(BaseModel):
    """A member's answers, sent by the web form once the personal link's token checked out."""

    member: int = Field(ge=0, description="The member's number in the round")
    response: SurveyResponse


class RoundOutcome(BaseModel):
    progress: RoundProgress
    results: SurveyResults
    template: SurveyTemplate | None = Field(
        default=None, description="The questions as asked, so a later round asks the same"
    )
