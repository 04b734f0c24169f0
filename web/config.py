"""What the web app is built from, apart from its backend: the link signer, the stores it
reads and writes, the catalog, the request limits and its own public address."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from catalog import Catalog
from schemas.links import LinkSigner
from storage.artifact_store import ArtifactStore
from storage.stores import artifact_store
from web.rate_limit import RateLimits
from web.staff_auth import StaffConfig


@dataclass(frozen=True)
class WebConfig:
    signer: LinkSigner
    limits: RateLimits = field(default_factory=RateLimits)
    artifact_dir: Path | None = None
    upload_dir: Path | None = None
    # The stores in PostgreSQL rather than the folders above (several machines).
    database_url: str | None = None
    catalog: Catalog = field(default_factory=Catalog)
    public_base_url: str = "http://localhost:8000"
    # Development only: the order form offers compressed time for demos (klyngepakke dev).
    dev_time_scale: bool = False
    staff: StaffConfig = field(default_factory=StaffConfig)

    @property
    def artifacts(self) -> ArtifactStore | None:
        if self.artifact_dir is None:
            return None
        return artifact_store("artifacts", self.artifact_dir, self.database_url)

    @property
    def uploads(self) -> ArtifactStore | None:
        if self.upload_dir is None:
            return None
        return artifact_store("uploads", self.upload_dir, self.database_url)
