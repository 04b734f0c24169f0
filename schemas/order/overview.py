"""What the coordinator's page shows of an order: where it stands, what comes next and from
whom. Pure: the web app renders it, tests check it without Temporal."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from schemas.order.request import OrderRequest
from schemas.order.status import OrderStatus
from schemas.order.timeline import Timeline
from schemas.package.process import PartnerTexts, partner_definite
from schemas.package.program import ProgramChanges


class OrderOverview(BaseModel):
    """The order's own answer to the coordinator's page (the ``overview`` query)."""

    status: OrderStatus
    order: OrderRequest
    package_title: str
    timeline: Timeline | None
    premeeting_at: datetime | None
    program_changes: ProgramChanges | None
    cancel_reason: str | None
    now: datetime = Field(description="The order's clock now (the client sets it)")
    cluster_id: str | None = Field(default=None, description="The cluster it was placed from")
    partner: PartnerTexts | None = Field(
        default=None, description="How the package names its partner; None: it has none"
    )

    @property
    def partner_definite(self) -> str:
        return partner_definite(self.partner)
