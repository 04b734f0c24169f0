"""Repairing a workflow whose history its own code no longer replays.

The chaos run found one way this happens that workflow code cannot prevent: a worker dies with
a workflow task waiting on its sticky queue, the task times out unstarted, and the next worker
hands the events that piled up to the workflow in two activations where a replay hands them in
one. An Update that arrived then is accepted after a timer's consequences live, and before them
in a replay (workflows/waiting.py removes the other causes). The next worker that has to replay
that history fails its workflow task with a nondeterminism error, and the workflow stops.

The repair is Temporal's reset: a new run of the same workflow id that keeps the history up to
the last workflow task completed before the timed-out one and re-applies the signals and
Updates that came after. The new run does again what the broken part did, in one activation.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import Client

MISMATCH = re.compile(r"HistoryEvent\(id: (\d+)")


@dataclass(frozen=True)
class Repaired:
    workflow_id: str
    reset_to: int
    run_id: str


def nondeterminism_at(events: Sequence[HistoryEvent]) -> int | None:
    """The event a replay stopped at, when workers fail the workflow's tasks as nondeterministic."""
    for event in reversed(events):
        if event.event_type != EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            continue
        found = MISMATCH.search(event.workflow_task_failed_event_attributes.failure.message)
        return int(found.group(1)) if found else None
    return None


def reset_point(events: Sequence[HistoryEvent], mismatch: int) -> int | None:
    """The last workflow task completed before the one that timed out unstarted ahead of the
    mismatch; None when the history does not show that pattern (then it is not ours to fix)."""
    unstarted_timeouts = [
        e.event_id
        for e in events
        if e.event_id < mismatch
        and e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT
        and e.workflow_task_timed_out_event_attributes.started_event_id == 0
    ]
    if not unstarted_timeouts:
        return None
    completed = [
        e.event_id
        for e in events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
        and e.event_id < unstarted_timeouts[-1]
    ]
    return completed[-1] if completed else None


async def repair(client: Client, workflow_id: str) -> Repaired | None:
    """Reset the workflow if its workers fail it as nondeterministic after a crashed worker;
    None when it has nothing to repair."""
    handle = client.get_workflow_handle(workflow_id)
    history = await handle.fetch_history()
    mismatch = nondeterminism_at(history.events)
    if mismatch is None:
        return None
    point = reset_point(history.events, mismatch)
    if point is None:
        return None
    described = await handle.describe()
    response = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=workflow_id, run_id=described.run_id),
            reason="klyngepakke: historikken kunne ikke genafspilles efter et workernedbrud",
            workflow_task_finish_event_id=point,
            request_id=str(uuid.uuid4()),
        )
    )
    return Repaired(workflow_id=workflow_id, reset_to=point, run_id=response.run_id)
