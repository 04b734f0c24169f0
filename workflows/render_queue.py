"""Where a workflow sends its renders: the render workers' queue beside its own."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.task_queues import render_queue_of


def render_queue() -> str:
    """The render queue for this workflow's renders. No patch guards it: an activity's task
    queue is an option, not part of what a replay compares (the recorded histories in
    tests/histories, scheduled on the workflow queue, replay unchanged)."""
    return render_queue_of(workflow.info().task_queue)
