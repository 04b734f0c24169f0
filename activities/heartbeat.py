"""Heartbeats for long synchronous activities, so a worker that dies mid-render is noticed in
seconds (the heartbeat timeout), not after the whole start-to-close timeout."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import AsyncIterator, Iterator

from temporalio import activity

EVERY_SECONDS = 5.0


@contextlib.contextmanager
def heartbeating(every: float = EVERY_SECONDS) -> Iterator[None]:
    """Heartbeat from a side thread while the block runs (python-pptx and LibreOffice give
    no natural points to heartbeat from)."""
    if not activity.in_activity():
        yield
        return
    done = threading.Event()
    # The activity's context lives in a context variable; the side thread needs its own copy.
    context = contextvars.copy_context()

    def beat() -> None:
        while not done.wait(every):
            context.run(activity.heartbeat)

    thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


@contextlib.asynccontextmanager
async def heartbeating_async(every: float = EVERY_SECONDS) -> AsyncIterator[None]:
    """The same for async activities: a task heartbeats while the block awaits."""
    if not activity.in_activity():
        yield
        return

    async def beat() -> None:
        while True:
            await asyncio.sleep(every)
            activity.heartbeat()

    task = asyncio.create_task(beat(), name="heartbeat")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
