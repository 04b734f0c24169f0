"""Lifecycle throughput: N demo orders driven through every stage on compressed time (the
simulated consultant, coordinator, members on the web form and job centre of `make run`) on
the dev server, against Temporal's floor in the same run: N workflows that do each order's
count of activities, timers and updates with nothing inside, their timers spanning an order's
own duration (bench/floor.py). The ratio of the two throughputs is the project's cost over
the engine's (goal: at least 0.7).

    .venv/bin/python -m bench.lifecycle [--orders 10] [--seconds-per-day 1] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from bench.floor import Floor, Script
from bench.results import record, table
from bench.stack import Worker, bench_settings, environment, failed_workflows, running_stack
from klyngepakke import bootstrap
from klyngepakke.bootstrap import web_server
from klyngepakke.demo.order import demo_order_id, run_demo
from schemas.shared.errors import WorkflowDied

GOAL = 0.7
COUNTED = {
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: "activities",
    EventType.EVENT_TYPE_TIMER_STARTED: "timers",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: "updates",
}


@dataclass
class Run:
    orders: int
    seconds: float
    per_order: Counter[str]
    order_seconds: float
    failed: int = 0

    @property
    def per_second(self) -> float:
        return self.orders / self.seconds


async def work_of(client: Client, order_id: str) -> tuple[Counter[str], float]:
    """The activities, timers and updates of an order and its children (survey rounds, the
    follow-up meeting until now), and the order's own duration in seconds."""
    counts: Counter[str] = Counter()
    duration = 0.0
    query = f"WorkflowId = '{order_id}' OR WorkflowId STARTS_WITH '{order_id}--'"
    async for execution in client.list_workflows(query):
        history = await client.get_workflow_handle(execution.id).fetch_history()
        counts.update(COUNTED[e.event_type] for e in history.events if e.event_type in COUNTED)
        if execution.id == order_id:
            first, last = history.events[0].event_time, history.events[-1].event_time
            duration = last.ToDatetime().timestamp() - first.ToDatetime().timestamp()
    return counts, duration


async def project_run(
    client: Client, settings: Any, orders: int, seconds_per_day: float
) -> tuple[Run, list[str]]:
    client_orders = bootstrap.klyngepakke_client(settings, client)
    # The people look at their order about twice a planned day: a status query is real work
    # for the worker (the demo's eight looks a day would measure queries, not orders).
    look_every = seconds_per_day / 2
    # No six-digit run in a label: the logs mask those as provider numbers.
    stamp = f"{datetime.now(UTC):%H-%M-%S}"
    labels = [f"lifecycle-{n:03d}-{stamp}" for n in range(orders)]
    ids = [demo_order_id(label) for label in labels]
    began = asyncio.get_running_loop().time()
    # A failed order would otherwise be waited for forever: each demo stops at its death.
    outcomes = await asyncio.gather(
        *(
            run_demo(client_orders, settings, seconds_per_day, lambda _: None, label, look_every)
            for label in labels
        ),
        return_exceptions=True,
    )
    seconds = asyncio.get_running_loop().time() - began
    died = await failed_workflows(client, settings)
    for death in died:
        print(f"FAILED {death.workflow_id} ({death.status}): {death.failure}", file=sys.stderr)
    finals = [o for o in outcomes if not isinstance(o, BaseException)]
    for order_id, outcome in zip(ids, outcomes, strict=True):
        if isinstance(outcome, BaseException) and not isinstance(outcome, WorkflowDied):
            print(f"{order_id}: the demo stopped: {outcome!r}", file=sys.stderr)
    not_done = [order_id for order_id, o in zip(ids, outcomes, strict=True) if o not in finals]
    not_done += [f.id for f in finals if f.status != "completed"]
    if died or not_done:
        raise SystemExit(f"{len(died)} failed workflows; orders that did not complete: {not_done}")
    works = [await work_of(client, i) for i in ids]
    total: Counter[str] = sum((w for w, _ in works), Counter())
    per_order = Counter({k: round(v / orders) for k, v in total.items()})
    order_seconds = statistics.median(d for _, d in works)
    follow_ups = [f.follow_up_meeting for f in finals if f.follow_up_meeting]
    return Run(orders, seconds, per_order, order_seconds), follow_ups


