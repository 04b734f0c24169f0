"""The follow-up cluster meeting: what it was started with, its own timeline, and its state.

It runs as a child workflow of the order that outlives it. Before the meeting it may repeat
the survey (a second round with the same questions) and ask the job centre for a new extract;
a week before, a comparison deck shows the first and the second round side by side and what
became of the agreements.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from schemas.order.agreements import AgreementView
from schemas.order.extract import AnonymisedExtract
from schemas.order.minutes import Minutes
from schemas.order.request import OrderRequest
from schemas.order.timeline import Timeline
from schemas.package.model import SurveyTemplate
from schemas.shared.business_days import add_business_days, at_workday_start, on_or_before
from schemas.shared.clock import OrderClock
from schemas.shared.people import Person
from schemas.survey.answers import SurveyResults
from schemas.survey_round.round import RoundPlan


def follow_up_id(order_id: str) -> str:
    """Derived from the order's id, so it is started once and can be found from it."""
    return f"{order_id}--opfoelgning"


class FollowUpInput(BaseModel):
    order_id: str
    order: OrderRequest = Field(description="The order, its meeting moved to the follow-up")
    consultant: Person
    timeline: Timeline = Field(description="The first meeting's timeline")
    clock: OrderClock
    meeting: datetime = Field(description="The follow-up meeting's start")
    order_run: str | None = Field(
        default=None, description="The order's first run id, for the links to the order"
    )
    minutes: Minutes
    agreements: list[AgreementView]
    template: SurveyTemplate = Field(description="The questions the first round asked")
    first_results: SurveyResults | None
    first_invited: int | None = Field(
        default=None, description="Members the first round invited (None in older orders)"
    )
    first_extract: AnonymisedExtract | None


class FollowUpPlan(BaseModel):
    survey: RoundPlan | None
    extract_request: datetime | None
    extract_due: datetime | None
    deck: datetime = Field(description="When the comparison deck is rendered and delivered")


def follow_up_plan(
    meeting: datetime, started: datetime, repeat_survey: bool, new_extract: bool
) -> FollowUpPlan:
    """Survey and extract open four weeks before the meeting (or two business days from now,
    if later), close two weeks before; the comparison deck comes a week before."""
    opens = max(
        at_workday_start(on_or_before(meeting.date() - timedelta(weeks=4))),
        at_workday_start(add_business_days(started.date(), 2)),
    )
    closes = at_workday_start(on_or_before(meeting.date() - timedelta(weeks=2)))
    closes = max(closes, at_workday_start(add_business_days(opens.date(), 5)))
    deck = max(
        at_workday_start(on_or_before(meeting.date() - timedelta(weeks=1))),
        at_workday_start(add_business_days(closes.date(), 1)),
    )
    reminder = at_workday_start(add_business_days(closes.date(), -2))
    survey = (
        RoundPlan(
            dispatch_at=opens,
            reminders=[reminder] if opens < reminder < closes else [],
            close_at=closes,
        )
        if repeat_survey
        else None
    )
    return FollowUpPlan(
        survey=survey,
        extract_request=opens if new_extract else None,
        extract_due=closes if new_extract else None,
        deck=deck,
    )


class FollowUpStatus(BaseModel):
    """What the follow-up meeting's ``status`` query answers and its result."""

    id: str
    order_id: str
    meeting: datetime
    status: str = Field(description="active, completed or cancelled")
    survey: SurveyResults | None = None
    extract_versions: int = 0
    agreements: list[AgreementView]
    deck: str | None = Field(default=None, description="The comparison deck's file name")
    events: list[str] = Field(default_factory=list, description="What happened, in order")
    problems: list[str] = Field(
        default_factory=list, description="Failed parts the meeting went on without"
    )
