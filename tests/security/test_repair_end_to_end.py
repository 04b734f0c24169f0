"""`klyngepakke order repair` on a real server: a worker is SIGKILLed while the workflow waits
on a timer, the timer fires onto the dead worker's sticky queue and that task times out
unstarted (the crash pattern the chaos run recorded), an Update is accepted by the next worker.
A later worker cannot replay the history – here because it runs code that orders the Update's
commands differently, standing in for the SDK's own reordering that the chaos run met
(docs/trust.md,
"Crashes"); it fails the workflow's tasks as nondeterministic. The repair resets the workflow
to before the timed-out task, the Update is re-applied, and the workflow completes."""

from __future__ import annotations

import asyncio
import sys
import uuid

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from bench.stack import DevServer, Worker, bench_settings, environment
from client.repair import repair
from klyngepakke.dev.stack import wait_for_server
from tests.security.crash_probe import CrashProbe

pytestmark = pytest.mark.slow

PROBE = [sys.executable, "-m", "tests.security.crash_probe"]


async def until(handle: WorkflowHandle, kind: int, seconds: float = 60) -> list[int]:
    for _ in range(int(seconds * 10)):
        history = await handle.fetch_history()
        found = [e.event_id for e in history.events if e.event_type == kind]
        if found:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"no {EventType.Name(kind)} in {seconds} s")  # type: ignore[arg-type]


async def test_a_workflow_stopped_after_a_worker_crash_is_repaired_and_completes(tmp_path):
    settings = bench_settings(tmp_path / "var", task_queue=f"probe-{uuid.uuid4().hex[:6]}")
    server = DevServer(settings)
    variables = environment(settings)
    other_replay = {**variables, "CRASH_PROBE_NOTE_POKES": "1"}
    workers = [
        Worker(settings, variables, "probe-0", PROBE),
        Worker(settings, variables, "probe-1", PROBE),
        Worker(settings, other_replay, "probe-2", PROBE),
    ]
    try:
        await wait_for_server(settings, seconds=90)
        client = await Client.connect(settings.temporal_address)
        workers[0].start()
        handle = await client.start_workflow(
            CrashProbe.run, 4.0, id=f"probe-{uuid.uuid4()}", task_queue=settings.task_queue
        )
        await until(handle, EventType.EVENT_TYPE_TIMER_STARTED)
        workers[0].kill()
        await until(handle, EventType.EVENT_TYPE_TIMER_FIRED)
        poke = asyncio.create_task(handle.execute_update(CrashProbe.poke))
        await asyncio.sleep(1)
        workers[1].start()
        assert await asyncio.wait_for(poke, timeout=60) == 1
        history = await handle.fetch_history()
        unstarted = [
            e
            for e in history.events
            if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
            and e.workflow_task_timed_out_event_attributes.started_event_id == 0
        ]
        assert unstarted, "the timer's task should have timed out on the dead sticky queue"
        assert await repair(client, handle.id) is None  # nothing stopped: nothing to repair

        workers[1].kill()
        workers[2].start()  # has to replay the history, and cannot
        await handle.signal(CrashProbe.finish)
        await until(handle, EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)

        repaired = await repair(client, handle.id)
        assert repaired is not None
        assert repaired.reset_to < unstarted[0].event_id
        latest = client.get_workflow_handle(handle.id)
        # The Update and the finish signal were re-applied to the new run.
        assert await asyncio.wait_for(latest.result(), timeout=60) == 1
        assert (await latest.describe()).run_id == repaired.run_id
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