async def floor_run(client: Client, task_queue: str, like: Run, spread: bool = False) -> Run:
    """``like``'s orders done again by the floor; with ``spread`` each workflow's updates come
    through its duration, as an order's people send theirs, rather than all at its start."""
    floor = Client(
        client.service_client, namespace=client.namespace, data_converter=pydantic_data_converter
    )
    script = Script(
        activities=like.per_order["activities"],
        timers=like.per_order["timers"],
        updates=like.per_order["updates"],
        timer_seconds=like.order_seconds / max(1, like.per_order["timers"]),
    )
    stamp = f"{datetime.now(UTC):%H%M%S}"

    async def one(n: int) -> None:
        handle = await floor.start_workflow(
            Floor.run, script, id=f"floor-{n:03d}-{stamp}", task_queue=task_queue
        )
        for _ in range(script.updates):
            if spread:
                await asyncio.sleep(like.order_seconds / max(1, script.updates))
            await handle.execute_update(Floor.step)
        await handle.result()

    began = asyncio.get_running_loop().time()
    await asyncio.gather(*(one(n) for n in range(like.orders)))
    seconds = asyncio.get_running_loop().time() - began
    return Run(like.orders, seconds, like.per_order, like.order_seconds)


def floor_worker_for(settings: Any, task_queue: str) -> Worker:
    """The floor's worker (bench/floor.py) as its own process on ``task_queue``."""
    env = {**environment(settings), "KLYNGEPAKKE_TASK_QUEUE": task_queue}
    return Worker(settings, env, "floor-worker", [sys.executable, "-m", "bench.floor"])


async def measure(orders: int, seconds_per_day: float, var: Path) -> tuple[Run, Run]:
    settings = bench_settings(var, task_queue="lifecycle")
    bootstrap.payload_keys(settings)
    async with running_stack(settings, web_server(settings)) as stack:
        client = stack.client
        worker = Worker(settings, environment(settings))
        floor_queue = "lifecycle-floor"
        floor_worker = floor_worker_for(settings, floor_queue)
        try:
            worker.start()
            project, follow_ups = await project_run(client, settings, orders, seconds_per_day)
            for workflow_id in follow_ups:  # they outlive their orders by months
                with contextlib.suppress(Exception):
                    await client.get_workflow_handle(workflow_id).terminate("benchmark over")
            worker.stop()
            floor_worker.start()
            floor = await floor_run(client, floor_queue, project)
            return project, floor
        finally:
            worker.stop()
            floor_worker.stop()


def report(project: Run, floor: Run, seconds_per_day: float) -> str:
    ratio = project.per_second / floor.per_second
    work = project.per_order
    rows = [
        ("orders (each through every stage)", project.orders),
        ("failed workflows", project.failed),
        ("one planned day", f"{seconds_per_day:g} s"),
        (
            "per order: activities / timers / updates",
            f"{work['activities']} / {work['timers']} / {work['updates']}",
        ),
        ("an order's own duration (median)", f"{project.order_seconds:.0f} s"),
        ("klyngepakke: all orders done", f"{project.seconds:.0f} s"),
        ("klyngepakke: orders per second", f"{project.per_second:.3f}"),
        ("floor: all workflows done", f"{floor.seconds:.0f} s"),
        ("floor: workflows per second", f"{floor.per_second:.3f}"),
        ("ratio (klyngepakke / floor)", f"{ratio:.2f}"),
        ("goal", f"≥ {GOAL} {'met' if ratio >= GOAL else 'not met'}"),
    ]
    return table(["measure", "value"], rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10, help="up to 300")
    parser.add_argument("--seconds-per-day", type=float, default=1.0)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lifecycle-") as folder:
        project, floor = asyncio.run(
            measure(args.orders, args.seconds_per_day, Path(folder) / "var")
        )
    text = report(project, floor, args.seconds_per_day)
    print(text)
    if args.record:
        command = (
            f".venv/bin/python -m bench.lifecycle --orders {args.orders} "
            f"--seconds-per-day {args.seconds_per_day:g}"
        )
        record("lifecycle", command, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
