"""A local SMTP sink: every message lands as an .eml file, numbered in arrival order.

Duplicates are kept as separate files on purpose, so a test or the chaos run can count them.
"""

from __future__ import annotations

import itertools
import os
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _SaveToFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        existing = [
            int(p.name.split("-", 1)[0])
            for p in folder.glob("*.eml")
            if p.name.split("-", 1)[0].isdigit()
        ]
        self._numbers = itertools.count(max(existing, default=0) + 1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data: bytes = envelope.original_content or envelope.content
        message = message_from_bytes(data, policy=policy.default)
        kind = str(message.get("X-Klyngepakke-Mail", "mail"))
        with self._lock:
            number = next(self._numbers)
        # Written aside and renamed: a reader polling the folder (a test, the demo's people)
        # sees a whole message or none, never one cut off before its headers end.
        final = self.folder / f"{number:05d}-{kind}.eml"
        partial = final.with_suffix(".partial")
        # The folder again: a developer may have emptied var/ while the stack runs.
        self.folder.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, final)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, folder: Path, host: str = "127.0.0.1", port: int = 1025) -> None:
        self.folder = folder
        self.controller = Controller(_SaveToFolder(folder), hostname=host, port=port)

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(self.folder.glob("*.eml"))
        ]
