"""SMTP servers whose answers a test writes: a recipient refused for good (550), one deferred
for ever (451), a login refused (535) – and every message taken kept, as the sink keeps it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.conftest import free_port

# A recipient's answer at RCPT: None takes them.
Answer = Callable[[str], str | None]


class ScriptedServer:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.asked: list[str] = []  # every RCPT, in order
        self.taken: list[EmailMessage] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        self.asked.append(address)
        refusal = self.answer(address)
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.taken.append(message)
        return "250 Message accepted for delivery"

    def mails(self, kind: str) -> list[EmailMessage]:
        return [m for m in self.taken if m["X-Klyngepakke-Mail"] == kind]


def _refuse_every_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    assert isinstance(data, LoginPassword)
    return AuthResult(success=False, handled=False)


@contextmanager
def scripted(
    answer: Answer = lambda _: None, refuse_login: bool = False
) -> Iterator[tuple[ScriptedServer, int]]:
    """The server on a free port; with ``refuse_login`` it asks for a login and refuses it."""
    server = ScriptedServer(answer)
    options: dict[str, Any] = {}
    if refuse_login:
        options = {
            "authenticator": _refuse_every_login,
            "auth_required": True,
            "auth_require_tls": False,
        }
    controller = Controller(server, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield server, controller.port
    finally:
        controller.stop()
