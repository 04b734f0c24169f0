"""Mozilla's calendar parser (npm ical.js, package.json) as a second reader of the .ics files
icalendar writes: what Thunderbird would take from each invitation."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
READER = Path(__file__).with_name("ical_read.mjs")
ICAL_JS = ROOT / "node_modules" / "ical.js"


def missing() -> str | None:
    if shutil.which("node") is None:
        return "node is missing: `make system-deps`"
    if not ICAL_JS.is_dir():
        return "node_modules/ical.js is missing: `make node-deps`"
    return None


def calendar_files(message: EmailMessage) -> list[bytes]:
    return [
        part.get_payload(decode=True)
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]


def read_with_ical_js(files: list[bytes]) -> list[dict[str, Any]]:
    """Each file as ical.js reads it: its METHOD and its events (zone, start and end in UTC,
    UID, SEQUENCE, STATUS, DESCRIPTION, ORGANIZER, ATTENDEEs)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, data in enumerate(files):
            path = Path(folder) / f"{number}.ics"
            path.write_bytes(data)
            paths.append(str(path))
        done = subprocess.run(
            ["node", str(READER), *paths],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    read: list[dict[str, Any]] = json.loads(done.stdout)
    return read
