"""Whether a wait starts a timer must not depend on workflow.now(): a live worker after a
crash and a replay of its history see different times (workflows/waiting.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from schemas.shared.clock import OrderClock
from workflows.waiting import AT_ONCE, timer_for

ORIGIN = datetime(2026, 11, 2, 9, tzinfo=UTC)
CLOCK = OrderClock(real_origin=ORIGIN, planned_origin=ORIGIN, seconds_per_day=0.5)


@given(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_two_views_of_now_both_start_a_timer(first_ms, second_ms):
    due = ORIGIN + timedelta(days=3)
    live = timer_for(CLOCK, ORIGIN + timedelta(milliseconds=first_ms), due, replay_safe=True)
    replay = timer_for(CLOCK, ORIGIN + timedelta(milliseconds=second_ms), due, replay_safe=True)
    assert live is not None and replay is not None
    assert live >= AT_ONCE and replay >= AT_ONCE


def test_a_passed_time_waits_one_millisecond_and_the_old_path_goes_on_at_once():
    due = ORIGIN + timedelta(days=1)
    late = ORIGIN + timedelta(seconds=5)  # ten planned days later
    assert timer_for(CLOCK, late, due, replay_safe=True) == AT_ONCE
    assert timer_for(CLOCK, late, due, replay_safe=False) is None


def test_a_future_time_is_waited_for_in_real_seconds():
    due = ORIGIN + timedelta(days=2)
    assert timer_for(CLOCK, ORIGIN, due, replay_safe=True) == timedelta(seconds=1, milliseconds=1)
