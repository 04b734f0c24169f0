"""The project's own PostgreSQL database (``KLYNGEPAKKE_DATABASE_URL``), beside Temporal's: what
several machines share. Documents and uploads by content address, the mail outbox, the staff
and the benchmark figures.

One connection pool per process and URL; the tables are created on first use, under an
advisory lock, because two workers starting at once would otherwise race on ``CREATE TABLE``.
"""

from __future__ import annotations

import threading

from psycopg_pool import ConnectionPool

from storage.benchmark_schema import BENCHMARK_SCHEMA

SCHEMA = """
CREATE TABLE IF NOT EXISTS blobs (
    sha256 text PRIMARY KEY,
    data bytea NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    store text NOT NULL,
    order_id text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    sha256 text NOT NULL REFERENCES blobs,
    ref jsonb NOT NULL,
    position bigserial,
    PRIMARY KEY (store, order_id, name)
);
CREATE TABLE IF NOT EXISTS outbox (
    message_id text PRIMARY KEY,
    claimed_by text,
    claimed_at timestamptz,
    sent_at timestamptz
);
CREATE TABLE IF NOT EXISTS staff (
    id text PRIMARY KEY,
    name text NOT NULL,
    email text,
    roles text,
    last_seen timestamptz NOT NULL,
    away_from date,
    away_to date
);
CREATE TABLE IF NOT EXISTS outbox_deferred (
    message_id text NOT NULL,
    recipient text NOT NULL,
    PRIMARY KEY (message_id, recipient)
);
"""
# The benchmark store's tables (storage/benchmark_store.py) are made with the rest.
_MIGRATION_LOCK = 7_302_205  # any constant: the advisory lock that serialises the schema


class Database:
    def __init__(self, url: str) -> None:
        self.pool = ConnectionPool(
            url, min_size=1, max_size=4, kwargs={"autocommit": True}, open=True
        )
        with self.pool.connection() as db, db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            db.execute(SCHEMA)
            db.execute(BENCHMARK_SCHEMA)

    def close(self) -> None:
        self.pool.close()


_open: dict[str, Database] = {}
_opening = threading.Lock()


def database(url: str) -> Database:
    """This process's pool for ``url``, opened (and the schema made) on first use."""
    with _opening:
        if url not in _open:
            _open[url] = Database(url)
        return _open[url]


def close_databases() -> None:
    with _opening:
        for db in _open.values():
            db.close()
        _open.clear()
