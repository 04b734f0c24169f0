"""An order as Temporal's visibility lists it: search attributes only, no personal data (the
staff workbench's lists and `order list`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class OrderSummary(BaseModel):
    """An order as Temporal's visibility lists it (search attributes: no personal data)."""

    id: str
    status: str
    cluster: str | None
    current_step: str | None
    meeting: datetime | None
    overdue: bool | None
    region: str | None = None
    municipality: str | None = None
    next_due: datetime | None = None
    overdue_steps: list[str] = []
    overdue_agreements: int = 0
    attention: bool = False
    kind: Literal["order", "course", "cluster"] = "order"
    assignees: list[str] = Field(
        default_factory=list, description="Who at KiAP has its tasks: staff ids, no names"
    )
