"""Worker memory: the resident memory of one worker process with N open orders in its
workflow cache (each started, confirmed and waiting for the consultant's call), against the
same worker idle.

    .venv/bin/python -m bench.memory [--orders 300] [--record]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.results import record, table
from bench.stack import Worker, bench_settings, environment, running_stack
from klyngepakke import bootstrap
from klyngepakke.config import PROJECT_ROOT
from klyngepakke.order_file import load_order
from schemas.shared.business_days import add_business_days, at_workday_start
from schemas.shared.copenhagen import COPENHAGEN

GOAL_MB = 400


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


async def measure(orders: int, var: Path) -> tuple[float, float, int]:
    settings = bench_settings(var, task_queue="memory")
    bootstrap.payload_keys(settings)
    async with running_stack(settings) as stack:
        client = stack.client
        worker = Worker(settings, environment(settings))
        try:
            worker.start()
            assert worker.process is not None
            await asyncio.sleep(8)  # imported and polling
            idle = rss_mb(worker.process.pid)
            now = datetime.now(UTC).astimezone(COPENHAGEN)
            example = load_order(PROJECT_ROOT / "examples" / "order.yaml")
            meeting = example.meeting.model_copy(update={"start": now + timedelta(weeks=10)})
            order = example.model_copy(
                # The call on a business day (the planner refuses a weekend or a holiday).
                update={
                    "meeting": meeting,
                    "call_at": at_workday_start(add_business_days(now.date(), 2)),
                }
            )
            client_orders = bootstrap.klyngepakke_client(settings, client)
            batch = 25
            for first in range(0, orders, batch):
                await asyncio.gather(
                    *(
                        client_orders.orders.start(order, order_id=f"memory-{n:04d}")
                        for n in range(first, min(first + batch, orders))
                    )
                )
            # Each order mails its confirmation and the consultant's task, then waits.
            expected = 2 * orders
            for _ in range(600):
                if len(list(settings.mail_dir.glob("*.eml"))) >= expected:
                    break
                await asyncio.sleep(1)
            await asyncio.sleep(5)
            cached = rss_mb(worker.process.pid)
            mails = len(list(settings.mail_dir.glob("*.eml")))
            return idle, cached, mails
        finally:
            worker.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="memory-") as folder:
        idle, cached, mails = asyncio.run(measure(args.orders, Path(folder) / "var"))
    rows = [
        ("worker idle", f"{idle:.0f} MB"),
        (f"worker with {args.orders} open orders cached ({mails} mails sent)", f"{cached:.0f} MB"),
        ("per open order", f"{(cached - idle) / args.orders * 1024:.0f} KB"),
        (f"goal ≤ {GOAL_MB} MB", "met" if cached <= GOAL_MB else "not met"),
    ]
    text = table(["worker memory (resident)", "value"], rows)
    print(text)
    if args.record:
        record("worker memory", f".venv/bin/python -m bench.memory --orders {args.orders}", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
