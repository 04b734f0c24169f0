"""The outbox: which Message-IDs are being sent and which the SMTP server accepted, the guard
against mail sent twice.

A message is *claimed* just before it is sent and *marked* sent on the server's 250. A claim
held by another attempt that is still within its lease (an attempt that outlived its timeout,
running beside its retry) stops this one; a claim older than the lease belongs to an attempt
that died, and is taken over. The one window left is a worker killed between the server's 250
and the mark: that message goes again, with the same Message-ID.

A message the server took for some of its recipients and asked to try later for others (a 4xx
per recipient: greylisting) is marked sent, and those recipients are *deferred*: the next
attempt sends the same message to them alone. A recipient is kept as a hash of the address,
never the address.

``SqliteOutbox`` for one machine (a file under ``var/``, WAL: not over a network file system),
``PostgresOutbox`` where several machines share the database.
"""

from __future__ import annotations

import hashlib
import sqlite3
from abc import ABC, abstractmethod
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from storage.postgres import Database


def recipient_key(email: str) -> str:
    """A deferred recipient as the outbox keeps it: no address in the project's store."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


# Longer than one message takes at worst (aiosmtplib's 30-second timeout per command).
LEASE = timedelta(seconds=45)


class Claim(StrEnum):
    SEND = "send"  # claimed by this attempt: send it now
    SENT = "sent"  # the server accepted it before: skip it
    BUSY = "busy"  # another live attempt is sending it: try again later


class Outbox(ABC):
    @abstractmethod
    def claim(self, message_id: str, holder: str) -> Claim: ...

    @abstractmethod
    def mark_sent(self, message_id: str) -> None: ...

    @abstractmethod
    def release(self, message_id: str, holder: str) -> None:
        """The server answered with a refusal: not sent, and free for the next attempt."""

    @abstractmethod
    def defer(self, message_id: str, emails: list[str]) -> None:
        """The server asked to try these recipients of a sent message later."""

    @abstractmethod
    def deferred(self, message_id: str) -> set[str]:
        """The recipients of ``message_id`` still to try (as ``recipient_key``)."""

    @abstractmethod
    def delivered(self, message_id: str, emails: list[str]) -> None:
        """These deferred recipients took the message at last."""

    def was_sent(self, message_id: str) -> bool:
        """Asked before connecting at all: nothing to send when every message went."""
        return self.claim(message_id, "") is Claim.SENT


class SqliteOutbox(Outbox):
    """A small SQLite table shared by the worker processes of one host (WAL, short writes)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS outbox (message_id TEXT PRIMARY KEY,"
                " claimed_by TEXT, claimed_at TEXT, sent_at TEXT)"
            )
            db.execute(
                "CREATE TABLE IF NOT EXISTS outbox_deferred (message_id TEXT NOT NULL,"
                " recipient TEXT NOT NULL, PRIMARY KEY (message_id, recipient))"
            )
            # The ledger before claims had a table of sent messages only.
            old = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sent'").fetchone()
            if old:
                db.execute(
                    "INSERT OR IGNORE INTO outbox (message_id, sent_at)"
                    " SELECT message_id, sent_at FROM sent"
                )
                db.execute("DROP TABLE sent")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None)

    def claim(self, message_id: str, holder: str) -> Claim:
        now = datetime.now(UTC)
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT claimed_by, claimed_at, sent_at FROM outbox WHERE message_id = ?",
                (message_id,),
            ).fetchone()
            if row is not None and row[2] is not None:
                db.execute("COMMIT")
                return Claim.SENT
            if not holder:
                db.execute("COMMIT")
                return Claim.BUSY if row is not None else Claim.SEND
            held = row is not None and row[0] != holder and row[1] is not None
            if held and datetime.fromisoformat(row[1]) > now - LEASE:
                db.execute("COMMIT")
                return Claim.BUSY
            db.execute(
                "INSERT OR REPLACE INTO outbox (message_id, claimed_by, claimed_at, sent_at)"
                " VALUES (?, ?, ?, NULL)",
                (message_id, holder, now.isoformat()),
            )
            db.execute("COMMIT")
            return Claim.SEND
        finally:
            db.close()

    def mark_sent(self, message_id: str) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO outbox (message_id, sent_at) VALUES (?, ?)"
                " ON CONFLICT (message_id) DO UPDATE SET sent_at = excluded.sent_at",
                (message_id, datetime.now(UTC).isoformat()),
            )

    def release(self, message_id: str, holder: str) -> None:
        with self._connect() as db:
            db.execute(
                "DELETE FROM outbox WHERE message_id = ? AND claimed_by = ? AND sent_at IS NULL",
                (message_id, holder),
            )

    def defer(self, message_id: str, emails: list[str]) -> None:
        with self._connect() as db:
            db.executemany(
                "INSERT OR IGNORE INTO outbox_deferred (message_id, recipient) VALUES (?, ?)",
                [(message_id, recipient_key(e)) for e in emails],
            )

    def deferred(self, message_id: str) -> set[str]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT recipient FROM outbox_deferred WHERE message_id = ?", (message_id,)
            ).fetchall()
        return {row[0] for row in rows}

    def delivered(self, message_id: str, emails: list[str]) -> None:
        with self._connect() as db:
            db.executemany(
                "DELETE FROM outbox_deferred WHERE message_id = ? AND recipient = ?",
                [(message_id, recipient_key(e)) for e in emails],
            )


