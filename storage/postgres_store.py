"""Documents and uploads in PostgreSQL: the store several machines share."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import Connection

from schemas.shared.artifacts import ArtifactRef
from storage.artifact_store import ArtifactStore, Manifest
from storage.postgres import Database


class _Manifest:
    def __init__(self, db: Connection, store: str, order_id: str) -> None:
        self.db, self.store, self.order_id = db, store, order_id
        self.entries = _refs(db, store, order_id)

    def refs(self) -> list[ArtifactRef]:
        return self.entries

    def add(self, ref: ArtifactRef, data: bytes) -> None:
        self.db.execute(
            "INSERT INTO blobs (sha256, data) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (ref.sha256, data),
        )
        self.db.execute(
            "INSERT INTO documents (store, order_id, name, kind, sha256, ref)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (self.store, self.order_id, ref.name, ref.kind, ref.sha256, ref.model_dump_json()),
        )
        self.entries.append(ref)

    def remove(self, ref: ArtifactRef) -> None:
        self.db.execute(
            "DELETE FROM documents WHERE store = %s AND order_id = %s AND name = %s",
            (self.store, self.order_id, ref.name),
        )
        self.db.execute(
            "DELETE FROM blobs WHERE sha256 = %s"
            " AND NOT EXISTS (SELECT 1 FROM documents WHERE sha256 = %s)",
            (ref.sha256, ref.sha256),
        )
        self.entries = [a for a in self.entries if a.name != ref.name]


def _refs(db: Connection, store: str, order_id: str) -> list[ArtifactRef]:
    rows = db.execute(
        "SELECT ref FROM documents WHERE store = %s AND order_id = %s ORDER BY position",
        (store, order_id),
    ).fetchall()
    return [
        ArtifactRef.model_validate(r[0] if isinstance(r[0], dict) else json.loads(r[0]))
        for r in rows
    ]


class PostgresArtifactStore(ArtifactStore):
    """``store`` keeps rendered documents and uploads apart in the same tables; the bytes
    themselves are stored once per digest."""

    def __init__(self, database: Database, store: str) -> None:
        self.database = database
        self.store = store

    def _refs(self, order_id: str) -> list[ArtifactRef]:
        with self.database.pool.connection() as db:
            return _refs(db, self.store, order_id)

    @contextmanager
    def _editing(self, order_id: str) -> Iterator[Manifest]:
        # One change per order at a time, across every machine: two renders of the same order
        # would otherwise both take the next version number.
        with self.database.pool.connection() as db, db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{self.store}/{order_id}",))
            yield _Manifest(db, self.store, order_id)

    def _bytes(self, ref: ArtifactRef) -> bytes:
        with self.database.pool.connection() as db:
            row = db.execute("SELECT data FROM blobs WHERE sha256 = %s", (ref.sha256,)).fetchone()
        if row is None:
            raise FileNotFoundError(f"artifact {ref.name} is not in this store")
        return bytes(row[0])
