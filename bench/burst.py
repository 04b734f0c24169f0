"""Burst: N demo orders started in the same second at 1 s a planned day, their people acting
through the pages (as in `make run`), on one workflow worker and one render worker on this
machine. Reports how many complete, the workflow tasks' schedule-to-start latency from the
worker's own SDK metrics (p50, p99), and the deadlines the orders missed in planned time (a
StepOverdue event the order recorded itself).

    .venv/bin/python -m bench.burst [--orders 10,30,100] [--seconds-per-day 1] [--record]

With ``--floor`` the same burst runs Temporal's floor instead (bench/floor.py: the counted work
of a demo order – its activities, timers and updates – with nothing inside, no renders, no
people, no web app) on one floor worker: what this machine gives before any of the project's
own work.

    .venv/bin/python -m bench.burst --floor [--orders 100] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.lifecycle import Run, floor_run, floor_worker_for
from bench.results import record, table
from bench.stack import Worker, bench_settings, environment, free_port, running_stack
from klyngepakke import bootstrap
from klyngepakke.bootstrap import web_server
from klyngepakke.demo.order import run_demo
from schemas.order.status import OrderStatus

GOAL_P99_MS = 1000
_BUCKET = re.compile(
    r"^temporal_workflow_task_schedule_to_start_latency_bucket\{(?P<labels>[^}]*)\} (?P<n>\S+)$"
)
_LE = re.compile(r'le="([^"]+)"')


def quantile_ms(metrics: str, q: float) -> tuple[float, int]:
    """The upper bound (ms) of the histogram bucket holding quantile ``q`` of every workflow
    task's schedule-to-start latency, and the number of tasks; a Prometheus histogram gives
    buckets, so the figure is "at most"."""
    cumulative: Counter[float] = Counter()
    for line in metrics.splitlines():
        match = _BUCKET.match(line)
        if match is None:
            continue
        le = _LE.search(match["labels"])
        assert le is not None
        cumulative[float(le[1])] += int(float(match["n"]))
    bounds = sorted(cumulative)
    if not bounds:
        return float("nan"), 0
    total = cumulative[bounds[-1]]
    for bound in bounds:
        if cumulative[bound] >= q * total:
            return bound, total
    return bounds[-1], total


async def scrape(port: int) -> str:
    """A worker's SDK metrics, as Prometheus would read them."""
    async with httpx.AsyncClient() as http:
        return (await http.get(f"http://127.0.0.1:{port}/metrics")).text


def task_waits(metrics: str) -> list[tuple[str, object]]:
    """The workflow tasks and their schedule-to-start p50 and p99, against the goal."""
    p50, tasks = quantile_ms(metrics, 0.50)
    p99, _ = quantile_ms(metrics, 0.99)
    verdict = "met" if p99 < GOAL_P99_MS else "not met"
    return [
        ("workflow tasks", tasks),
        ("workflow task schedule-to-start p50", f"≤ {p50:g} ms"),
        (
            "workflow task schedule-to-start p99",
            f"≤ {p99:g} ms (goal < {GOAL_P99_MS} ms: {verdict})",
        ),
    ]


def missed(final: OrderStatus) -> int:
    """The deadlines the order itself found missed (its StepOverdue events, in its planned
    time; a step's due and done times are on different clocks in compressed time)."""
    return sum(1 for e in final.events if e.type == "StepOverdue")