class PostgresOutbox(Outbox):
    def __init__(self, database: Database) -> None:
        self.database = database

    def claim(self, message_id: str, holder: str) -> Claim:
        with self.database.pool.connection() as db:
            if holder:
                # One statement: a new claim, or taking over one that is ours or has expired.
                taken = db.execute(
                    "INSERT INTO outbox (message_id, claimed_by, claimed_at)"
                    " VALUES (%s, %s, now())"
                    " ON CONFLICT (message_id) DO UPDATE"
                    " SET claimed_by = excluded.claimed_by, claimed_at = now()"
                    " WHERE outbox.sent_at IS NULL AND (outbox.claimed_by = excluded.claimed_by"
                    " OR outbox.claimed_at IS NULL OR outbox.claimed_at < now() - %s)"
                    " RETURNING 1",
                    (message_id, holder, LEASE),
                ).fetchone()
                if taken is not None:
                    return Claim.SEND
            row = db.execute(
                "SELECT sent_at FROM outbox WHERE message_id = %s", (message_id,)
            ).fetchone()
        if row is None:
            return Claim.SEND
        return Claim.SENT if row[0] is not None else Claim.BUSY

    def mark_sent(self, message_id: str) -> None:
        with self.database.pool.connection() as db:
            db.execute(
                "INSERT INTO outbox (message_id, sent_at) VALUES (%s, now())"
                " ON CONFLICT (message_id) DO UPDATE SET sent_at = now()",
                (message_id,),
            )

    def release(self, message_id: str, holder: str) -> None:
        with self.database.pool.connection() as db:
            db.execute(
                "DELETE FROM outbox WHERE message_id = %s AND claimed_by = %s AND sent_at IS NULL",
                (message_id, holder),
            )

    def defer(self, message_id: str, emails: list[str]) -> None:
        with self.database.pool.connection() as db:
            for email in emails:
                db.execute(
                    "INSERT INTO outbox_deferred (message_id, recipient) VALUES (%s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (message_id, recipient_key(email)),
                )

    def deferred(self, message_id: str) -> set[str]:
        with self.database.pool.connection() as db:
            rows = db.execute(
                "SELECT recipient FROM outbox_deferred WHERE message_id = %s", (message_id,)
            ).fetchall()
        return {row[0] for row in rows}

    def delivered(self, message_id: str, emails: list[str]) -> None:
        with self.database.pool.connection() as db:
            for email in emails:
                db.execute(
                    "DELETE FROM outbox_deferred WHERE message_id = %s AND recipient = %s",
                    (message_id, recipient_key(email)),
                )
