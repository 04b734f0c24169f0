"""The chaos run tells the one replay failure the SDK causes from any the code causes."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import WorkflowHistory

from bench.chaos import _update_reordered

HERE = Path(__file__).resolve().parent
# From a chaos run: five answers arrived while the worker was dead, in the workflow task in
# which the reminder's timer fired; live, the reminder was scheduled before the answers were
# accepted, in the replay after them.
REORDERED = HERE / "histories" / "survey_round_update_after_timed_out_task.json"
ORDINARY = HERE.parent / "histories" / "survey_round_reminders.json"
SDK_MESSAGE = (
    "[TMPRL1100] Nondeterminism error: Update machine does not handle this event: "
    "HistoryEvent(id: 37, ActivityTaskScheduled)"
)


def history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json("round", path.read_text(encoding="utf-8"))


def test_an_update_after_a_timed_out_task_is_the_sdk_case():
    assert _update_reordered(history(REORDERED), SDK_MESSAGE)


def test_any_other_replay_failure_counts_against_the_code():
    # The same message without a timed-out task, and another failure on the same history.
    assert not _update_reordered(history(ORDINARY), SDK_MESSAGE)
    other = "[TMPRL1100] Nondeterminism error: Timer machine does not handle this event"
    assert not _update_reordered(history(REORDERED), other)
