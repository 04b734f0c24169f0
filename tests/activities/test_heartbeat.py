"""Long renders and mail sends heartbeat while they work, so a worker that dies mid-way is
noticed after the heartbeat timeout, not the whole start-to-close timeout."""

from __future__ import annotations

import asyncio
import threading
import time

from temporalio.testing import ActivityEnvironment

from activities.heartbeat import heartbeating, heartbeating_async

# The blocks below run until this many beats have arrived, however slow the machine.
BEATS = 3
WAIT = 60.0


def _heartbeat_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "heartbeat" and t.is_alive()]


def test_a_synchronous_block_heartbeats_from_a_side_thread_until_it_ends():
    beats: list[object] = []
    enough = threading.Event()
    env = ActivityEnvironment()

    def beat(*details: object) -> None:
        beats.append(details)
        if len(beats) >= BEATS:
            enough.set()

    env.on_heartbeat = beat

    def render() -> str:
        # A block that gives no natural point to heartbeat from, like a LibreOffice call.
        with heartbeating(every=0.01):
            assert enough.wait(WAIT), "the side thread did not heartbeat while the block ran"
        return "done"

    assert env.run(render) == "done"
    after = len(beats)
    # Once the block has ended its side thread is gone, so no heartbeat can follow.
    assert _heartbeat_threads() == []
    assert len(beats) == after >= BEATS


async def test_an_async_block_heartbeats_while_it_awaits():
    beats: list[object] = []
    enough = asyncio.Event()
    env = ActivityEnvironment()

    def beat(*details: object) -> None:
        beats.append(details)
        if len(beats) >= BEATS:
            enough.set()

    env.on_heartbeat = beat

    async def send() -> str:
        async with heartbeating_async(every=0.01):
            await asyncio.wait_for(enough.wait(), WAIT)
        return "sent"

    assert await env.run(send) == "sent"
    # The beat task was cancelled and awaited with the block: nothing is left to heartbeat.
    assert [t for t in asyncio.all_tasks() if t.get_name() == "heartbeat"] == []
    assert len(beats) >= BEATS


def test_outside_an_activity_nothing_happens():
    with heartbeating(every=0.01):
        time.sleep(0)
    assert _heartbeat_threads() == []
