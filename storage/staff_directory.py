"""KiAP's staff as the workbench knows them: everyone who has logged in (their provider's id,
name, e-mail and roles, from the login), and when they are away. A colleague a task can be
given to is someone in here.

A table beside the outbox, not a workflow per staff user: nothing here waits or times out, the
web app writes it at each login and reads it on every task list, and a workflow per person
would put every list behind as many queries."""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from datetime import UTC, date, datetime
from pathlib import Path

from schemas.views.workbench import Colleague
from storage.postgres import Database


class StaffMember(Colleague):
    last_seen: datetime


class StaffDirectory(ABC):
    @abstractmethod
    def seen(self, member_id: str, name: str, email: str | None, roles: list[str]) -> None:
        """A login: the member as their provider says, now."""

    @abstractmethod
    def members(self) -> list[StaffMember]:
        """Everyone, by name."""

    @abstractmethod
    def set_away(self, member_id: str, start: date | None, end: date | None) -> None:
        """Away from ``start`` to ``end`` (both days included); None, None: not away."""

    def member(self, member_id: str) -> StaffMember | None:
        return next((m for m in self.members() if m.id == member_id), None)


_COLUMNS = "id, name, email, roles, last_seen, away_from, away_to"


def _member(row: tuple[object, ...]) -> StaffMember:
    member_id, name, email, roles, last_seen, away_from, away_to = row
    return StaffMember(
        id=str(member_id),
        name=str(name),
        email=str(email) if email else None,
        roles=[r for r in str(roles or "").split(",") if r],
        last_seen=last_seen,
        away_from=away_from,
        away_to=away_to,
    )


class SqliteStaffDirectory(StaffDirectory):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS staff (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
                " email TEXT, roles TEXT, last_seen TEXT NOT NULL, away_from TEXT, away_to TEXT)"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None)

    def seen(self, member_id: str, name: str, email: str | None, roles: list[str]) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO staff (id, name, email, roles, last_seen) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,"
                " roles = excluded.roles, last_seen = excluded.last_seen",
                (member_id, name, email, ",".join(roles), datetime.now(UTC).isoformat()),
            )

    def members(self) -> list[StaffMember]:
        with self._connect() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM staff ORDER BY name, id").fetchall()
        return [_member(tuple(row)) for row in rows]

    def set_away(self, member_id: str, start: date | None, end: date | None) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE staff SET away_from = ?, away_to = ? WHERE id = ?",
                (
                    start.isoformat() if start else None,
                    end.isoformat() if end else None,
                    member_id,
                ),
            )


class PostgresStaffDirectory(StaffDirectory):
    def __init__(self, database: Database) -> None:
        self.database = database

    def seen(self, member_id: str, name: str, email: str | None, roles: list[str]) -> None:
        with self.database.pool.connection() as db:
            db.execute(
                "INSERT INTO staff (id, name, email, roles, last_seen)"
                " VALUES (%s, %s, %s, %s, now())"
                " ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,"
                " roles = excluded.roles, last_seen = now()",
                (member_id, name, email, ",".join(roles)),
            )

    def members(self) -> list[StaffMember]:
        with self.database.pool.connection() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM staff ORDER BY name, id").fetchall()
        return [_member(tuple(row)) for row in rows]

    def set_away(self, member_id: str, start: date | None, end: date | None) -> None:
        with self.database.pool.connection() as db:
            db.execute(
                "UPDATE staff SET away_from = %s, away_to = %s WHERE id = %s",
                (start, end, member_id),
            )
