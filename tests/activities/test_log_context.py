"""An activity's log lines name the workflow and run they belong to."""

from __future__ import annotations

import dataclasses

import structlog
from temporalio.testing import ActivityEnvironment
from temporalio.worker import ActivityInboundInterceptor

from activities.log_context import LogContext


class Seen(ActivityInboundInterceptor):
    def __init__(self) -> None:
        self.bound: list[dict] = []

    async def execute_activity(self, input):  # type: ignore[no-untyped-def]
        self.bound.append(structlog.contextvars.get_contextvars())
        return "sendt"


async def test_the_ids_are_bound_while_the_activity_runs_and_gone_after():
    env = ActivityEnvironment()
    env.info = dataclasses.replace(
        env.info, workflow_id="ordre-1", workflow_run_id="run-1", activity_type="send_mail"
    )
    seen = Seen()
    chain = LogContext().intercept_activity(seen)

    async def body() -> str:
        return await chain.execute_activity(None)  # type: ignore[arg-type]

    assert await env.run(body) == "sendt"
    assert seen.bound == [{"workflow_id": "ordre-1", "run_id": "run-1", "activity": "send_mail"}]
    assert structlog.contextvars.get_contextvars() == {}
