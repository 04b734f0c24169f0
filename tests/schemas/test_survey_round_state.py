"""A survey round's state is the fold of its events, and its rules are pure: numbers kept for
good, members added after the dispatch invited, answers refused out of turn – without
Temporal."""

from __future__ import annotations

from datetime import datetime, timedelta

from catalog import Catalog
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import Failure
from schemas.shared.people import Member
from schemas.survey.answers import SurveyResponse
from schemas.survey_round.events import (
    Answered,
    CloseRequested,
    Dispatched,
    MembersChanged,
    Replanned,
)
from schemas.survey_round.refusals import refuse_answer, refuse_dispatch, refuse_edit
from schemas.survey_round.round import AnswerSubmission, RoundPlan
from schemas.survey_round.state import RoundState, apply
from tests import factories

AT = datetime(2026, 12, 8, 9, 0, tzinfo=COPENHAGEN)
PLAN = RoundPlan(
    dispatch_at=AT, reminders=[AT + timedelta(days=7)], close_at=AT + timedelta(days=14)
)
MEMBERS = [Member.model_validate(m) for m in factories.MEMBERS]
TEMPLATE = Catalog().package("attester-i-almen-praksis").survey
ANSWER = SurveyResponse(answers={"kendskab": "I høj grad", "samarbejde": "Godt"})


def state(*events) -> RoundState:
    s = RoundState(template=TEMPLATE, plan=PLAN, members=MEMBERS)
    for event in events:
        s = apply(s, event)
    return s


def test_a_member_taken_off_keeps_their_number_and_one_added_after_dispatch_waits_for_a_link():
    new = Member(name="Ny Læge", email="ny@example.dk", ydernummer="099999")
    changed = state(
        Dispatched(at=AT),
        Answered(at=AT, member=0, response=ANSWER),
        MembersChanged(at=AT, members=[*MEMBERS[1:], new]),
    )
    assert changed.left == {0} and 0 not in changed.answers  # their answer goes with them
    assert changed.newcomers == [3] and changed.active() == [1, 2, 3]
    before = state(MembersChanged(at=AT, members=[*MEMBERS, new]))
    assert before.newcomers == []  # the dispatch will invite them


def test_answers_are_refused_before_the_dispatch_after_the_close_and_when_unchanged():
    first = AnswerSubmission(member=1, response=ANSWER)
    assert refuse_answer(state(), first) == (
        "Spørgeskemaet er ikke sendt ud endnu.",
        Failure.STEP_REFUSED,
    )
    sent = state(Dispatched(at=AT))
    assert refuse_answer(sent, first) is None
    assert refuse_answer(sent, AnswerSubmission(member=9, response=ANSWER)) is not None
    answered = apply(sent, Answered(at=AT, member=1, response=ANSWER))
    assert refuse_answer(answered, first)[1] == Failure.UNCHANGED  # type: ignore[index]
    closed = apply(answered, CloseRequested(at=AT))
    assert refuse_answer(closed, first)[1] == Failure.ROUND_CLOSED  # type: ignore[index]
    assert closed.finished


def test_questions_change_and_the_round_is_sent_only_before_the_dispatch():
    assert refuse_edit(state()) is None and refuse_dispatch(state()) is None
    assert "sendt ud" in (refuse_edit(state(Dispatched(at=AT))) or "")
    assert "allerede sendt" in (refuse_dispatch(state(Dispatched(at=AT))) or "")


def test_a_replan_keeps_a_sent_rounds_dispatch_and_counts():
    moved = PLAN.model_copy(
        update={"dispatch_at": AT + timedelta(days=3), "close_at": AT + timedelta(days=20)}
    )
    replanned = state(Dispatched(at=AT), Replanned(at=AT, plan=moved))
    assert replanned.plan.dispatch_at == AT and replanned.plan.close_at == AT + timedelta(days=20)
    assert replanned.replans == 1
    assert state(Replanned(at=AT, plan=moved)).plan.dispatch_at == AT + timedelta(days=3)
