"""Runs an order workflow on the time-skipping server with the real activities."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from client.facade import KlyngepakkeClient
from klyngepakke import bootstrap
from klyngepakke.config import Settings
from klyngepakke.dev.smtp_sink import SmtpSink
from schemas.follow_up.meeting import follow_up_id
from schemas.order.commands import ExtractAccepted
from schemas.order.extract import ParsedExtract
from schemas.order.request import OrderRequest
from schemas.order.status import OrderStatus
from schemas.shared.errors import StepRejected
from schemas.survey_round.round import round_id
from storage.artifact_store import FolderArtifactStore
from storage.uploads import UploadRefused, read_receipt, store_extract_upload
from tests.eventually import TIMEOUT, eventually
from worker import WORKFLOWS, by_queue
from workflows.sandbox import workflow_runner

# How much of the skipping clock one sleep call crosses at most (Harness._skip).
SKIP_STEP = timedelta(days=1)

HISTORIES = Path(__file__).resolve().parent.parent / "histories"

_OPENS = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED: "workflow task",
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: "activity",
    EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: "child start",
    EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: "signal",
    EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: "cancel request",
}
# The event that closes each kind, by the attribute naming the event that opened it.
_CLOSES = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: "scheduled_event_id",
    EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED: "scheduled_event_id",
    EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT: "scheduled_event_id",
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: "scheduled_event_id",
    EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: "scheduled_event_id",
    EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: "scheduled_event_id",
    EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED: "scheduled_event_id",
    EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: "initiated_event_id",
    EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED: "initiated_event_id",
    EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED: "initiated_event_id",
    EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED: "initiated_event_id",
    EventType.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED: "initiated_event_id",
    EventType.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED: "initiated_event_id",
}


def open_work(history: WorkflowHistory) -> list[str]:
    """What a workflow has started and not yet seen end: its open workflow task, activities,
    child starts, signals and cancel requests to other workflows."""
    open_: dict[int, str] = {}
    for event in history.events:
        if event.event_type in _OPENS:
            open_[event.event_id] = _OPENS[event.event_type]
        elif event.event_type in _CLOSES:
            kind = event.WhichOneof("attributes")
            opened_by = getattr(getattr(event, kind), _CLOSES[event.event_type])
            open_.pop(opened_by, None)
    return sorted(open_.values())


@dataclass
class Harness:
    env: WorkflowEnvironment
    client: KlyngepakkeClient
    settings: Settings
    sink: SmtpSink
    new_worker: Callable[[], Worker]
    worker: Worker | None = None
    started: list[str] = field(default_factory=list)

    @asynccontextmanager
    async def worker_down(self) -> AsyncIterator[None]:
        """No worker inside the block (as while workers are deployed): what happens to the
        workflows meanwhile reaches them in one workflow task once a new worker is up. Run
        with ``cache=False``: the time-skipping server never hands a stopped worker's sticky
        tasks to another."""
        assert self.worker is not None
        await self.worker.shutdown()
        try:
            yield
        finally:
            self.worker = await self.new_worker().__aenter__()

    async def start(self, order: OrderRequest, **options: Any) -> str:
        order_id = await self.client.orders.start(order, **options)
        self.started.append(order_id)
        return order_id

    async def terminate_leftovers(self) -> None:
        """A workflow left running after its worker stops would hold the shared test server's
        clock (its next activity never starts); end it so the next test can skip time."""
        for workflow_id in reversed(self._workflow_ids()):
            handle = self.env.client.get_workflow_handle(workflow_id)
            try:
                running = (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
            except RPCError:
                continue  # never started
            except TypeError:
                # The time-skipping server answers an unset Datetime attribute (NextDue of a
                # closed order) with a null the SDK cannot parse: end it if it still runs.
                with contextlib.suppress(RPCError):
                    await handle.terminate("test finished")
                continue
            if running:
                try:
                    await handle.terminate("test finished")
                except RPCError as exc:
                    # It finished between the look and the terminate: nothing left to end.
                    if exc.status != RPCStatusCode.NOT_FOUND:
                        raise

    async def now(self) -> datetime:
        return await self.env.get_current_time()

    async def status(self, order_id: str) -> OrderStatus:
        return await self.client.orders.status(order_id)

    async def placed(self, order_id: str) -> OrderStatus:
        """The status once the order has loaded its package and planned its timeline."""

        async def has_events() -> bool:
            return bool((await self.client.orders.status(order_id)).events)

        await eventually("the order's placement (OrderPlaced)", has_events)
        await self.settle()
        return await self.client.orders.status(order_id)

    async def _skip(self, delta: timedelta) -> None:
        """Cross ``delta`` of the skipping clock a day at a time: one call that crosses weeks
        makes the server run every timer of those weeks (and wait for the worker on each)
        inside a single RPC, which a loaded machine can take past its deadline."""
        left = delta
        while left > timedelta(0):
            step = min(left, SKIP_STEP)
            await self.env.sleep(step)
            left -= step

    async def sleep(self, delta: timedelta) -> None:
        """Cross ``delta`` of the server's skipping clock, then wait until every workflow of
        the test has handled what those timers started (``settle``)."""
        await self._skip(delta)
        await self.settle()

    async def sleep_until(self, when: datetime) -> None:
        """Cross timers up to ``when``, then wait for their effects. The margin is for the
        workflows' own rounding of a timer (a millisecond up), not for the workers."""
        delta = when - await self.now()
        if delta > timedelta(0):
            await self._skip(delta + timedelta(minutes=1))
        await self.settle()

    def _workflow_ids(self) -> list[str]:
        children = [follow_up_id(o) for o in self.started]
        children += [round_id(o, n) for o in self.started for n in (1, 2)]
        return [*self.started, *children]

    async def settle(self, timeout: float = TIMEOUT) -> None:
        """Wait until no workflow of this test has a workflow task, an activity, a child start
        or a signal outstanding, twice in a row with no new events: then every mail those
        steps send is in the sink and every status shows their events. The time-skipping
        server returns from ``env.sleep`` once its clock has moved, before the worker has
        run what the fired timers scheduled (on a busy machine, seconds later)."""
        deadline = asyncio.get_running_loop().time() + timeout
        last: tuple[int, ...] | None = None
        while True:
            counts, busy = await self._outstanding()
            if not busy and counts == last:
                return
            last = None if busy else counts
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"the workflows did not settle within {timeout:g} s: still outstanding "
                    + "; ".join(busy or ["new events"])
                )
            await asyncio.sleep(0.05)

    async def _outstanding(self) -> tuple[tuple[int, ...], list[str]]:
        counts: list[int] = []
        busy: list[str] = []
        for workflow_id in self._workflow_ids():
            try:
                history = await self.env.client.get_workflow_handle(workflow_id).fetch_history()
            except RPCError as exc:
                if exc.status == RPCStatusCode.NOT_FOUND:
                    continue
                raise
            counts.append(len(history.events))
            busy += [f"{workflow_id}: {what}" for what in open_work(history)]
        return tuple(counts), busy

    async def finish(self, order_id: str, within: timedelta = timedelta(days=120)) -> OrderStatus:
        """Skip days until the order has ended (the follow-up waits for the agreements'
        dates), then its final status. A handle not started by this client does not skip
        time while it waits for a result, so the days are crossed here."""
        handle = self.env.client.get_workflow_handle(order_id)
        skipped = timedelta(0)
        while skipped < within:
            await self._skip(timedelta(days=5))
            skipped += timedelta(days=5)
            if (await handle.describe()).status != WorkflowExecutionStatus.RUNNING:
                break
        return await self.client.orders.result(order_id)

    async def submit_extract(
        self, workflow_id: str, data: bytes, filename: str, uploaded_by: str
    ) -> tuple[ExtractAccepted, ParsedExtract]:
        """As the upload page does: keep the file, let the order check it, read the receipt."""
        settings = self.settings
        try:
            upload = store_extract_upload(
                FolderArtifactStore(settings.upload_dir), workflow_id, data, filename
            )
        except UploadRefused as exc:
            raise StepRejected(exc.message) from None
        accepted = await self.client.orders.extract_submit(workflow_id, upload, uploaded_by)
        return accepted, read_receipt(FolderArtifactStore(settings.artifact_dir), accepted.receipt)

    def mails(self, kind: str | None = None) -> list:
        found = self.sink.messages()
        return [m for m in found if kind is None or m["X-Klyngepakke-Mail"] == kind]


