"""The cluster's domain events; its state is a fold over them (schemas/cluster/state.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.cluster.year import (
    ClusterYearRules,
    Duty,
)
from schemas.shared.assignment import TaskAssigned
from schemas.shared.people import Member, Person


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime


class MembersChanged(_Event):
    type: Literal["MembersChanged"] = "MembersChanged"
    version: int
    members: list[Member]
    joined: int
    left: int


class DutyConfirmed(_Event):
    type: Literal["DutyConfirmed"] = "DutyConfirmed"
    duty: Duty
    year: int
    received: bool = True


class PayoutRecorded(_Event):
    type: Literal["PayoutRecorded"] = "PayoutRecorded"
    number: int
    paid_on: date
    purpose: str


class PayoutMarkedReported(_Event):
    type: Literal["PayoutMarkedReported"] = "PayoutMarkedReported"
    number: int


class AssemblyScheduled(_Event):
    type: Literal["AssemblyScheduled"] = "AssemblyScheduled"
    on: date


class MeetingNoted(_Event):
    type: Literal["MeetingNoted"] = "MeetingNoted"
    on: date
    order_id: str | None = None


class CoordinatorChanged(_Event):
    type: Literal["CoordinatorChanged"] = "CoordinatorChanged"
    number: int
    outgoing: Person
    incoming: Person


class HandoverConfirmed(_Event):
    type: Literal["HandoverConfirmed"] = "HandoverConfirmed"
    number: int
    side: Literal["outgoing", "incoming"]


class ReminderSent(_Event):
    type: Literal["ReminderSent"] = "ReminderSent"
    key: str
    duty: Duty
    stands_for: list[str] = Field(
        default_factory=list, description="Earlier reminders of the same duty it replaces"
    )


class MailNotDelivered(_Event):
    """A mail to the coordinator that did not arrive (refused, deferred for a day, or a
    refused login): KiAP is shown it (search attribute Attention)."""

    type: Literal["MailNotDelivered"] = "MailNotDelivered"
    mail: str
    recipients: int
    code: int | None = None
    login_refused: bool = False


ClusterEvent = Annotated[
    MembersChanged
    | TaskAssigned
    | DutyConfirmed
    | PayoutRecorded
    | PayoutMarkedReported
    | AssemblyScheduled
    | MeetingNoted
    | CoordinatorChanged
    | HandoverConfirmed
    | ReminderSent
    | MailNotDelivered,
    Field(discriminator="type"),
]


class YearRulesLoaded(_Event):
    """The coordinator's year as the catalog has it, looked up when a run starts. Kept in the
    state for this run only: not one of the cluster's events, never carried to the next year
    (every run looks the rules up again)."""

    type: Literal["YearRulesLoaded"] = "YearRulesLoaded"
    rules: ClusterYearRules
