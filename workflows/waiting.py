"""Waiting for a planned time so that a crashed worker's history always replays.

The chaos run (bench/chaos.py) found histories that did not replay. When a worker dies with a
workflow task pending on its sticky queue, the next worker is handed the events that piled up
in two activations, the first stamped with the time of the workflow task before; a replay of
the same history hands them over in one activation with the later time. Two kinds of workflow
code gave different commands under the two:

- a signal handler that issues a command (it runs first in an activation): signal handlers
  here only change state and the current details;
- a choice between "start a timer" and "go on now" made from ``workflow.now()``: with an older
  stamp the live worker started a timer that a replay did not. So a wait always starts its
  timer, one millisecond when the time has passed, and a fired timer means the time has come.

Workflows started before this took the old paths; they ask ``workflow.patched(REPLAY_SAFE)``
once at their start and keep the old behaviour when it says no.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from schemas.shared.clock import OrderClock

REPLAY_SAFE = "replay-safe-waits"
# Long enough to be a real timer, short enough that nobody notices it.
AT_ONCE = timedelta(milliseconds=1)


def timer_for(
    clock: OrderClock, now: datetime, due: datetime, replay_safe: bool
) -> timedelta | None:
    """The timer to wait, at ``workflow.now()``, for the planned time ``due``; None (go on
    now) only on the old path."""
    delay = clock.real_delay(now, due)
    if delay > timedelta(0):
        return delay
    return AT_ONCE if replay_safe else None
