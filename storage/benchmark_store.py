"""The benchmark store: each order's aggregates (schemas/benchmark/figures.py) beside the
outbox – PostgreSQL where the stack has it, a SQLite file under ``var/`` in the embedded one.

One row per order and round, replaced by a later import or extract and removed with a
cancelled order; a cluster whose coordinator said its figures must not count is kept in
``benchmark_opt_outs``, and no row of it is written or read while it is there. A deck's
comparison is one indexed read (package, round, meeting date); the national page reads a
package's rows, about 114 clusters × 2–4 orders a year.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from schemas.benchmark.figures import BenchmarkKey, OrderFigures
from storage.benchmark_schema import BENCHMARK_SCHEMA
from storage.postgres import Database

_PUT = (
    "INSERT INTO benchmark_figures (order_id, round, cluster, package_id, region, meeting_on,"
    " demo, figures, written_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?"
    " WHERE NOT EXISTS (SELECT 1 FROM benchmark_opt_outs WHERE cluster = ?)"
    " ON CONFLICT (order_id, round) DO UPDATE SET cluster = excluded.cluster,"
    " package_id = excluded.package_id, region = excluded.region,"
    " meeting_on = excluded.meeting_on, demo = excluded.demo, figures = excluded.figures,"
    " written_at = excluded.written_at"
)
_READ = (
    "SELECT figures FROM benchmark_figures WHERE package_id = ? AND round = ?"
    " AND meeting_on >= ? AND cluster <> ?"
    " AND NOT EXISTS (SELECT 1 FROM benchmark_opt_outs o"
    " WHERE o.cluster = benchmark_figures.cluster)"
    " ORDER BY meeting_on, order_id"
)
_ALL = (
    "SELECT figures FROM benchmark_figures WHERE package_id = ?"
    " AND NOT EXISTS (SELECT 1 FROM benchmark_opt_outs o"
    " WHERE o.cluster = benchmark_figures.cluster)"
    " ORDER BY meeting_on, order_id"
)


class BenchmarkStore(ABC):
    @abstractmethod
    def _run(self, statements: Sequence[tuple[str, tuple[Any, ...]]]) -> int:
        """Run the statements in one transaction; the rows the last one changed."""

    @abstractmethod
    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]: ...

    def put(self, figures: OrderFigures) -> bool:
        """Write (or replace) the order's row; False, and nothing written, for a cluster that
        opted out."""
        key = figures.key
        changed = self._run(
            [
                (
                    _PUT,
                    (
                        key.order_id,
                        key.round,
                        key.cluster,
                        key.package_id,
                        key.region.value,
                        key.meeting_on.isoformat(),
                        figures.demo,
                        figures.model_dump_json(),
                        datetime.now(UTC).isoformat(),
                        key.cluster,
                    ),
                )
            ]
        )
        return changed > 0

    def withdraw(self, order_id: str, round_: int | None = None) -> None:
        """The order's rows go (a cancelled order; a round that ended without answers)."""
        if round_ is None:
            self._run([("DELETE FROM benchmark_figures WHERE order_id = ?", (order_id,))])
        else:
            self._run(
                [
                    (
                        "DELETE FROM benchmark_figures WHERE order_id = ? AND round = ?",
                        (order_id, round_),
                    )
                ]
            )

    def opt_out(self, key: BenchmarkKey) -> None:
        """The cluster's figures must not count: every row of it goes, and none is written."""
        self._run(
            [
                (
                    "INSERT INTO benchmark_opt_outs (cluster, order_id, since) VALUES (?, ?, ?)"
                    " ON CONFLICT (cluster) DO NOTHING",
                    (key.cluster, key.order_id, datetime.now(UTC).isoformat()),
                ),
                ("DELETE FROM benchmark_figures WHERE cluster = ?", (key.cluster,)),
            ]
        )

    def opt_in(self, key: BenchmarkKey) -> None:
        self._run([("DELETE FROM benchmark_opt_outs WHERE cluster = ?", (key.cluster,))])

    def opted_out(self, cluster: str) -> bool:
        return bool(self._rows("SELECT 1 FROM benchmark_opt_outs WHERE cluster = ?", (cluster,)))

    def others(self, package_id: str, round_: int, since: date, cluster: str) -> list[OrderFigures]:
        """The other clusters' rows of the package and round with a meeting since ``since``."""
        rows = self._rows(_READ, (package_id, round_, since.isoformat(), cluster))
        return [OrderFigures.model_validate_json(r[0]) for r in rows]

    def of_package(self, package_id: str) -> list[OrderFigures]:
        return [OrderFigures.model_validate_json(r[0]) for r in self._rows(_ALL, (package_id,))]

    def of_order(self, order_id: str) -> list[OrderFigures]:
        rows = self._rows(
            "SELECT figures FROM benchmark_figures WHERE order_id = ? ORDER BY round",
            (order_id,),
        )
        return [OrderFigures.model_validate_json(r[0]) for r in rows]

    def packages(self) -> list[str]:
        rows = self._rows("SELECT DISTINCT package_id FROM benchmark_figures ORDER BY 1", ())
        return [str(r[0]) for r in rows]


class SqliteBenchmarkStore(BenchmarkStore):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(BENCHMARK_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30, isolation_level=None)

    def _run(self, statements: Sequence[tuple[str, tuple[Any, ...]]]) -> int:
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            changed = 0
            for sql, params in statements:
                changed = db.execute(sql, params).rowcount
            db.execute("COMMIT")
            return changed
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        db = self._connect()
        try:
            return [tuple(r) for r in db.execute(sql, params).fetchall()]
        finally:
            db.close()


class PostgresBenchmarkStore(BenchmarkStore):
    def __init__(self, database: Database) -> None:
        self.database = database

    def _run(self, statements: Sequence[tuple[str, tuple[Any, ...]]]) -> int:
        with self.database.pool.connection() as db, db.transaction():
            changed = 0
            for sql, params in statements:
                changed = db.execute(sql.replace("?", "%s"), params).rowcount
            return changed

    def _rows(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self.database.pool.connection() as db:
            return [tuple(r) for r in db.execute(sql.replace("?", "%s"), params).fetchall()]
