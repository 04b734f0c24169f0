"""A small workflow and its worker process for test_repair_end_to_end.py: a timer whose end
schedules an activity, and an Update, on a worker that can be SIGKILLed.

    python -m tests.security.crash_probe   # a worker on $KLYNGEPAKKE_TASK_QUEUE
"""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import Worker

# Set for the worker that stands in for a replay that orders things differently from the
# recorded run: its workflow tasks fail as nondeterministic on that history.
NOTE_POKES = os.environ.get("CRASH_PROBE_NOTE_POKES") == "1"


@activity.defn
async def note(text: str) -> str:
    return text


@workflow.defn
class CrashProbe:
    def __init__(self) -> None:
        self._pokes = 0
        self._finish = False

    @workflow.run
    async def run(self, seconds: float) -> int:
        await workflow.sleep(seconds)
        await workflow.execute_activity(note, "timer", start_to_close_timeout=timedelta(minutes=1))
        await workflow.wait_condition(lambda: self._finish)
        return self._pokes

    @workflow.update
    async def poke(self) -> int:
        self._pokes += 1
        if NOTE_POKES:  # the "other replay": commands where the recorded run had none
            await workflow.execute_activity(
                note, "poke", start_to_close_timeout=timedelta(minutes=1)
            )
        return self._pokes

    @workflow.query
    def pokes(self) -> int:
        return self._pokes

    @workflow.signal
    def finish(self) -> None:
        self._finish = True


async def main() -> None:
    client = await Client.connect(os.environ["KLYNGEPAKKE_TEMPORAL_ADDRESS"])
    async with Worker(
        client,
        task_queue=os.environ["KLYNGEPAKKE_TASK_QUEUE"],
        workflows=[CrashProbe],
        activities=[note],
    ):
        await asyncio.Event().wait()


if __name__ == "__main__":
    from tests.security import crash_probe

    asyncio.run(crash_probe.main())
