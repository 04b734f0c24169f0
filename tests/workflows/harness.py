"""Runs an order workflow on the time-skipping server with the real activities."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from klyngepakke.client import OrdersClient
from klyngepakke.settings import Settings
from klyngepakke.smtp_sink import SmtpSink
from schemas.state import OrderStatus
from worker import WORKFLOWS, build_activities
from workflows.sandbox import workflow_runner


@dataclass
class Harness:
    env: WorkflowEnvironment
    orders: OrdersClient
    sink: SmtpSink

    async def now(self) -> datetime:
        return await self.env.get_current_time()

    async def status(self, order_id: str) -> OrderStatus:
        return await self.orders.status(order_id)

    async def sleep_until(self, when: datetime) -> None:
        """Cross timers up to ``when`` (plus a minute), on the server's skipping clock."""
        delta = when - await self.now()
        if delta > timedelta(0):
            await self.env.sleep(delta + timedelta(minutes=1))

    async def finish(self, order_id: str) -> OrderStatus:
        """Skip the days the follow-up needs, then the order's final status."""
        await self.env.sleep(timedelta(days=5))
        return await self.orders.result(order_id)

    def mails(self, kind: str | None = None) -> list:
        found = self.sink.messages()
        return [m for m in found if kind is None or m["X-Klyngepakke-Mail"] == kind]


@asynccontextmanager
async def running(env: WorkflowEnvironment, settings: Settings, sink: SmtpSink,
                  executor: ThreadPoolExecutor, activities: list | None = None
                  ) -> AsyncIterator[Harness]:
    settings = settings.model_copy(update={"task_queue": f"test-{uuid.uuid4()}"})
    async with Worker(env.client, task_queue=settings.task_queue, workflows=WORKFLOWS,
                      activities=activities or build_activities(settings),
                      activity_executor=executor, workflow_runner=workflow_runner()):
        yield Harness(env=env, orders=OrdersClient(env.client, settings), sink=sink)
