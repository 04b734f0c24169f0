"""What is promised about duplicates (activities/mail_delivery.py), shown: a worker killed
after the SMTP server took a message and before the outbox recorded it sends that message once
more – with the same Message-ID – and no other mail twice."""

from __future__ import annotations

import os
import signal
import uuid
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from bench.stack import Worker, bench_settings, environment, running_stack
from klyngepakke import bootstrap
from tests import factories
from tests.conftest import TEST_PAYLOAD_KEYS, free_port
from tests.eventually import eventually

pytestmark = pytest.mark.slow


class KillsTheWorkerAfterData:
    """Takes every message; the first order confirmation it takes, it kills the worker that
    sent it before answering 250: the worker never learns the server has it."""

    def __init__(self) -> None:
        self.taken: list[EmailMessage] = []
        self.worker_pid: int | None = None
        self.killed = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.taken.append(message)
        if message["X-Klyngepakke-Mail"] == "order_confirmation" and not self.killed:
            assert self.worker_pid is not None
            self.killed = True
            os.kill(self.worker_pid, signal.SIGKILL)
        return "250 Message accepted for delivery"

    def of(self, kind: str) -> list[EmailMessage]:
        return [m for m in self.taken if m["X-Klyngepakke-Mail"] == kind]


async def test_a_worker_killed_between_the_servers_250_and_the_ledger_sends_it_once_more(
    tmp_path,
):
    server = KillsTheWorkerAfterData()
    smtp = Controller(server, hostname="127.0.0.1", port=free_port())
    smtp.start()
    settings = bench_settings(tmp_path / "var", task_queue="window").model_copy(
        update={"payload_keys": TEST_PAYLOAD_KEYS}
    )
    # The workers mail this server, not the stack's sink.
    mailing = settings.model_copy(update={"smtp_port": smtp.port})
    try:
        async with running_stack(settings) as stack:
            first = Worker(mailing, environment(mailing), "first")
            second = Worker(mailing, environment(mailing), "second")
            try:
                first.start()
                await first.ready()
                assert first.process is not None
                server.worker_pid = first.process.pid
                client = bootstrap.klyngepakke_client(settings, stack.client)
                order = factories.make_order(datetime.now(UTC))
                await client.orders.start(order, order_id=f"window-{uuid.uuid4()}")

                async def killed() -> bool:
                    return (
                        server.killed
                        and first.process is not None
                        and (first.process.poll() is not None)
                    )

                await eventually("the first worker killed after DATA", killed, timeout=60)
                second.start()
                await second.ready()

                async def task_sent() -> bool:
                    return len(server.of("consultant_task")) == 1

                # The heartbeat times out (20 s), the dead attempt's claim lapses (45 s), the
                # retry sends the confirmation again, and the order goes on.
                await eventually("the order past its confirmation", task_sent, timeout=240)
            finally:
                first.stop()
                second.stop()
    finally:
        smtp.stop()
    copies = server.of("order_confirmation")
    # At most one more copy, and it is the same message: a receiving server may drop it.
    assert len(copies) == 2
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"]
    assert len(server.of("consultant_task")) == 1
