"""The demo people's inbox: the SMTP sink's folder, each .eml file read once.

The demo's people look at their mail twice a planned day; a benchmark runs a hundred of them in
one process against thousands of files. Parsing the whole folder on every look took 43 % of
the burst driver's CPU (py-spy, 100 orders), starving the worker it measures; this index reads
a new file's headers once and a message once, the first time someone opens it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

_PARSER = BytesParser(policy=policy.default)
RACY = 1_000_000_000  # ns: well above the coarsest mtime tick of a Linux file system
FRESH = 50_000_000  # ns: a listing this recent serves every look


class Mailbox:
    """The sink's files by (order, kind), in arrival order (the sink numbers them)."""

    def __init__(self, folder: Path, clock: Callable[[], int] = time.time_ns) -> None:
        self.folder = folder
        self._clock = clock
        self._stamp: int | None = None
        self._listed = 0
        self._files: dict[str, tuple[str, str]] = {}
        self._parsed: dict[str, EmailMessage] = {}

    def messages(self, order_id: str | None, kind: str | None) -> list[EmailMessage]:
        """The messages of ``order_id`` (None: every order) of ``kind`` (None: every kind)."""
        self._refresh()
        names = sorted(
            name
            for name, (order, mail_kind) in self._files.items()
            if (order_id is None or order == order_id) and (kind is None or mail_kind == kind)
        )
        return [self._message(name) for name in names]

    def _refresh(self) -> None:
        # A new file (the sink renames it in) changes the folder's mtime: a stat per look, a
        # listing only when something arrived. The mtime ticks coarsely, so a file renamed in
        # within the tick of the last listing leaves it unchanged: a folder changed less than
        # RACY ago is listed again (at most every FRESH, however many people look).
        now = self._clock()
        if now - self._listed < FRESH:
            return
        try:
            stamp = self.folder.stat().st_mtime_ns
        except FileNotFoundError:
            self._stamp, self._files, self._parsed = None, {}, {}
            return
        if stamp == self._stamp and self._listed - stamp > RACY:
            return
        self._stamp, self._listed = stamp, now
        present = {e.name for e in os.scandir(self.folder) if e.name.endswith(".eml")}
        if not present >= self._files.keys():  # the sink started afresh on the same folder
            self._files, self._parsed = {}, {}
        for name in present - self._files.keys():
            with (self.folder / name).open("rb") as handle:
                headers = _PARSER.parse(handle, headersonly=True)
            # A long id is folded onto the next line; the header's value is the id itself.
            order = str(headers.get("X-Klyngepakke-Order", "")).strip()
            self._files[name] = (order, name.removesuffix(".eml").split("-", 1)[-1])

    def _message(self, name: str) -> EmailMessage:
        message = self._parsed.get(name)
        if message is None:
            message = _PARSER.parsebytes((self.folder / name).read_bytes())
            assert isinstance(message, EmailMessage)
            self._parsed[name] = message
        return message


_MAILBOXES: dict[Path, Mailbox] = {}


def mailbox(folder: Path) -> Mailbox:
    """The one index of ``folder`` in this process."""
    folder = Path(folder).resolve()
    if folder not in _MAILBOXES:
        _MAILBOXES[folder] = Mailbox(folder)
    return _MAILBOXES[folder]
