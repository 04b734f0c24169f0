"""Where `klyngepakke order repair` resets a workflow: to the last workflow task completed
before the task that timed out unstarted (a crashed worker's sticky queue), and only when
workers fail the workflow's tasks as nondeterministic. Built from the history shape the chaos
run recorded (bench/chaos.py)."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import (
    HistoryEvent,
    WorkflowTaskFailedEventAttributes,
    WorkflowTaskTimedOutEventAttributes,
)

from client.repair import nondeterminism_at, reset_point

E = EventType
NDE = (
    "[TMPRL1100] Nondeterminism error: Update machine does not handle this event: "
    "HistoryEvent(id: 30, ActivityTaskScheduled)"
)


def history(*kinds: tuple[int, int], failed: str | None = None) -> list[HistoryEvent]:
    events = []
    for event_id, kind in kinds:
        event = HistoryEvent(event_id=event_id, event_type=kind)  # type: ignore[arg-type]
        if kind == E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
            started = 0 if event_id == 26 else event_id - 1
            event.workflow_task_timed_out_event_attributes.CopyFrom(
                WorkflowTaskTimedOutEventAttributes(
                    scheduled_event_id=event_id - 1, started_event_id=started
                )
            )
        if kind == E.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            event.workflow_task_failed_event_attributes.CopyFrom(
                WorkflowTaskFailedEventAttributes(failure=Failure(message=failed or ""))
            )
        events.append(event)
    return events


CRASHED = [
    (20, E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    (21, E.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    (22, E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    (23, E.EVENT_TYPE_TIMER_STARTED),
    (24, E.EVENT_TYPE_TIMER_FIRED),
    (25, E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    (26, E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),  # unstarted: the sticky worker was dead
    (27, E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    (28, E.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    (29, E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
    (30, E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    (31, E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED),
    (32, E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED),
    (33, E.EVENT_TYPE_WORKFLOW_TASK_STARTED),
    (34, E.EVENT_TYPE_WORKFLOW_TASK_FAILED),
]


def test_a_crashed_workers_history_resets_to_the_task_before_the_timed_out_one():
    events = history(*CRASHED, failed=NDE)
    assert nondeterminism_at(events) == 30
    assert reset_point(events, 30) == 22


def test_a_workflow_without_a_nondeterminism_failure_is_left_alone():
    events = history(*CRASHED, failed="ActivityError: the mail server refused")
    assert nondeterminism_at(events) is None
    assert nondeterminism_at(history(*CRASHED[:-1])) is None


def test_a_nondeterminism_without_a_crashed_workers_task_is_not_reset():
    # A timed-out task that had started (the worker died while working) is not the pattern:
    # such a mismatch is a code change without a patch, for a developer, not a reset.
    started_timeout = [(i, k) for i, k in CRASHED if i != 25]
    started_timeout.insert(5, (25, E.EVENT_TYPE_WORKFLOW_TASK_STARTED))
    events = history(*started_timeout, failed=NDE)
    for event in events:
        if event.event_id == 26:
            event.workflow_task_timed_out_event_attributes.started_event_id = 25
    assert reset_point(events, 30) is None
