"""The timeline planner: the seeds' deadlines on Danish business days, and its refusals."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.order.steps import Step
from schemas.order.timeline import plan
from schemas.shared.business_days import is_business_day
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import DomainError, LateOrder
from tests import factories

ORDERED_PLACED = datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)
TIME_ORDER = [
    Step.CONSULTATION,
    Step.MATERIAL,
    Step.SURVEY,
    Step.ARTIFACTS,
    Step.INVITATION,
    Step.PREMEETING,
    Step.MEETING,
    Step.FOLLOW_UP,
]


def test_the_deck_is_due_two_weeks_before_and_survey_a_week_before_that():
    order = factories.make_order(ORDERED_PLACED, weeks=12)
    timeline = plan(order, ORDERED_PLACED)
    meeting = order.meeting.start
    assert meeting - timeline.due[Step.ARTIFACTS] >= timedelta(days=14)
    assert timeline.due[Step.ARTIFACTS] - timeline.due[Step.SURVEY] >= timedelta(days=5)
    assert timeline.due[Step.PARTNER] == timeline.due[Step.SURVEY]
    assert timeline.due[Step.ARTIFACTS] < timeline.due[Step.PREMEETING] < meeting
    assert not timeline.late


def test_christmas_and_new_year_are_skipped():
    placed = datetime(2026, 11, 2, 10, 0, tzinfo=COPENHAGEN)
    # A meeting on 12 January 2027 puts the survey's close in the Christmas week.
    order = factories.make_order(
        placed, meeting={"start": "2027-01-12T16:00", "mode": "fysisk"}, call_at="2026-11-04T10:00"
    )
    timeline = plan(order, placed)
    closed = {d.date() for d in timeline.due.values()}
    for day in (24, 25, 26, 31):
        assert datetime(2026, 12, day).date() not in closed


def test_an_order_six_weeks_ahead_is_refused_with_the_missing_weeks_in_danish():
    order = factories.make_order(ORDERED_PLACED, weeks=6)
    with pytest.raises(LateOrder) as refused:
        plan(order, ORDERED_PLACED)
    assert refused.value.field == "meeting.start"
    assert "der mangler 2 uger" in refused.value.message


def test_allow_late_compresses_the_plan_and_marks_it_late():
    order = factories.make_order(ORDERED_PLACED, weeks=4)
    timeline = plan(order, ORDERED_PLACED, allow_late=True)
    assert timeline.late
    assert timeline.due[Step.PREMEETING] < order.meeting.start


def test_even_an_operator_cannot_order_less_than_two_weeks_ahead():
    order = factories.make_order(ORDERED_PLACED, weeks=1.5)
    with pytest.raises(DomainError, match="mindre end 2 uger"):
        plan(order, ORDERED_PLACED, allow_late=True)


def test_a_call_on_a_holiday_is_refused_by_name():
    placed = datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)
    order = factories.make_order(placed, weeks=12, call_at="2026-12-25T10:00")
    with pytest.raises(DomainError) as refused:
        plan(order, placed)
    assert refused.value.field == "call_at"
    assert "juledag" in refused.value.message.lower()


@settings(max_examples=150, deadline=None)
@given(
    days_ahead=st.integers(min_value=15, max_value=200),
    call_offset=st.integers(min_value=1, max_value=6),
    placed_day=st.dates(
        min_value=datetime(2026, 1, 1).date(), max_value=datetime(2030, 12, 31).date()
    ),
    allow_late=st.booleans(),
)
def test_plan_invariants(days_ahead, call_offset, placed_day, allow_late):
    """Whatever the dates: steps in order, nothing due after the meeting, no holiday dues."""
    placed = datetime.combine(placed_day, time(10, 0), COPENHAGEN)
    from schemas.shared.business_days import add_business_days

    call_at = datetime.combine(add_business_days(placed_day, call_offset), time(10), COPENHAGEN)
    order = factories.make_order(placed, weeks=days_ahead / 7, call_at=call_at.isoformat())
    try:
        timeline = plan(order, placed, allow_late=allow_late)
    except DomainError:
        return  # refused: late without permission, or a call too close to the meeting
    dues = [timeline.due[s] for s in TIME_ORDER]
    assert dues == sorted(dues)
    for step in TIME_ORDER[:-2]:
        assert timeline.due[step] < order.meeting.start
        assert is_business_day(timeline.due[step].date())
    assert is_business_day(timeline.due[Step.FOLLOW_UP].date())
