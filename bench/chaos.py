"""Chaos run: many demo orders on compressed time while workflow workers are SIGKILLed at
random moments (and restarted), and once the Temporal dev server itself is restarted on its
SQLite file. By default two workflow workers and a render worker run as three machines: each
its own var/ folder, sharing only Temporal and a PostgreSQL of the run's own (documents,
uploads, the mail outbox). Afterwards every order must have completed, every mail must have
been delivered exactly once per Message-ID, and every survey answer the form confirmed must
be in its round.

    .venv/bin/python -m bench.chaos --orders 10 --kills 24 [--seed 7] [--workers 2] [--no-postgres]

Prints a summary table and appends it to bench/RESULTS.md (with --record).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import dataclasses
import random
import secrets
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus
from temporalio.common import HeaderCodecBehavior
from temporalio.service import RPCError
from temporalio.worker import Replayer

from bench.postgres import running_postgres
from bench.results import record
from bench.stack import Worker, bench_settings, environment, failed_workflows, running_stack
from client.payload_codec import PayloadKeys
from client.repair import repair
from client.sealed_calls import SealedCalls
from klyngepakke import bootstrap
from klyngepakke.bootstrap import web_server
from klyngepakke.demo.order import demo_order_id, run_demo
from schemas.shared.links import LinkSigner
from worker import WORKFLOWS
from workflows.sandbox import workflow_runner

ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass
class ChaosSummary:
    orders: int
    workflow_workers: int
    shared_state: str
    seconds_per_day: float
    worker_start_seconds: float
    completed: int
    failed_workflows: int
    kills_asked: int
    worker_kills: int
    server_restarts: int
    mails: int
    duplicate_mails: int
    confirmed_answers: int
    lost_answers: int
    replay_failures: int
    update_reorders: int
    repairs: int
    seconds: float

    @property
    def passed(self) -> bool:
        return (
            self.completed == self.orders
            and self.failed_workflows == 0
            and self.duplicate_mails == 0
            and self.lost_answers == 0
            and self.replay_failures == 0
            and self.worker_kills == self.kills_asked
            and self.server_restarts >= 1
        )

    def table(self) -> str:
        rows = [(f.name.replace("_", " "), getattr(self, f.name)) for f in dataclasses.fields(self)]
        rows = [(n, f"{v:.4g}" if isinstance(v, float) else v) for n, v in rows]
        lines = ["| measure | value |", "|---|---|"] + [f"| {n} | {v} |" for n, v in rows]
        return "\n".join(lines)


class ConfirmedAnswers:
    """ASGI middleware counting what the form confirmed (a 200 on POST /s/<token>), per round:
    the run's own record of answers a member was told were saved."""

    def __init__(self, app: Any, signer: LinkSigner) -> None:
        self.app = app
        self.signer = signer
        self.by_round: dict[str, set[int]] = {}

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") != "POST" or not path.startswith("/s/"):
            await self.app(scope, receive, send)
            return
        identity = self.signer.verify(path.removeprefix("/s/"))

        async def watch(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200 and identity:
                round_id, member, _ = identity
                self.by_round.setdefault(round_id, set()).add(member)
            await send(message)

        await self.app(scope, receive, watch)

    def orders(self) -> set[str]:
        """The orders with an answer confirmed in one of their rounds."""
        return {round_id.rsplit("--", 1)[0] for round_id in self.by_round}


# The planned days from the orders' start to their meeting (the demo's meeting lies just over
# 8 weeks ahead): the stretch the kills are spread over, before and through every stage that
# waits for people. The agreements' weeks after the meeting are the run's margin.
KILL_WINDOW_DAYS = 56
# Seconds between a restarted worker being at work and the next kill, at the least.
MIN_GAP = 1.0
# A restarted worker takes longer than the first start when the machine is busy with the
# orders' own work; the pace is made for this many first starts per kill.
START_MARGIN = 1.5


def fitting_pace(
    asked: float, kills: int, worker_start: float, say: Callable[[str], object] = print
) -> float:
    """Seconds per planned day at which ``kills`` kills, each followed by a worker start of
    ``worker_start`` seconds, and the server's restart fit in the orders' life before the
    meeting: ``asked``, or slower when that is too fast for this machine (said, and in the
    summary) – so ``--kills N`` gives N kills on a loaded machine too."""
    needed = (kills + 1) * (START_MARGIN * worker_start + MIN_GAP) / KILL_WINDOW_DAYS
    if needed <= asked:
        return asked
    pace = round(needed, 2)
    say(
        f"{kills} kills at {worker_start:.1f} s a worker start do not fit at {asked:g} s a "
        f"planned day; the run uses {pace:g} s"
    )
    return pace


def kill_slots(now: float, end: float, kills: int, rng: random.Random) -> list[float]:
    """When each kill should fall: the time from ``now`` to ``end`` cut into ``kills`` equal
    shares, a random moment in each (never the edges, where two kills would meet)."""
    share = max(end - now, 0.0) / max(kills, 1)
    return [now + share * (n + rng.uniform(0.1, 0.9)) for n in range(kills)]


async def _until(check: Callable[[], bool], timeout: float = 120) -> bool:
    """Until ``check`` holds or ``timeout`` seconds have passed; whether it held (a run that
    goes on without it fails on the summary, which says what did not happen)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.2)
    return True


def _teller(say: Callable[[str], object], order_id: str, verbose: bool) -> Callable[[str], None]:
    def tell(text: str) -> None:
        if verbose:
            say(f"{order_id}: {text}")

    return tell


def count_mails(folder: Path) -> tuple[int, int]:
    ids = Counter(
        BytesParser(policy=policy.default).parsebytes(p.read_bytes())["Message-ID"]
        for p in folder.glob("*.eml")
    )
    return sum(ids.values()), sum(n - 1 for n in ids.values())


async def run_chaos(
    orders: int,
    kills: int,
    seconds_per_day: float,
    var: Path,
    say: Callable[[str], object] = print,
    seed: int = 7,
    verbose: bool = False,
    workers: int = 1,
    database_url: str | None = None,
) -> ChaosSummary:
    """``workers`` workflow worker processes; with ``database_url`` each has a var/ folder of
    its own and shares only Temporal and PostgreSQL with the others, as on separate machines
    (the render worker has a third). Each kill hits one of them, drawn by ``seed``."""
    rng = random.Random(seed)
    settings = bench_settings(var, task_queue="chaos")
    if database_url is not None:
        settings = settings.model_copy(
            update={
                "database_url": database_url,
                "survey_secret": secrets.token_urlsafe(32),
                "payload_keys": _setting(PayloadKeys.generate()),
            }
        )
    bootstrap.payload_keys(settings)  # made once, before workers and web app read it
    machines = [
        settings.model_copy(update={"var_dir": var / f"machine-{n}"})
        if database_url is not None
        else settings
        for n in range(1, workers + 1)
    ]
    render_machine = (
        settings.model_copy(update={"var_dir": var / "render-machine"}) if database_url else None
    )
    began = asyncio.get_running_loop().time()
    web = web_server(settings)
    confirmed = ConfirmedAnswers(web.config.app, LinkSigner(bootstrap.link_secret(settings)))
    web.config.app = confirmed
    worker_kills = server_restarts = repaired = 0
    async with running_stack(settings, web, render_settings=render_machine) as stack:
        client = stack.client
        pool = [
            Worker(machine, environment(machine), f"worker-{n}")
            for n, machine in enumerate(machines, start=1)
        ]
        try:
            started = asyncio.get_running_loop().time()
            for worker in pool:
                worker.start()
            for worker in pool:
                await worker.ready()
            # What a kill costs on this machine, now: a worker's start (measured, all of the
            # pool at once as after a crash) and a pause before the next kill.
            worker_start = asyncio.get_running_loop().time() - started
            seconds_per_day = fitting_pace(seconds_per_day, kills, worker_start, say)
            client_orders = bootstrap.klyngepakke_client(settings, client)
            labels = [f"chaos-{n:03d}-{datetime.now(UTC):%H-%M-%S}" for n in range(orders)]
            ids = [demo_order_id(label) for label in labels]
            # A demo stops when its order dies (WorkflowDied); the budget is for a hung stack.
            budget = 150 * seconds_per_day + 300
            orders_began = asyncio.get_running_loop().time()
            demos = [
                asyncio.create_task(
                    asyncio.wait_for(
                        run_demo(
                            client_orders,
                            settings,
                            seconds_per_day,
                            _teller(say, label, verbose),
                            label,
                        ),
                        timeout=budget,
                    )
                )
                for label in labels
            ]
            restart_after = max(1, kills // 2)

            def over() -> bool:
                return all(d.done() for d in demos)

            # On compressed time a worker down for seconds is weeks of the order: kills from
            # the start close a round before anyone could answer, and a run in which nobody
            # answered proves nothing about lost answers. So the first kill waits until every
            # order has an answer confirmed. Not sooner either: answers piling up while the
            # worker is down, in the workflow task in which a reminder's timer fires, give a
            # history the SDK replays in another order (docs/trust.md, the chaos run).
            await _until(lambda: over() or set(ids) <= confirmed.orders(), timeout=180)
            # The kills follow the orders' clock: each falls at a random moment of its own
            # share of what is left of the orders' life before the meeting, so they are spread
            # over every stage and all of them fit (fitting_pace made the life long enough).
            loop = asyncio.get_running_loop()
            window_end = orders_began + KILL_WINDOW_DAYS * seconds_per_day
            slots = kill_slots(loop.time(), window_end, kills, rng)
            for slot in slots:
                if over():
                    break
                await asyncio.sleep(max(MIN_GAP, slot - loop.time()))
                repaired += await _repair_stopped(client, say)
                if over():
                    break
                worker = rng.choice(pool)
                worker.kill()
                worker_kills += 1
                if verbose:
                    day = (loop.time() - orders_began) / seconds_per_day
                    say(f"worker killed ({worker_kills}) on the orders' planned day {day:.0f}")
                if worker_kills == restart_after:
                    await stack.server.restart()
                    server_restarts += 1
                    say(f"server restarted after {worker_kills} worker kills")
                worker.start()
                # The next kill is timed from when this worker is at work again.
                await worker.ready()
            while not over():
                await asyncio.sleep(2.0)
                repaired += await _repair_stopped(client, say)
            finals = [d.result() for d in demos if d.exception() is None]
            for order_id, demo in zip(ids, demos, strict=True):
                if demo.exception() is not None:
                    say(f"{order_id}: the demo gave up: {demo.exception()!r}")
            closed = [await client.get_workflow_handle(i).describe() for i in ids]
            died = await failed_workflows(client, settings)
            for death in died:
                say(f"FAILED {death.workflow_id} ({death.status}): {death.failure}")
            replay_failures, update_reorders = await _replay_all(client, say)
            await _finish_follow_ups(client, [f.follow_up_meeting for f in finals])
            total, duplicates = count_mails(settings.mail_dir)
            lost = confirmed_total = 0
            for final in finals:
                rounds = {
                    r: m for r, m in confirmed.by_round.items() if r.startswith(final.id + "--")
                }
                told = sum(len(m) for r, m in rounds.items() if r.endswith("-1"))
                confirmed_total += told
                lost += max(0, told - (final.survey.answered if final.survey else 0))
            return ChaosSummary(
                orders=orders,
                workflow_workers=workers,
                shared_state="PostgreSQL" if database_url else "one var/ folder",
                seconds_per_day=seconds_per_day,
                worker_start_seconds=worker_start,
                kills_asked=kills,
                completed=sum(d.status == WorkflowExecutionStatus.COMPLETED for d in closed),
                failed_workflows=len(died),
                worker_kills=worker_kills,
                server_restarts=server_restarts,
                mails=total,
                duplicate_mails=duplicates,
                confirmed_answers=confirmed_total,
                lost_answers=lost,
                replay_failures=replay_failures,
                update_reorders=update_reorders,
                repairs=repaired,
                seconds=asyncio.get_running_loop().time() - began,
            )
        finally:
            for worker in pool:
                worker.stop()


def _setting(keys: PayloadKeys) -> str:
    """The keys as KLYNGEPAKKE_PAYLOAD_KEYS says them, for workers on other machines."""
    return ",".join(f"{k}:{base64.b64encode(v).decode()}" for k, v in keys.keys.items())


async def _replay_all(client: Any, say: Callable[[str], object]) -> tuple[int, int]:
    """Every history the run wrote replays against the code: a crash must never leave a
    history the workflow code cannot reproduce. Failing ones are kept under var/chaos/.

    Counted apart: the one case the SDK orders differently in a replay (docs/trust.md, the chaos
    run): an Update accepted in the workflow task after one that timed out unstarted, next to a
    timer's command. Workflow code cannot order it; a running workflow that stops on it is
    repaired."""
    replayer = Replayer(
        workflows=WORKFLOWS,
        data_converter=client.data_converter,
        workflow_runner=workflow_runner(),
        interceptors=[SealedCalls()],
        header_codec_behavior=HeaderCodecBehavior.CODEC,
    )
    failures = reorders = 0
    async for execution in client.list_workflows():
        if execution.status == WorkflowExecutionStatus.TERMINATED:
            continue  # a run replaced by a repair (client/repair.py), counted there
        handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
        history = await handle.fetch_history()
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        if result.replay_failure is None:
            continue
        kept = ROOT / "var" / "chaos" / f"{execution.id}.json"
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(history.to_json(), encoding="utf-8")
        if _update_reordered(history, str(result.replay_failure)):
            reorders += 1
            say(f"{execution.id}: an Update after a timed-out task, reordered by the SDK; {kept}")
        else:
            failures += 1
            say(f"{execution.id} does not replay ({result.replay_failure}); kept in {kept}")
    return failures, reorders


def _update_reordered(history: Any, failure: str) -> bool:
    """Whether a replay failed on an Update accepted after a workflow task that timed out."""
    if "Update machine does not handle this event" not in failure:
        return False
    timed_out = accepted_after = False
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
            timed_out = True
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            accepted_after = accepted_after or timed_out
    return accepted_after


async def _repair_stopped(client: Any, say: Callable[[str], object]) -> int:
    """What operations do when a workflow stops on a history it cannot replay after a worker
    crash (`klyngepakke order repair`): the run's own count of it."""
    count = 0
    with contextlib.suppress(RPCError):  # the server restarting: next round
        async for execution in client.list_workflows("ExecutionStatus = 'Running'"):
            repaired = await repair(client, execution.id)
            if repaired is not None:
                count += 1
                say(f"{execution.id} repaired: reset to event {repaired.reset_to}")
    return count


async def _finish_follow_ups(client: Any, ids: list[str | None]) -> None:
    """The follow-up meetings outlive their orders by months; the run ends them here."""
    for workflow_id in filter(None, ids):
        with contextlib.suppress(Exception):
            await client.get_workflow_handle(workflow_id).terminate("chaos run over")


def record_summary(summary: ChaosSummary, args: argparse.Namespace) -> None:
    command = (
        f".venv/bin/python -m bench.chaos --orders {args.orders} --kills {args.kills} "
        f"--seconds-per-day {args.seconds_per_day} --seed {args.seed} --workers {args.workers}"
        + ("" if args.postgres else " --no-postgres")
    )
    record("chaos", command, summary.table())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10)
    parser.add_argument("--kills", type=int, default=24)
    parser.add_argument("--seconds-per-day", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7, help="where the kills fall")
    parser.add_argument("--record", action="store_true", help="append to bench/RESULTS.md")
    parser.add_argument("--verbose", action="store_true", help="what the simulated people do")
    parser.add_argument("--workers", type=int, default=2, help="workflow worker processes")
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="share state through a PostgreSQL of the run's own, each worker a var/ of its own",
    )
    parser.add_argument(
        "--keep", type=Path, help="keep the run's var/ (mails, logs, database) here"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="chaos-") as folder, contextlib.ExitStack() as stack:
        database_url = None
        if args.postgres:
            database_url = stack.enter_context(running_postgres()).create_database("chaos")
        summary = asyncio.run(
            run_chaos(
                args.orders,
                args.kills,
                args.seconds_per_day,
                args.keep or Path(folder) / "var",
                seed=args.seed,
                verbose=args.verbose,
                workers=args.workers,
                database_url=database_url,
            )
        )
    print(summary.table())
    if args.record:
        record_summary(summary, args)
    return 0 if summary.passed else 1


if __name__ == "__main__":
    sys.exit(main())
