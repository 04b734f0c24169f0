"""A local, content-addressed artifact store: var/artifacts/<order>/<name> plus a manifest.

Storing the same bytes again returns the existing reference, so a retried render activity
neither duplicates files nor bumps the version; new bytes get the next version beside the old.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from schemas.artifacts import ArtifactRef

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


class ArtifactStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder(self, order_id: str) -> Path:
        if not _SAFE.match(order_id):
            raise ValueError("order id is not a safe folder name")
        return self.root / order_id

    def _manifest(self, order_id: str) -> list[ArtifactRef]:
        path = self._folder(order_id) / "manifest.json"
        if not path.is_file():
            return []
        return [ArtifactRef.model_validate(item) for item in json.loads(path.read_text("utf-8"))]

    def _write_atomic(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)

    def converted(self, order_id: str, kind: str, source_sha256: str) -> ArtifactRef | None:
        """The document of ``kind`` already converted from this source, if any."""
        for existing in self._manifest(order_id):
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
        manifest = self._manifest(order_id)
        same_kind = [a for a in manifest if a.kind == kind]
        for existing in same_kind:
            if existing.sha256 == digest:
                return existing
        version = 1 + max((a.version for a in same_kind), default=0)
        stem, dot, ext = filename.rpartition(".")
        name = filename if version == 1 else f"{stem}-v{version}{dot}{ext}"
        path = self._folder(order_id) / name
        self._write_atomic(path, data)
        ref = ArtifactRef(
            name=name,
            kind=kind,
            sha256=digest,
            size=len(data),
            version=version,
            media_type=media_type,
            path=str(path),
            source_sha256=source_sha256,
        )
        manifest.append(ref)
        payload = json.dumps([a.model_dump(mode="json") for a in manifest], indent=2)
        self._write_atomic(self._folder(order_id) / "manifest.json", payload.encode("utf-8"))
        return ref

    def holds(self, order_id: str, kind: str, data: bytes) -> bool:
        digest = hashlib.sha256(data).hexdigest()
        return any(a.kind == kind and a.sha256 == digest for a in self._manifest(order_id))

    def discard(self, order_id: str, ref: ArtifactRef) -> None:
        """Remove a stored file and its manifest entry (an upload the order refused)."""
        manifest = [a for a in self._manifest(order_id) if a.name != ref.name]
        payload = json.dumps([a.model_dump(mode="json") for a in manifest], indent=2)
        self._write_atomic(self._folder(order_id) / "manifest.json", payload.encode("utf-8"))
        (self._folder(order_id) / ref.name).unlink(missing_ok=True)

    def named(self, order_id: str, name: str) -> tuple[ArtifactRef, bytes] | None:
        """A stored document by its file name, with its bytes; None for a name not stored."""
        for ref in self._manifest(order_id):
            if ref.name == name:
                return ref, self.read(ref)
        return None

    def read(self, ref: ArtifactRef) -> bytes:
        data = Path(ref.path).read_bytes()
        if hashlib.sha256(data).hexdigest() != ref.sha256:
            raise ValueError(f"artifact {ref.name} changed on disk since it was stored")
        return data
