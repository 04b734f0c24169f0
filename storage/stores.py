"""Which store backs what: PostgreSQL when a database URL is set (several machines), else
folders and a SQLite file under ``var/`` (one machine, the embedded default)."""

from __future__ import annotations

from pathlib import Path

from storage.artifact_store import ArtifactStore, FolderArtifactStore
from storage.benchmark_store import BenchmarkStore, PostgresBenchmarkStore, SqliteBenchmarkStore
from storage.outbox import Outbox, PostgresOutbox, SqliteOutbox
from storage.postgres import database
from storage.postgres_store import PostgresArtifactStore
from storage.staff_directory import PostgresStaffDirectory, SqliteStaffDirectory, StaffDirectory


def artifact_store(name: str, folder: Path, database_url: str | None) -> ArtifactStore:
    """The store called ``name`` (artifacts: rendered documents; uploads: people's files)."""
    if database_url:
        return PostgresArtifactStore(database(database_url), name)
    return FolderArtifactStore(folder)


def outbox(var_dir: Path, database_url: str | None) -> Outbox:
    if database_url:
        return PostgresOutbox(database(database_url))
    return SqliteOutbox(var_dir / "sent-mail.sqlite")


def staff_directory(var_dir: Path, database_url: str | None) -> StaffDirectory:
    """KiAP's staff who have logged in, and when they are away."""
    if database_url:
        return PostgresStaffDirectory(database(database_url))
    return SqliteStaffDirectory(var_dir / "staff.sqlite")


def benchmark_store(var_dir: Path, database_url: str | None) -> BenchmarkStore:
    """Every order's aggregates for the national figures (never a name or a practice)."""
    if database_url:
        return PostgresBenchmarkStore(database(database_url))
    return SqliteBenchmarkStore(var_dir / "benchmark.sqlite")
