"""Which task queue serves what. Workflows, mail and look-ups run on the workflow queue
(``klyngepakke``); rendering and PDF conversion on its own queue beside it
(``klyngepakke-render``), served by render workers with a bounded number of slots, so a burst
of renders never holds the GIL of the process that runs workflow tasks."""

from __future__ import annotations

RENDER_SUFFIX = "-render"


def render_queue_of(workflow_queue: str) -> str:
    """The render queue that belongs to a workflow queue (a test's own queue has its own)."""
    return workflow_queue + RENDER_SUFFIX
