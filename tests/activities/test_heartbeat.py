"""Long renders and mail sends heartbeat while they work, so a worker that dies mid-way is
noticed after the heartbeat timeout, not the whole start-to-close timeout."""

from __future__ import annotations

import asyncio
import time

from temporalio.testing import ActivityEnvironment

from activities.heartbeat import heartbeating, heartbeating_async


def test_a_synchronous_block_heartbeats_from_a_side_thread_until_it_ends():
    beats: list[object] = []
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *details: beats.append(details)

    def render() -> str:
        with heartbeating(every=0.05):
            time.sleep(0.4)
        return "done"

    assert env.run(render) == "done"
    during = len(beats)
    time.sleep(0.2)
    assert during >= 4 and len(beats) == during  # and none once the block has ended


async def test_an_async_block_heartbeats_while_it_awaits():
    beats: list[object] = []
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *details: beats.append(details)

    async def send() -> str:
        async with heartbeating_async(every=0.05):
            await asyncio.sleep(0.4)
        return "sent"

    assert await env.run(send) == "sent"
    assert len(beats) >= 4


def test_outside_an_activity_nothing_happens():
    with heartbeating(every=0.01):
        time.sleep(0.05)
