"""The embedded stack's Temporal server writes its SQLite in WAL mode, synced at checkpoints
(a burst of orders waited on an fsync per commit otherwise): what it has accepted must still be
there after its process is killed and started again."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from temporalio.client import WorkflowExecutionStatus

from bench.stack import bench_settings, running_stack
from klyngepakke import bootstrap
from klyngepakke.dev.stack import wait_for_server

pytestmark = pytest.mark.slow


async def test_a_started_workflow_survives_the_server_being_killed(tmp_path):
    settings = bench_settings(tmp_path / "var", task_queue="server-killed")
    bootstrap.payload_keys(settings)
    store = settings.var_dir / "temporal.sqlite"
    async with running_stack(settings, render_workers=0) as stack:
        # No worker polls this queue: the workflow just waits, as an order between two steps.
        await stack.client.start_workflow("Floor", id="survives-a-kill", task_queue="nobody")
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stack.server.process.kill()
        await asyncio.to_thread(stack.server.process.wait, 30)
        await stack.server.restart()
        client = await wait_for_server(settings, seconds=90)
        described = await client.get_workflow_handle("survives-a-kill").describe()
    assert described.status == WorkflowExecutionStatus.RUNNING
