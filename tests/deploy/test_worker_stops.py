"""A deploy stops the worker with SIGTERM: it stops polling, lets what runs finish and leaves
with exit code 0, instead of dying as a crash would."""

from __future__ import annotations

import asyncio
import signal

import pytest

from bench.stack import Worker, bench_settings, environment, running_stack
from klyngepakke import bootstrap

pytestmark = pytest.mark.slow


async def test_sigterm_stops_the_worker_cleanly(tmp_path):
    settings = bench_settings(tmp_path / "var", task_queue="stopping")
    bootstrap.payload_keys(settings)
    async with running_stack(settings):
        worker = Worker(settings, environment(settings))
        worker.start()
        try:
            await worker.ready()
            assert worker.process is not None
            worker.process.send_signal(signal.SIGTERM)
            code = await asyncio.to_thread(worker.process.wait, 60)
        finally:
            worker.stop()
    assert code == 0
    assert "worker_stopped" in worker.log_path.read_text(encoding="utf-8")
