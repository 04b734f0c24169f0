"""Recorded histories of every workflow type replay against the current code; a change that
would break running orders fails here first. Re-record with `make histories`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.common import HeaderCodecBehavior
from temporalio.worker import Replayer

from client.sealed_calls import SealedCalls
from tests.conftest import TEST_CONVERTER
from tests.workflows.broken_order import DroppedMail
from worker import WORKFLOWS
from workflows.sandbox import workflow_runner

FOLDER = Path(__file__).resolve().parent.parent / "histories"
HISTORIES = sorted(p for p in FOLDER.glob("*.json") if p.name != "workflow-ids.json")
_INDEX = FOLDER / "workflow-ids.json"
IDS = json.loads(_INDEX.read_text(encoding="utf-8")) if _INDEX.is_file() else {}


def load(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json(IDS.get(path.stem, path.stem), path.read_text("utf-8"))


def test_every_workflow_type_has_recorded_histories():
    recorded = {
        load(p).events[0].workflow_execution_started_event_attributes.workflow_type.name
        for p in HISTORIES
    }
    assert {w.__name__ for w in WORKFLOWS} <= recorded


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_recorded_history_replays(path: Path):
    replayer = Replayer(
        workflows=WORKFLOWS,
        data_converter=TEST_CONVERTER,
        workflow_runner=workflow_runner(),
        # As production's workers run them (client/sealed_calls.py).
        interceptors=[SealedCalls()],
        header_codec_behavior=HeaderCodecBehavior.CODEC,
    )
    await replayer.replay_workflow(load(path))


async def test_a_non_deterministic_change_is_caught():
    replayer = Replayer(
        workflows=[DroppedMail],
        data_converter=TEST_CONVERTER,
        workflow_runner=workflow_runner(),
    )
    happy = next(p for p in HISTORIES if p.stem == "order_happy_path")
    result = await replayer.replay_workflow(load(happy), raise_on_replay_failure=False)
    assert result.replay_failure is not None
    assert "nondetermin" in str(result.replay_failure).lower()
