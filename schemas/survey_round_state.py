"""A survey round's state as a fold over its domain events, as the order's is
(schemas/state.py), and the rules that refuse a step of it (pure, tested without Temporal).

Member numbers are for good (they are in the links): one taken off the list keeps its number
and is left out; one added gets the next number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.catalog import SurveyTemplate
from schemas.errors import ANSWER_UNCHANGED, Failure
from schemas.people import Member
from schemas.survey import SurveyResponse
from schemas.survey_round import AnswerSubmission, RoundPlan, RoundProgress


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
)


class RoundState(BaseModel):
    template: SurveyTemplate
    plan: RoundPlan
    members: list[Member]
    answers: dict[int, SurveyResponse] = Field(default_factory=dict)
    reminded: set[int] = Field(default_factory=set)
    left: set[int] = Field(default_factory=set, description="Numbers taken off the list")
    newcomers: list[int] = Field(
        default_factory=list, description="Added after the dispatch, not invited yet"
    )
    late_invitations: int = 0
    dispatched: bool = False
    dispatch_requested: bool = False
    close_requested: bool = False
    closed: bool = False
    replans: int = 0

    def active(self) -> list[int]:
        return [m for m in range(len(self.members)) if m not in self.left]

    @property
    def finished(self) -> bool:
        everyone = all(m in self.answers for m in self.active())
        return everyone or self.close_requested

    def progress(self) -> RoundProgress:
        return RoundProgress(
            invited=len(self.active()),
            answered=len(self.answers),
            reminded=len(self.reminded),
            closed=self.closed,
            dispatched=self.dispatched,
        )


def _members_changed(state: RoundState, members: list[Member]) -> RoundState:
    wanted = {m.email: m for m in members}
    numbered = list(state.members)
    left, newcomers = set(state.left), list(state.newcomers)
    answers = dict(state.answers)
    for number, member in enumerate(numbered):
        if member.email in wanted:
            if number in left:
                left.discard(number)
                newcomers.append(number)
            del wanted[member.email]
        elif number not in left:
            left.add(number)
            answers.pop(number, None)
    for member in wanted.values():
        numbered.append(member)
        newcomers.append(len(numbered) - 1)
    if not state.dispatched:
        newcomers = []  # the dispatch will invite them
    return state.model_copy(
        update={"members": numbered, "left": left, "newcomers": newcomers, "answers": answers}
    )


def apply(state: RoundState, event: RoundEvent) -> RoundState:
    """The state after ``event``. Pure; the workflow and tests fold with it."""
    s = state
    match event:
        case QuestionsEdited():
            s = s.model_copy(update={"template": event.template})
        case DispatchRequested():
            s = s.model_copy(update={"dispatch_requested": True})
        case CloseRequested():
            s = s.model_copy(update={"close_requested": True})
        case Dispatched():
            # The first invitation reached everyone added before it.
            s = s.model_copy(update={"dispatched": True, "newcomers": []})
        case LateInvited():
            waiting = [m for m in s.newcomers if m not in event.members]
            s = s.model_copy(
                update={"newcomers": waiting, "late_invitations": s.late_invitations + 1}
            )
        case Reminded():
            s = s.model_copy(update={"reminded": s.reminded | set(event.members)})
        case Answered():
            s = s.model_copy(update={"answers": {**s.answers, event.member: event.response}})
        case Replanned():
            plan = event.plan
            if s.dispatched or s.dispatch_requested:
                plan = plan.model_copy(update={"dispatch_at": s.plan.dispatch_at})
            s = s.model_copy(update={"plan": plan, "replans": s.replans + 1})
        case MembersChanged():
            s = _members_changed(s, event.members)
        case Closed():
            s = s.model_copy(update={"closed": True})
    return s


def refuse_answer(state: RoundState, submission: AnswerSubmission) -> tuple[str, Failure] | None:
    """Why a member's answer is not taken now, and the refusal's kind (the form shows a
    closed round's page for ROUND_CLOSED; UNCHANGED is taken as accepted)."""
    if not state.dispatched:
        return "Spørgeskemaet er ikke sendt ud endnu.", Failure.STEP_REFUSED
    if state.closed or state.close_requested:
        return "Spørgeskemaet er lukket.", Failure.ROUND_CLOSED
    if not 0 <= submission.member < len(state.members) or submission.member in state.left:
        return "Linket passer ikke til denne runde.", Failure.STEP_REFUSED
    if state.answers.get(submission.member) == submission.response:
        # Sent twice (a double click, the back button): refused so it adds nothing to the
        # history; the client tells the member it is saved.
        return ANSWER_UNCHANGED, Failure.UNCHANGED
    return None


def refuse_edit(state: RoundState) -> str | None:
    if state.dispatched or state.close_requested:
        return "Spørgeskemaet er sendt ud; spørgsmålene kan ikke længere ændres."
    return None


def refuse_dispatch(state: RoundState) -> str | None:
    if state.dispatched:
        return "Spørgeskemaet er allerede sendt ud."
    if state.close_requested:
        return "Spørgeskemaet er lukket."
    return None


def refuse_close(state: RoundState) -> str | None:
    if state.closed or state.close_requested:
        return "Spørgeskemaet er allerede lukket."
    return None
