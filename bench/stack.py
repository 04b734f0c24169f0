"""The pieces of a real stack a benchmark or chaos run starts on its own ports: the Temporal
dev server on a SQLite file, worker processes that can be killed, the settings they share."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from temporalio.client import Client

from client.search_attribute_setup import register_search_attributes
from klyngepakke import bootstrap
from klyngepakke.config import Settings
from klyngepakke.dev.smtp_sink import SmtpSink
from klyngepakke.dev.stack import start_dev_server, wait_for_server
from schemas.shared.errors import WorkflowDied

CLI = str(Path(sys.executable).with_name("klyngepakke"))


class DevServer:
    """Temporal's dev server on its SQLite file, restartable in the middle of the run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.process = start_dev_server(settings)

    async def restart(self) -> None:
        self.stop()
        self.process = start_dev_server(self.settings)
        await wait_for_server(self.settings, seconds=90)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Worker:
    """The worker as its own process, so it can be killed like a crashed machine."""

    def __init__(
        self,
        settings: Settings,
        env: dict[str, str],
        name: str = "worker",
        command: list[str] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.env = env
        self.command = command or [CLI, "worker"]
        self.cwd = cwd  # another checkout of the code (a deploy test's old release)
        self.log_path = settings.var_dir / f"{name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("ab")
        self.process: subprocess.Popen[bytes] | None = None
        self._started_at = 0

    def start(self) -> None:
        self.log.flush()
        self._started_at = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=self.log, stderr=subprocess.STDOUT, cwd=self.cwd
        )

    async def ready(self, timeout: float = 180) -> float:
        """Until this start of the worker has connected and begun polling (its
        ``worker_started`` line): a loaded machine takes seconds to import and connect, and a
        kill before that tests nothing but the import. Returns the seconds it waited."""
        assert self.process is not None
        loop = asyncio.get_running_loop()
        began = loop.time()
        deadline = began + timeout
        while True:
            with self.log_path.open("rb") as log:
                log.seek(self._started_at)
                if b"worker_started" in log.read():
                    return loop.time() - began
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"the worker exited ({code}); see {self.log_path}")
            if loop.time() > deadline:
                raise RuntimeError(f"the worker did not start within {timeout:g} s")
            await asyncio.sleep(0.1)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.log.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_settings(var: Path, task_queue: str = "bench") -> Settings:
    web = free_port()
    return Settings(
        var_dir=var,
        temporal_address=f"127.0.0.1:{free_port()}",
        ui_port=free_port(),
        smtp_port=free_port(),
        web_port=web,
        codec_port=free_port(),
        public_base_url=f"http://localhost:{web}",
        task_queue=task_queue,
        log_format="json",
        # The simulated members all come from one address and answer at machine speed.
        web_limit_per_address="100000/minute",
        # The simulated coordinators order on the form, on compressed time.
        dev_time_scale=True,
        # A stack on this machine's plain http://localhost, as klyngepakke dev runs it.
        dev_stack=True,
        _env_file=None,
    )


def environment(settings: Settings) -> dict[str, str]:
    values = {
        "KLYNGEPAKKE_VAR_DIR": str(settings.var_dir),
        "KLYNGEPAKKE_TEMPORAL_ADDRESS": settings.temporal_address,
        "KLYNGEPAKKE_SMTP_PORT": str(settings.smtp_port),
        "KLYNGEPAKKE_WEB_PORT": str(settings.web_port),
        "KLYNGEPAKKE_PUBLIC_BASE_URL": settings.public_base_url,
        "KLYNGEPAKKE_TASK_QUEUE": settings.task_queue,
        "KLYNGEPAKKE_LOG_FORMAT": "json",
        "KLYNGEPAKKE_DEV_STACK": "true" if settings.dev_stack else "false",
    }
    # What machines that share no disk must be given rather than find under var/.
    shared = {
        "KLYNGEPAKKE_DATABASE_URL": settings.database_url,
        "KLYNGEPAKKE_SURVEY_SECRET": settings.survey_secret,
        "KLYNGEPAKKE_PAYLOAD_KEYS": settings.payload_keys,
    }
    values |= {name: value for name, value in shared.items() if value}
    return {**os.environ, **values}


@dataclass
class Stack:
    server: DevServer
    client: Client
    renders: list[Worker]


@contextlib.asynccontextmanager
async def running_stack(
    settings: Settings,
    web: uvicorn.Server | None = None,
    render_workers: int = 1,
    render_settings: Settings | None = None,
) -> AsyncIterator[Stack]:
    """The dev server with the search attributes registered, the SMTP sink, ``render_workers``
    render worker processes (on ``render_settings``: a machine of their own) and, when given,
    the web app; taken down in reverse. Workflow workers are the caller's: started, killed and
    stopped inside the block, so they are gone before the server is."""
    server = DevServer(settings)
    sink = SmtpSink(settings.mail_dir, port=settings.smtp_port)
    serving: asyncio.Task[None] | None = None
    render_settings = render_settings or settings
    env = environment(render_settings)
    renders = [
        Worker(render_settings, env, f"render-worker-{n}", [CLI, "render-worker"])
        for n in range(render_workers)
    ]
    try:
        client = await wait_for_server(settings, seconds=90)
        await register_search_attributes(client)
        sink.start()
        for render in renders:
            render.start()
        for render in renders:
            await render.ready()
        if web is not None:
            serving = asyncio.create_task(web.serve())
            for _ in range(600):  # the people start at the pages: have them up first
                if web.started or serving.done():
                    break
                await asyncio.sleep(0.05)
        yield Stack(server, client, renders)
    finally:
        for render in renders:
            render.stop()
        if web is not None:
            web.should_exit = True
            if serving is not None:
                await serving
        with contextlib.suppress(Exception):  # never started when the server did not come up
            sink.stop()
        server.stop()


async def failed_workflows(client: Client, settings: Settings) -> list[WorkflowDied]:
    """Every workflow of the run that ended failed or timed out, with its decoded failure
    (terminations are left out: a repair terminates the run it replaces)."""
    orders = bootstrap.klyngepakke_client(settings, client)
    found: list[WorkflowDied] = []
    query = "ExecutionStatus = 'Failed' OR ExecutionStatus = 'TimedOut'"
    async for execution in client.list_workflows(query):
        try:
            await orders.raise_if_died(execution.id)
        except WorkflowDied as died:
            found.append(died)
    return found
