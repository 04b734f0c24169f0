"""What the web app is built from, apart from its backend: the link signer, the stores it
reads and writes, the catalog, the request limits, its own public address and the Temporal
UI's (the composition root, klyngepakke/bootstrap.py, builds them from the settings)."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog import Catalog
from schemas.shared.links import LinkSigner
from storage.artifact_store import ArtifactStore
from storage.benchmark_store import BenchmarkStore
from storage.staff_directory import StaffDirectory
from web.rate_limit import RateLimits
from web.staff_auth import StaffConfig


@dataclass(frozen=True)
class WebConfig:
    signer: LinkSigner
    limits: RateLimits = field(default_factory=RateLimits)
    # Rendered documents (the pages serve them) and people's uploads; None: the pages say
    # they cannot be had here.
    artifacts: ArtifactStore | None = None
    uploads: ArtifactStore | None = None
    # KiAP's staff who have logged in (a task is given to one of them), and their absences.
    staff_directory: StaffDirectory | None = None
    # Every order's aggregates for the national figures (/konsulent/landstal); None: the page
    # says the store is not set up.
    benchmarks: BenchmarkStore | None = None
    # The namespace's retention, as the privacy notice tells it (history_retention_days).
    history_retention_days: int = 90
    catalog: Catalog = field(default_factory=Catalog)
    public_base_url: str = "http://localhost:8000"
    # Development only: the order form offers compressed time for demos (klyngepakke dev).
    dev_time_scale: bool = False
    staff: StaffConfig = field(default_factory=StaffConfig)
    # Where KiAP's staff open a workflow in the Temporal UI (the workbench links to it).
    temporal_ui_url: str | None = None
    namespace: str = "default"

    def ui_link(self, workflow_id: str) -> str | None:
        if self.temporal_ui_url is None:
            return None
        base = self.temporal_ui_url.rstrip("/")
        return f"{base}/namespaces/{self.namespace}/workflows/{workflow_id}"
