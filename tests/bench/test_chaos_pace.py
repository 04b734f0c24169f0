"""The chaos run's pace, without a stack: the kills asked for fit in the orders' life on a
slow machine too, and they are spread over it instead of bunched at its start."""

from __future__ import annotations

import random

from bench.chaos import KILL_WINDOW_DAYS, MIN_GAP, START_MARGIN, fitting_pace, kill_slots


def test_a_fast_machine_keeps_the_pace_asked_for() -> None:
    assert fitting_pace(0.5, kills=4, worker_start=2.0, say=lambda _: None) == 0.5


def test_a_slow_worker_start_slows_the_orders_clock_until_every_kill_fits() -> None:
    said: list[str] = []
    pace = fitting_pace(0.5, kills=4, worker_start=15.0, say=said.append)
    # Five starts (four kills and the server's restart) with their margin and pause fit.
    assert pace * KILL_WINDOW_DAYS >= 5 * (START_MARGIN * 15.0 + MIN_GAP) - 0.01 * KILL_WINDOW_DAYS
    assert pace > 0.5 and "uses" in said[0] and "0.5" in said[0]


def test_the_kills_fall_one_in_each_share_of_the_window() -> None:
    slots = kill_slots(100.0, 200.0, 4, random.Random(7))
    assert len(slots) == 4
    for n, slot in enumerate(slots):
        assert 100.0 + 25.0 * n < slot < 100.0 + 25.0 * (n + 1)