@asynccontextmanager
async def running(
    env: WorkflowEnvironment,
    settings: Settings,
    sink: SmtpSink,
    executor: ThreadPoolExecutor,
    activities: list | None = None,
    cache: bool = True,
    client: Client | None = None,
    render_worker: bool = True,
) -> AsyncIterator[Harness]:
    """A workflow worker and a render worker for one test, as in production (worker.py): the
    renders on the render queue (``activities`` may swap any activity for a stand-in of the
    same name). ``cache=False`` makes every workflow task replay the whole history first, as a
    restarted worker would."""
    settings = settings.model_copy(update={"task_queue": f"test-{uuid.uuid4()}"})
    every = activities or bootstrap.activities(settings)
    _, render_side = by_queue(every)
    renders: contextlib.AbstractAsyncContextManager[object] = (
        Worker(
            client or env.client,
            task_queue=bootstrap.render_task_queue(settings),
            activities=render_side,
            activity_executor=executor,
            max_concurrent_activities=settings.render_slots,
        )
        if render_side and render_worker
        else contextlib.nullcontext()
    )

    def worker() -> Worker:
        return Worker(
            client or env.client,
            task_queue=settings.task_queue,
            workflows=WORKFLOWS,
            activities=every,
            activity_executor=executor,
            workflow_runner=workflow_runner(),
            # A bug in workflow code fails the test at once instead of retrying the task.
            workflow_failure_exception_types=[Exception],
            max_cached_workflows=100 if cache else 0,
        )

    harness = Harness(
        env=env,
        client=bootstrap.klyngepakke_client(settings, client or env.client, env.get_current_time),
        settings=settings,
        sink=sink,
        new_worker=worker,
    )
    async with renders:
        harness.worker = await worker().__aenter__()
        try:
            yield harness
        finally:
            try:
                await harness.terminate_leftovers()
            finally:
                await harness.worker.__aexit__(None, None, None)


