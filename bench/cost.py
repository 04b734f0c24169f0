"""Cost: CPU seconds per order in the worker processes (read from /proc), over the CPU seconds
per workflow of Temporal's floor doing the same counted work (bench/floor.py: each order's
activities, timers and updates with nothing inside). Renders run on the render worker and are
left out of the ratio; their CPU (the render worker and its LibreOffice) is reported beside it.
Each figure is the CPU used between the worker having started and its work being done, so
importing and connecting are not counted.

    .venv/bin/python -m bench.cost [--orders 10] [--seconds-per-day 1] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
from pathlib import Path

from bench.cpu import cpu_seconds
from bench.lifecycle import floor_run, floor_worker_for, project_run
from bench.results import record, table
from bench.stack import Worker, bench_settings, environment, running_stack
from klyngepakke import bootstrap
from klyngepakke.bootstrap import web_server


def _cpu(worker: Worker) -> float:
    assert worker.process is not None
    return cpu_seconds(worker.process.pid)


def _own_cpu() -> float:
    """This process: the simulated people and the web app they use (the outside world)."""
    times = os.times()
    return times.user + times.system


async def measure(orders: int, seconds_per_day: float, var: Path) -> list[tuple[str, object]]:
    settings = bench_settings(var, task_queue="cost")
    bootstrap.payload_keys(settings)
    async with running_stack(settings, web_server(settings)) as stack:
        client = stack.client
        (render,) = stack.renders
        worker = Worker(settings, environment(settings))
        floor_queue = "cost-floor"
        floor_worker = floor_worker_for(settings, floor_queue)
        try:
            worker.start()
            await worker.ready()
            server = stack.server.process.pid
            worker_from, render_from = _cpu(worker), _cpu(render)
            server_from, people_from = cpu_seconds(server), _own_cpu()
            project, follow_ups = await project_run(client, settings, orders, seconds_per_day)
            worker_cpu, render_cpu = _cpu(worker) - worker_from, _cpu(render) - render_from
            server_cpu = cpu_seconds(server) - server_from
            people_cpu = _own_cpu() - people_from
            for workflow_id in follow_ups:  # they outlive their orders by months
                with contextlib.suppress(Exception):
                    await client.get_workflow_handle(workflow_id).terminate("benchmark over")
            worker.stop()
            floor_worker.start()
            await floor_worker.ready()
            floor_from, floor_server_from = _cpu(floor_worker), cpu_seconds(server)
            await floor_run(client, floor_queue, project)
            floor_cpu = _cpu(floor_worker) - floor_from
            floor_server = cpu_seconds(server) - floor_server_from
        finally:
            worker.stop()
            floor_worker.stop()
    work = project.per_order
    per_order, floor_per = worker_cpu / orders, floor_cpu / orders
    return [
        ("orders (each through every stage, its people on the pages)", orders),
        (
            "counted work per order: activities / timers / updates",
            f"{work['activities']} / {work['timers']} / {work['updates']}",
        ),
        ("klyngepakke worker: CPU seconds per order (renders excluded)", f"{per_order:.2f} s"),
        ("floor worker: CPU seconds per workflow, the same counted work", f"{floor_per:.2f} s"),
        ("ratio (klyngepakke ÷ floor)", f"{per_order / floor_per:.1f}"),
        ("render worker + LibreOffice: CPU seconds per order", f"{render_cpu / orders:.2f} s"),
        # Beside the worker, on the same 2 cores in the burst: what the rest of a run costs.
        ("Temporal dev server: CPU seconds per order", f"{server_cpu / orders:.2f} s"),
        ("Temporal dev server: CPU seconds per floor workflow", f"{floor_server / orders:.2f} s"),
        (
            "the simulated people + web app (this process): CPU seconds per order",
            f"{people_cpu / orders:.2f} s",
        ),
        (
            "all of it per order (worker + render + server + people)",
            f"{(worker_cpu + render_cpu + server_cpu + people_cpu) / orders:.2f} s",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10)
    parser.add_argument("--seconds-per-day", type=float, default=1.0)
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cost-") as folder:
        rows = asyncio.run(measure(args.orders, args.seconds_per_day, Path(folder) / "var"))
    text = table(["cost", "value"], rows)
    print(text)
    if args.record:
        command = f".venv/bin/python -m bench.cost --orders {args.orders}"
        record("cost", command, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
