"""What a cluster's coordinator and KiAP ask of the cluster's workflow: each Update's payload."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from schemas.cluster.year import (
    Duty,
)
from schemas.shared.people import Member, Person


class MembersReplace(BaseModel):
    """The member list as it stands now (uploaded or edited)."""

    members: list[Member] = Field(min_length=1)


class DutyConfirm(BaseModel):
    """The member list checked (for the coming 1 January) or the grant received (this year)."""

    duty: Literal[Duty.MEMBER_LIST, Duty.GRANT]
    year: int = Field(ge=2020, le=2100)
    received: bool = Field(default=True, description="For the grant: whether it has come")


class PayoutRecord(BaseModel):
    paid_on: date
    purpose: str = Field(min_length=2, max_length=200, description="Fx honorar til kasserer")


class PayoutReported(BaseModel):
    payout: int = Field(ge=1, description="The payout's number")


class AssemblySet(BaseModel):
    on: date


class CoordinatorChange(BaseModel):
    """A new coordinator: both get the handover checklist until both have confirmed."""

    new: Person


class HandoverConfirm(BaseModel):
    side: Literal["outgoing", "incoming"] = Field(description="Who has done their part")


class MeetingNote(BaseModel):
    """A cluster meeting planned (an order of the cluster's, or a meeting of its own)."""

    on: date
    order_id: str | None = Field(default=None, max_length=200)
