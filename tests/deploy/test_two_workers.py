"""Scaling is more workers on one task queue, on as many machines: two worker processes that
share nothing but Temporal and PostgreSQL (a var/ folder each, as on two machines, and the
render worker on a third), one killed while orders run, the other finishes them: every mail
once, every document readable from any machine. Also: the worker's Prometheus metrics and log
lines that name their workflow."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from temporalio.service import RPCError

from bench.stack import Worker, bench_settings, environment, running_stack
from client.facade import KlyngepakkeClient
from klyngepakke import bootstrap
from klyngepakke.bootstrap import web_server
from klyngepakke.config import Settings
from klyngepakke.demo.order import demo_order_id, run_demo
from klyngepakke.dev.smtp_sink import SmtpSink
from schemas.shared.errors import UnknownOrder
from tests.conftest import TEST_PAYLOAD_KEYS, free_port
from tests.eventually import eventually

pytestmark = pytest.mark.slow


async def all_past_material(orders: KlyngepakkeClient, ids: list[str]) -> bool:
    try:
        statuses = [await orders.orders.status(order_id) for order_id in ids]
    except (RPCError, UnknownOrder):
        return False  # not started yet
    return all(any(e.type == "MaterialSent" for e in s.events) for s in statuses)


async def metrics_served(port: int) -> bool:
    try:
        async with httpx.AsyncClient() as http:
            exposed = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    except httpx.TransportError:
        return False
    return "temporal_workflow_task" in exposed or "temporal_activity" in exposed


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (the render worker's unoserver)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def log_lines(path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def machine(settings: Settings, var: Path) -> Settings:
    return settings.model_copy(update={"var_dir": var})


async def test_a_second_machine_finishes_what_a_killed_one_started(tmp_path, database_url):
    settings = bench_settings(tmp_path / "web").model_copy(
        update={
            "database_url": database_url,
            "survey_secret": secrets.token_urlsafe(32),
            "payload_keys": TEST_PAYLOAD_KEYS,
        }
    )
    machines = [machine(settings, tmp_path / name) for name in ("machine-1", "machine-2")]
    renderer = machine(settings, tmp_path / "render-machine")
    metrics = free_port()
    server = web_server(settings)
    async with running_stack(settings, server, render_settings=renderer) as stack:
        first = Worker(
            machines[0],
            {**environment(machines[0]), "KLYNGEPAKKE_METRICS_PORT": str(metrics)},
            "first",
        )
        second = Worker(machines[1], environment(machines[1]), "second")
        try:
            first.start()
            second.start()
            orders = bootstrap.klyngepakke_client(settings, stack.client)
            labels = [f"two-workers-{n}-{datetime.now(UTC):%H-%M-%S}" for n in range(3)]
            ids = [demo_order_id(label) for label in labels]
            demos = [
                asyncio.create_task(run_demo(orders, settings, 0.5, lambda _: None, label))
                for label in labels
            ]
            # Kill the first worker once it has done real work on every order (each has sent
            # its material mail) and its metrics show it: mid-order, whatever the machine's pace.
            await eventually(
                "the material mail of every order", lambda: all_past_material(orders, ids)
            )
            await eventually("the first worker's metrics", lambda: metrics_served(metrics))
            first.kill()
            killed_at = datetime.now(UTC)
            finals = await asyncio.wait_for(asyncio.gather(*demos), timeout=400)
            (render,) = stack.renders
            assert render.process is not None
            offices = children(render.process.pid)
        finally:
            first.stop()
            second.stop()
    # The render worker made the handouts' PDFs with its own LibreOffice, and stopping it
    # (SIGTERM, as a deploy does) left none of it running.
    assert offices
    assert [pid for pid in offices if Path(f"/proc/{pid}").exists() and not zombie(pid)] == []

    assert [f.status for f in finals] == ["completed"] * 3
    # Every mail arrived, though a machine died mid-order: each at most twice, as
    # activities/mail_delivery.py promises – a second copy only where the kill fell between the
    # server's 250 and the outbox's record (the one worker killed once: its sends in flight),
    # with the same Message-ID, by which a mail program drops it.
    ids_sent = [m["Message-ID"] for m in SmtpSink(settings.mail_dir).messages()]
    copies = Counter(ids_sent)
    assert ids_sent and max(copies.values()) <= 2
    twice = [message for message, n in copies.items() if n == 2]
    assert len(twice) <= 3, twice
    # Every document the orders list is readable from the shared store, from any machine
    # (the first machine rendered none: renders are the render machine's), and no machine kept
    # documents, uploads or its outbox on its own disk.
    store = bootstrap.artifact_store(settings)
    for final in finals:
        assert {a.kind for a in final.artifacts} >= {"deck", "handouts", "practice_sheet"}
        for artifact in final.artifacts:
            assert len(store.read(artifact.ref())) == artifact.size
    for var in (*[m.var_dir for m in machines], renderer.var_dir, settings.var_dir):
        kept = {p.name for p in var.iterdir()} if var.exists() else set()
        assert not kept & {"artifacts", "uploads", "sent-mail.sqlite"}, var
    after_kill = [
        line
        for line in log_lines(second.log_path)
        if line.get("workflow_id") and datetime.fromisoformat(line["timestamp"]) > killed_at
    ]
    assert {line["event"] for line in after_kill} >= {"mail_sent"}
    # The log lines say which workflow and run they belong to.
    assert all(
        line["workflow_id"].split("--opf")[0].split("--spo")[0] in ids for line in after_kill
    )
    assert all(line["run_id"] and line["activity"] for line in after_kill)
