"""A survey round's domain events; its state is a fold over them (schemas/survey_round/state.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.package.model import SurveyTemplate
from schemas.shared.people import Member
from schemas.survey.answers import SurveyResponse
from schemas.survey.progress import RoundProgress
from schemas.survey_round.round import RoundPlan


class _Event(BaseModel):
    at: datetime = Field(description="Order-clock time")


class QuestionsEdited(_Event):
    type: Literal["QuestionsEdited"] = "QuestionsEdited"
    template: SurveyTemplate


class DispatchRequested(_Event):
    type: Literal["DispatchRequested"] = "DispatchRequested"


class CloseRequested(_Event):
    """The coordinator closed it, or the order imported results from another tool."""

    type: Literal["CloseRequested"] = "CloseRequested"


class Dispatched(_Event):
    """Every member on the list got their link."""

    type: Literal["Dispatched"] = "Dispatched"


class LateInvited(_Event):
    """Members added after the dispatch got their link."""

    type: Literal["LateInvited"] = "LateInvited"
    members: list[int]


class Reminded(_Event):
    type: Literal["Reminded"] = "Reminded"
    members: list[int]


class Answered(_Event):
    type: Literal["Answered"] = "Answered"
    member: int
    response: SurveyResponse


class Replanned(_Event):
    """The meeting moved: new reminder and close dates (a sent round keeps its dispatch)."""

    type: Literal["Replanned"] = "Replanned"
    plan: RoundPlan


class MembersChanged(_Event):
    type: Literal["MembersChanged"] = "MembersChanged"
    members: list[Member]


class Closed(_Event):
    type: Literal["Closed"] = "Closed"


class NotDelivered(_Event):
    """The mail server refused these members' mail for good (5xx) or kept deferring it past
    the round's patience: they have not been asked, and the coordinator is shown so."""

    type: Literal["NotDelivered"] = "NotDelivered"
    members: list[int]
    code: int | None = None


class ProgressReported(_Event):
    """The round told its parent (the order, the follow-up meeting) how far it got."""

    type: Literal["ProgressReported"] = "ProgressReported"
    progress: RoundProgress


RoundEvent = (
    QuestionsEdited
    | DispatchRequested
    | CloseRequested
    | Dispatched
    | LateInvited
    | Reminded
    | Answered
    | Replanned
    | MembersChanged
    | Closed
    | ProgressReported
    | NotDelivered
)
