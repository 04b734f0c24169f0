"""Which Message-IDs have been handed to the SMTP server: the guard against double mail."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path


class SentLedger:
    """A tiny SQLite table shared by every worker process on one host (WAL, short writes)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS sent (message_id TEXT PRIMARY KEY, sent_at TEXT)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def was_sent(self, message_id: str) -> bool:
        with self._connect() as db:
            row = db.execute("SELECT 1 FROM sent WHERE message_id = ?", (message_id,)).fetchone()
        return row is not None

    def mark_sent(self, message_id: str) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO sent (message_id, sent_at) VALUES (?, ?)",
                (message_id, datetime.now(UTC).isoformat()),
            )
