"""What a cluster's workflow is started with, and its id from the cluster's name and region."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime

from pydantic import BaseModel, Field

from schemas.cluster.state import ClusterState
from schemas.order.request import Cluster
from schemas.shared.people import Member, Person


def cluster_id(cluster: Cluster) -> str:
    """From the cluster's name and region, no personal data: ``klynge-<slug>-<hash>``."""
    slug = re.sub(r"[^a-z0-9]+", "-", cluster.name.lower().translate(_DANISH)).strip("-")
    digest = hashlib.sha256(f"{cluster.region}|{cluster.name}".encode()).hexdigest()[:8]
    return f"klynge-{slug[:40]}-{digest}"


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


class ClusterInput(BaseModel):
    cluster: Cluster
    coordinator: Person
    co_coordinators: list[Person] = Field(
        default_factory=list, description="Koordinatorer ved siden af hovedkoordinatoren"
    )
    members: list[Member] = Field(min_length=1)
    seconds_per_day: float | None = Field(default=None, gt=0, description="Compressed time")
    accepted_at: datetime | None = Field(default=None, description="When the client accepted it")
    carried: ClusterState | None = Field(
        default=None, description="The state a year's run hands to the next (continue-as-new)"
    )
