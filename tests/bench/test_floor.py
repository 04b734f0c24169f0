"""The lifecycle benchmark's ratio is only fair if its floor does the work an order did:
the same count of activities, timers and updates, counted the same way from the history."""

from __future__ import annotations

import uuid
from collections import Counter

from temporalio.worker import Worker

from bench.floor import Floor, Script, nothing
from bench.lifecycle import COUNTED


async def test_the_floor_runs_exactly_the_counted_work_of_an_order(env):
    script = Script(activities=5, timers=3, updates=4, timer_seconds=3600)
    queue = f"floor-{uuid.uuid4()}"
    async with Worker(env.client, task_queue=queue, workflows=[Floor], activities=[nothing]):
        handle = await env.client.start_workflow(
            Floor.run, script, id=f"floor-{uuid.uuid4()}", task_queue=queue
        )
        for sent in range(1, script.updates + 1):
            assert await handle.execute_update(Floor.step) == sent
        assert await handle.result() == 5 + 3 + 4
        history = await handle.fetch_history()

    counted = Counter(COUNTED[e.event_type] for e in history.events if e.event_type in COUNTED)
    assert counted == Counter(activities=5, timers=3, updates=4)
