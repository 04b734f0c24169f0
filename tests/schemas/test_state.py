"""The order state is a fold over events: steps, overdue flags and status follow from them."""

from __future__ import annotations

from datetime import datetime, timedelta

from schemas.order.events import (
    ConsultationCompleted,
    MaterialSent,
    OrderCancelled,
    OrderPlaced,
    OrderRescheduled,
    StepOverdue,
)
from schemas.order.request import ContactBy, MeetingMode
from schemas.order.state import fold
from schemas.order.steps import Step, StepState
from schemas.order.summary import current_details
from schemas.order.timeline import plan
from schemas.shared.copenhagen import COPENHAGEN
from tests import factories

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=COPENHAGEN)


def placed():
    order = factories.make_order(NOW)
    return order, OrderPlaced(at=NOW, timeline=plan(order, NOW))


def test_the_consultation_opens_material_and_material_opens_survey_and_jobcenter():
    _, first = placed()
    state = fold(
        [
            first,
            ConsultationCompleted(at=NOW, contact_by=ContactBy.KIAP, mode=MeetingMode.PHYSICAL),
            MaterialSent(at=NOW),
        ]
    )
    assert state.state_of(Step.CONSULTATION) == StepState.DONE
    assert state.state_of(Step.SURVEY) == StepState.ACTIVE
    assert state.state_of(Step.PARTNER) == StepState.ACTIVE
    assert state.current_step == Step.SURVEY


def test_overdue_is_cleared_when_a_reschedule_gives_the_step_time_again():
    order, first = placed()
    later = factories.make_order(NOW, weeks=14, call_at="2026-12-07T10:00")
    overdue = StepOverdue(at=NOW + timedelta(days=3), step=Step.CONSULTATION)
    state = fold([first, overdue])
    assert state.overdue
    moved = OrderRescheduled(
        at=NOW + timedelta(days=3), previous_meeting=order.meeting.start, timeline=plan(later, NOW)
    )
    assert not fold([first, overdue, moved]).overdue


def test_the_ui_summary_says_where_the_order_is_in_danish():
    _, first = placed()
    state = fold([first, OrderCancelled(at=NOW, reason="Klyngen aflyste")])
    text = current_details("Klynge Aalborg Øst", "Aalborg Kommune", state, NOW)
    assert "Annulleret" in text and "Klyngen aflyste" in text
    active = current_details("Klynge Aalborg Øst", "Aalborg Kommune", fold([first]), NOW)
    assert "Trin 1/9: **Telefonkonsultation** – i gang" in active