async def save_history(env: WorkflowEnvironment, order_id: str, name: str) -> None:
    """Record a finished order's history for the replay test, when asked to (make histories)."""
    if not os.environ.get("KLYNGEPAKKE_RECORD_HISTORIES"):
        return
    history = await env.client.get_workflow_handle(order_id).fetch_history()
    HISTORIES.mkdir(parents=True, exist_ok=True)
    (HISTORIES / f"{name}.json").write_text(history.to_json(), encoding="utf-8")
    # Replays need the original workflow id: child ids are derived from it.
    index = HISTORIES / "workflow-ids.json"
    ids = json.loads(index.read_text(encoding="utf-8")) if index.is_file() else {}
    ids[name] = order_id
    index.write_text(json.dumps(ids, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def commands_after_signals(history: Any, signal: str) -> list[str]:
    """The commands of every workflow task that only a ``signal`` woke: a signal handler that
    issues commands can replay in another order than it ran (see workflows/order/workflow.py)."""
    found: list[str] = []
    woken_by: list[str] = []
    after_task = False
    for event in history.events:
        kind = event.WhichOneof("attributes")
        attributes = getattr(event, kind)
        if kind == "workflow_task_completed_event_attributes":
            after_task, woken_by = bool(woken_by) and set(woken_by) == {signal}, []
        elif hasattr(attributes, "workflow_task_completed_event_id"):
            if after_task:
                found.append(kind.removesuffix("_event_attributes"))
        elif not kind.startswith("workflow_task_"):
            after_task = False
            woken_by.append(
                attributes.signal_name
                if kind == "workflow_execution_signaled_event_attributes"
                else kind
            )
    return found
