"""The artifact store: rendered documents and people's uploads, per order, by content address.

Storing the same bytes again returns the existing reference, so a retried render activity
neither duplicates files nor bumps the version; new bytes get the next version beside the old.
A reference names its bytes by their SHA-256 (``ArtifactRef.address``), never by where they
lie, so any machine reading the same store reads the same document: folders under ``var/`` on
one machine (``FolderArtifactStore``), PostgreSQL where several share it
(``storage/postgres_store.py``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from schemas.shared.artifacts import ArtifactRef

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


def safe_order_id(order_id: str) -> str:
    if not _SAFE.match(order_id):
        raise ValueError("order id is not a safe folder name")
    return order_id


class Manifest(Protocol):
    """One order's documents while they are changed (a lock or a transaction held)."""

    def refs(self) -> list[ArtifactRef]: ...

    def add(self, ref: ArtifactRef, data: bytes) -> None: ...

    def remove(self, ref: ArtifactRef) -> None: ...


class ArtifactStore(ABC):
    """What every store does alike (versions, de-duplication, checking the bytes read); a
    backend supplies the four primitives."""

    @abstractmethod
    def _refs(self, order_id: str) -> list[ArtifactRef]:
        """The order's documents in the order they were stored."""

    @abstractmethod
    def _editing(self, order_id: str) -> AbstractContextManager[Manifest]:
        """The order's manifest, for one change at a time."""

    @abstractmethod
    def _bytes(self, ref: ArtifactRef) -> bytes:
        """The stored bytes of ``ref`` (unchecked)."""

    def converted(self, order_id: str, kind: str, source_sha256: str) -> ArtifactRef | None:
        """The document of ``kind`` already converted from this source, if any."""
        for existing in self._refs(order_id):
            if existing.kind == kind and existing.source_sha256 == source_sha256:
                return existing
        return None

    def put(
        self,
        order_id: str,
        kind: str,
        filename: str,
        media_type: str,
        data: bytes,
        source_sha256: str | None = None,
    ) -> ArtifactRef:
        digest = hashlib.sha256(data).hexdigest()
        with self._editing(safe_order_id(order_id)) as manifest:
            same_kind = [a for a in manifest.refs() if a.kind == kind]
            for existing in same_kind:
                if existing.sha256 == digest:
                    return existing
            version = 1 + max((a.version for a in same_kind), default=0)
            stem, dot, ext = filename.rpartition(".")
            name = filename if version == 1 else f"{stem}-v{version}{dot}{ext}"
            ref = ArtifactRef(
                name=name,
                kind=kind,
                sha256=digest,
                size=len(data),
                version=version,
                media_type=media_type,
                source_sha256=source_sha256,
            )
            manifest.add(ref, data)
            return ref

    def holds(self, order_id: str, kind: str, data: bytes) -> bool:
        digest = hashlib.sha256(data).hexdigest()
        refs = self._refs(safe_order_id(order_id))
        return any(a.kind == kind and a.sha256 == digest for a in refs)

    def discard(self, order_id: str, ref: ArtifactRef) -> None:
        """Remove a stored document (an upload the order refused)."""
        with self._editing(safe_order_id(order_id)) as manifest:
            manifest.remove(ref)

    def named(self, order_id: str, name: str) -> tuple[ArtifactRef, bytes] | None:
        """A stored document by its file name, with its bytes; None for a name not stored."""
        for ref in self._refs(safe_order_id(order_id)):
            if ref.name == name:
                return ref, self.read(ref)
        return None

    def latest(self, order_id: str, kind: str) -> tuple[ArtifactRef, bytes] | None:
        """The newest stored document of ``kind``, with its bytes; None where none is."""
        refs = [ref for ref in self._refs(safe_order_id(order_id)) if ref.kind == kind]
        if not refs:
            return None
        newest = max(refs, key=lambda ref: ref.version)
        return newest, self.read(newest)

    def read(self, ref: ArtifactRef) -> bytes:
        data = self._bytes(ref)
        if hashlib.sha256(data).hexdigest() != ref.sha256:
            raise ValueError(f"artifact {ref.name} changed in the store since it was stored")
        return data


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


class _FolderManifest:
    def __init__(self, store: FolderArtifactStore, order_id: str) -> None:
        self.store = store
        self.folder = store.root / order_id
        self.entries = store._refs(order_id)

    def refs(self) -> list[ArtifactRef]:
        return self.entries

    def add(self, ref: ArtifactRef, data: bytes) -> None:
        path = self.folder / ref.name
        _write_atomic(path, data)
        # The same bytes under their content address: a hard link, not a second copy.
        blob = self.store.blob(ref.sha256)
        if not blob.exists():
            blob.parent.mkdir(parents=True, exist_ok=True)
            # Another process may have stored the same bytes in the meantime.
            with contextlib.suppress(FileExistsError):
                os.link(path, blob)
        self.entries.append(ref)
        self._save()

    def remove(self, ref: ArtifactRef) -> None:
        self.entries = [a for a in self.entries if a.name != ref.name]
        self._save()
        (self.folder / ref.name).unlink(missing_ok=True)
        blob = self.store.blob(ref.sha256)
        # The blob is a hard link to the first order's file: a later order with the same bytes
        # has a file of its own, so the link count alone cannot tell that it still needs them.
        still_used = blob.exists() and (
            blob.stat().st_nlink > 1 or self.store.referenced(ref.sha256)
        )
        if not still_used:
            blob.unlink(missing_ok=True)

    def _save(self) -> None:
        payload = json.dumps([a.model_dump(mode="json") for a in self.entries], indent=2)
        _write_atomic(self.folder / "manifest.json", payload.encode("utf-8"))


class FolderArtifactStore(ArtifactStore):
    """One machine's store: ``<root>/<order>/<name>`` (what a person browsing ``var/`` finds)
    with a manifest, and every file also under ``<root>/.by-sha256/`` by its digest."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def blob(self, sha256: str) -> Path:
        return self.root / ".by-sha256" / sha256

    def _refs(self, order_id: str) -> list[ArtifactRef]:
        path = self.root / order_id / "manifest.json"
        if not path.is_file():
            return []
        return [ArtifactRef.model_validate(item) for item in json.loads(path.read_text("utf-8"))]

    @contextmanager
    def _editing(self, order_id: str) -> Iterator[Manifest]:
        yield _FolderManifest(self, order_id)

    def referenced(self, sha256: str) -> bool:
        """Whether any order's manifest still lists these bytes (one machine's folder: a scan
        of its manifests, only when a document is removed)."""
        for manifest in self.root.glob("*/manifest.json"):
            items = json.loads(manifest.read_text("utf-8"))
            if any(item.get("sha256") == sha256 for item in items):
                return True
        return False

    def _bytes(self, ref: ArtifactRef) -> bytes:
        blob = self.blob(ref.sha256)
        if blob.is_file():
            return blob.read_bytes()
        if ref.path:  # stored before references were content addresses
            return Path(ref.path).read_bytes()
        raise FileNotFoundError(f"artifact {ref.name} is not in this store")
