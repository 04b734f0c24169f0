"""A survey round's state as a fold over its domain events, as the order's is
(schemas/order/state.py), and the rules that refuse a step of it (pure, tested without Temporal).

Member numbers are for good (they are in the links): one taken off the list keeps its number
and is left out; one added gets the next number."""

from __future__ import annotations

from pydantic import BaseModel, Field

from schemas.package.model import SurveyTemplate
from schemas.shared.people import Member
from schemas.survey.answers import SurveyResponse
from schemas.survey.progress import RoundProgress
from schemas.survey_round.events import (
    Answered,
    Closed,
    CloseRequested,
    Dispatched,
    DispatchRequested,
    LateInvited,
    MembersChanged,
    NotDelivered,
    ProgressReported,
    QuestionsEdited,
    Reminded,
    Replanned,
    RoundEvent,
)
from schemas.survey_round.round import RoundPlan


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
    undelivered: dict[int, int | None] = Field(
        default_factory=dict, description="Members whose mail did not arrive, with the code"
    )
    reported: RoundProgress | None = Field(
        default=None, description="The progress last told to the parent"
    )

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
            undelivered=sum(1 for m in self.active() if m in self.undelivered),
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
        case ProgressReported():
            s = s.model_copy(update={"reported": event.progress})
        case NotDelivered():
            failed = dict.fromkeys(event.members, event.code)
            s = s.model_copy(update={"undelivered": {**s.undelivered, **failed}})
    return s