async def burst(
    orders: int, seconds_per_day: float, var: Path, look_every: float | None = None
) -> list[tuple[str, object]]:
    settings = bench_settings(var, task_queue="burst")
    bootstrap.payload_keys(settings)
    metrics_port = free_port()
    env = {**environment(settings), "KLYNGEPAKKE_METRICS_PORT": str(metrics_port)}
    async with running_stack(settings, web_server(settings)) as stack:
        worker = Worker(settings, env)
        try:
            worker.start()
            await worker.ready()
            client_orders = bootstrap.klyngepakke_client(settings, stack.client)
            # No six-digit run in a label: the logs mask those as provider numbers.
            stamp = f"{datetime.now(UTC):%H-%M-%S}"
            labels = [f"burst-{n:03d}-{stamp}" for n in range(orders)]
            began = asyncio.get_running_loop().time()
            outcomes = await asyncio.gather(
                *(
                    run_demo(
                        client_orders,
                        settings,
                        seconds_per_day,
                        lambda _: None,
                        label,
                        look_every or seconds_per_day / 2,
                    )
                    for label in labels
                ),
                return_exceptions=True,
            )
            seconds = asyncio.get_running_loop().time() - began
            metrics = await scrape(metrics_port)
            finals = [o for o in outcomes if isinstance(o, OrderStatus)]
            for outcome in outcomes:
                if not isinstance(outcome, OrderStatus):
                    print(f"the demo stopped: {outcome!r}", file=sys.stderr)
            for final in finals:
                if final.follow_up_meeting:  # it outlives its order by months
                    with contextlib.suppress(Exception):
                        handle = stack.client.get_workflow_handle(final.follow_up_meeting)
                        await handle.terminate("benchmark over")
        finally:
            worker.stop()
    completed = sum(1 for f in finals if f.status == "completed")
    return [
        ("orders started in the same second", orders),
        ("completed", f"{completed} of {orders}"),
        ("all done after", f"{seconds:.0f} s"),
        *task_waits(metrics),
        ("deadlines missed in planned time (StepOverdue events)", _late(finals)),
    ]


# A demo order's counted work (bench.cost: activities / timers / updates) and its own
# duration in planned days, for the floor burst.
DEMO_WORK = Counter({"activities": 26, "timers": 21, "updates": 10})
DEMO_DAYS = 86


async def floor_burst(orders: int, seconds_per_day: float, var: Path) -> list[tuple[str, object]]:
    settings = bench_settings(var, task_queue="burst-floor")
    metrics_port = free_port()
    async with running_stack(settings, render_workers=0) as stack:
        worker = floor_worker_for(settings, settings.task_queue)
        worker.env["KLYNGEPAKKE_METRICS_PORT"] = str(metrics_port)
        try:
            worker.start()
            await worker.ready()
            like = Run(orders, 0.0, DEMO_WORK, DEMO_DAYS * seconds_per_day)
            done = await floor_run(stack.client, settings.task_queue, like, spread=True)
            metrics = await scrape(metrics_port)
        finally:
            worker.stop()
    return [
        ("floor workflows started in the same second", orders),
        (
            "each: activities / timers / updates (a demo order's)",
            f"{DEMO_WORK['activities']} / {DEMO_WORK['timers']} / {DEMO_WORK['updates']}",
        ),
        ("all done after", f"{done.seconds:.0f} s"),
        *task_waits(metrics),
    ]


def _late(finals: list[OrderStatus]) -> str:
    late = [missed(f) for f in finals]
    return f"{sum(late)} in {sum(1 for n in late if n)} of {len(finals)} orders"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", default="10,30,100", help="comma-separated sizes")
    parser.add_argument("--seconds-per-day", type=float, default=1.0)
    parser.add_argument(
        "--look-every",
        type=float,
        default=None,
        help="seconds between a person's looks at the order (default: half a planned day)",
    )
    parser.add_argument("--floor", action="store_true", help="Temporal's floor, not the project")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args(argv)
    for size in (int(n) for n in args.orders.split(",")):
        with tempfile.TemporaryDirectory(prefix="burst-") as folder:
            var = Path(folder) / "var"
            if args.floor:
                rows = asyncio.run(floor_burst(size, args.seconds_per_day, var))
            else:
                rows = asyncio.run(burst(size, args.seconds_per_day, var, args.look_every))
        heading = (
            "burst of Temporal's floor, one floor worker"
            if args.floor
            else "burst, one workflow worker + one render worker"
        )
        text = table([heading, "value"], rows)
        print(text, flush=True)
        if args.record:
            command = f".venv/bin/python -m bench.burst --orders {size}"
            command += " --floor" if args.floor else ""
            command += f" --look-every {args.look_every:g}" if args.look_every else ""
            record("burst floor" if args.floor else "burst", command, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
