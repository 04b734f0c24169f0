"""Temporal's floor for the lifecycle benchmark: a workflow that runs a given count of
activities, timers and updates with nothing inside them, and the worker that runs it.

    .venv/bin/python -m bench.floor   # a worker on $KLYNGEPAKKE_TASK_QUEUE (bench.lifecycle)
"""

from __future__ import annotations

import asyncio
import functools
from datetime import timedelta

from pydantic import BaseModel
from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker


class Script(BaseModel):
    """What one order did (counted from its histories), to be done again with no work."""

    activities: int
    timers: int
    updates: int
    timer_seconds: float


@activity.defn(name="floor_nothing")
async def nothing() -> None:
    return None


@workflow.defn(name="Floor")
class Floor:
    def __init__(self) -> None:
        self._updates = 0

    @workflow.run
    async def run(self, script: Script) -> int:
        steps = max(script.activities, script.timers, script.updates)
        done = 0
        for step in range(steps):
            if step < script.activities:
                await workflow.execute_activity(
                    nothing, start_to_close_timeout=timedelta(minutes=1)
                )
                done += 1
            if step < script.timers:
                await workflow.sleep(script.timer_seconds)
                done += 1
            if step < script.updates:
                await workflow.wait_condition(functools.partial(self._arrived, step + 1))
                done += 1
        return done

    def _arrived(self, count: int) -> bool:
        return self._updates >= count

    @workflow.update(name="step")
    def step(self) -> int:
        self._updates += 1
        return self._updates


async def run_worker() -> None:
    from klyngepakke.config import get_settings
    from klyngepakke.dev.stack import wait_for_server
    from worker import metrics_runtime

    settings = get_settings()
    await wait_for_server(settings, seconds=90)
    client = await Client.connect(
        settings.temporal_address,
        data_converter=pydantic_data_converter,
        # The SDK's metrics, as the project's worker exposes them (bench.burst --floor).
        runtime=metrics_runtime(settings.metrics_port),
    )
    async with Worker(
        client, task_queue=settings.task_queue, workflows=[Floor], activities=[nothing]
    ):
        # What bench.stack.Worker.ready waits for, as the project's worker logs it.
        print("worker_started", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    # The sandbox refuses workflows defined in __main__: run the importable module's.
    from bench import floor

    asyncio.run(floor.run_worker())
