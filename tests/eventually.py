"""Waiting on an effect instead of a clock: poll a check until it holds, or fail saying
what did not happen."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

# Generous for a 2-core machine under load; a healthy run meets its checks in well under a
# second. Only a real fault waits this long.
TIMEOUT = 120.0


async def eventually(
    what: str,
    check: Callable[[], Awaitable[bool]],
    timeout: float = TIMEOUT,
    every: float = 0.05,
) -> None:
    """Poll ``check`` every ``every`` seconds until it returns True."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:g} s")
        await asyncio.sleep(every)


def eventually_sync(
    what: str, check: Callable[[], bool], timeout: float = TIMEOUT, every: float = 0.1
) -> None:
    """``eventually`` for a fixture outside the event loop (a process coming up)."""
    import time

    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:g} s")
        time.sleep(every)
