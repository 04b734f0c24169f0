"""The follow-up meeting's domain events; its state is a fold over them
(schemas/follow_up/state.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.benchmark.comparison import Comparison
from schemas.follow_up.meeting import FollowUpPlan
from schemas.order.agreements import AgreementView
from schemas.order.extract import AnonymisedExtract
from schemas.order.status import ExtractUploadView
from schemas.package.model import Package
from schemas.shared.artifacts import ArtifactRef
from schemas.survey.answers import SurveyResults
from schemas.survey.progress import RoundProgress


class _Event(BaseModel):
    at: datetime = Field(description="Order-clock time")


class Planned(_Event):
    type: Literal["Planned"] = "Planned"
    plan: FollowUpPlan


class InvitationSent(_Event):
    type: Literal["InvitationSent"] = "InvitationSent"


class SecondRoundStarted(_Event):
    type: Literal["SecondRoundStarted"] = "SecondRoundStarted"


class ExtractRequested(_Event):
    type: Literal["ExtractRequested"] = "ExtractRequested"
    partner: str | None = Field(default=None, description="As the package names it")


class ExtractReminded(_Event):
    type: Literal["ExtractReminded"] = "ExtractReminded"


class ExtractReceived(_Event):
    type: Literal["ExtractReceived"] = "ExtractReceived"
    extract: AnonymisedExtract
    upload: ExtractUploadView


class SecondRoundClosed(_Event):
    type: Literal["SecondRoundClosed"] = "SecondRoundClosed"
    results: SurveyResults | None = Field(description="None when nobody answered")
    progress: RoundProgress


class DeckDelivered(_Event):
    type: Literal["DeckDelivered"] = "DeckDelivered"
    deck: ArtifactRef


class MeetingHeld(_Event):
    type: Literal["MeetingHeld"] = "MeetingHeld"


class ProblemRecorded(_Event):
    """Something failed that the meeting goes on without (the consultant is told)."""

    type: Literal["ProblemRecorded"] = "ProblemRecorded"
    problem: str


class RenderFailed(_Event):
    """A render failed after its retries; the meeting waits for an operator's retry."""

    type: Literal["RenderFailed"] = "RenderFailed"
    message: str


class RenderRetried(_Event):
    type: Literal["RenderRetried"] = "RenderRetried"
    by: str


class AgreementsChanged(_Event):
    """The order told of an agreement done or overdue."""

    type: Literal["AgreementsChanged"] = "AgreementsChanged"
    agreements: list[AgreementView]


class ProgressChanged(_Event):
    type: Literal["ProgressChanged"] = "ProgressChanged"
    progress: RoundProgress


class PackageLoaded(_Event):
    """The order's package, as the catalog had it when the meeting started."""

    type: Literal["PackageLoaded"] = "PackageLoaded"
    package: Package


class NationalFiguresRead(_Event):
    """The other clusters' figures as the benchmark store gave them for the deck."""

    type: Literal["NationalFiguresRead"] = "NationalFiguresRead"
    comparison: Comparison


FollowUpEvent = (
    Planned
    | InvitationSent
    | SecondRoundStarted
    | ExtractRequested
    | ExtractReminded
    | ExtractReceived
    | SecondRoundClosed
    | DeckDelivered
    | MeetingHeld
    | ProblemRecorded
    | RenderFailed
    | RenderRetried
    | AgreementsChanged
    | ProgressChanged
    | PackageLoaded
    | NationalFiguresRead
)
