"""The domain events of an order; its state is a fold over them (schemas.order.state.apply).

Events carry references and counts, never document bytes. ``at`` is the order clock's time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from schemas.benchmark.comparison import Comparison
from schemas.order.extract import AnonymisedExtract
from schemas.order.minutes import Minutes
from schemas.order.request import ContactBy, MeetingMode, OrderRequest
from schemas.order.steps import Step
from schemas.order.timeline import Timeline
from schemas.package.model import Package, SurveyTemplate
from schemas.package.program import ProgramChanges
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.assignment import TaskAssigned
from schemas.shared.people import Actor, Member
from schemas.survey.answers import SurveyResults
from schemas.survey.progress import RoundProgress

# Who is mailed on an order; "partner" is the package's partner organisation (the job centre).
Role = Literal["coordinator", "consultant", "partner", "members"]


class _Event(BaseModel):
    at: datetime
    actor: Actor | None = Field(default=None, description="Who did it, when a person did")


class OrderPlaced(_Event):
    type: Literal["OrderPlaced"] = "OrderPlaced"
    timeline: Timeline


class MailSent(_Event):
    type: Literal["MailSent"] = "MailSent"
    mail: str
    roles: list[Role]
    recipients: int
    message_ids: list[str]


class MailRefused(_Event):
    """The mail server refused some recipients of a mail for good (5xx): a mistyped or closed
    address. Their message is not retried; the consultant corrects the address."""

    type: Literal["MailRefused"] = "MailRefused"
    mail: str
    refused: int
    code: int | None = Field(description="The server's reply code, e.g. 550")
    key: str | None = Field(default=None, description="The mail's key (which sending)")
    recipients: list[int] = Field(
        default_factory=list, description="Who, by place among the mail's recipients"
    )


class MailDelayed(_Event):
    """A mail the server kept answering "try later" (4xx) for 24 planned hours, or could not
    send at all because the server refused the login (535): given up, the order goes on, and
    a person at KiAP is told."""

    type: Literal["MailDelayed"] = "MailDelayed"
    mail: str
    key: str
    delayed: int
    code: int | None = None
    recipients: list[int] = Field(default_factory=list)
    login_refused: bool = False


class ConsultationEscalated(_Event):
    type: Literal["ConsultationEscalated"] = "ConsultationEscalated"


class ConsultationCompleted(_Event):
    type: Literal["ConsultationCompleted"] = "ConsultationCompleted"
    contact_by: ContactBy
    mode: MeetingMode
    notes: str | None = None
    practice_labels_by_mail: bool = False


class MaterialSent(_Event):
    type: Literal["MaterialSent"] = "MaterialSent"


class PartnerGuideSent(_Event):
    type: Literal["PartnerGuideSent"] = "PartnerGuideSent"
    contact_by: ContactBy
    artifact: ArtifactRef
    template: ArtifactRef | None = Field(
        default=None, description="The pre-filled extract template sent with the guide"
    )


class SurveyReminderSent(_Event):
    type: Literal["SurveyReminderSent"] = "SurveyReminderSent"


class SurveyResultsImported(_Event):
    type: Literal["SurveyResultsImported"] = "SurveyResultsImported"
    source: str
    results: SurveyResults


class ExtractMissing(_Event):
    type: Literal["ExtractMissing"] = "ExtractMissing"


class ExtractReminderSent(_Event):
    type: Literal["ExtractReminderSent"] = "ExtractReminderSent"


class ExtractReceived(_Event):
    """A checked extract; only its anonymised figures. The provider numbers stay in the
    stored receipt."""

    type: Literal["ExtractReceived"] = "ExtractReceived"
    version: int
    uploaded_by: str
    filename: str
    upload_sha256: str
    receipt: ArtifactRef
    extract: AnonymisedExtract
    rows: int
    missing: int


class ArtifactsRendered(_Event):
    type: Literal["ArtifactsRendered"] = "ArtifactsRendered"
    version: int
    artifacts: list[ArtifactRef]


class ArtifactsDelivered(_Event):
    type: Literal["ArtifactsDelivered"] = "ArtifactsDelivered"
    version: int
    roles: list[Role]


class PremeetingScheduled(_Event):
    type: Literal["PremeetingScheduled"] = "PremeetingScheduled"
    premeeting_at: datetime


class PremeetingCompleted(_Event):
    type: Literal["PremeetingCompleted"] = "PremeetingCompleted"
    notes: str | None = None
    program: ProgramChanges | None = None


class InvitationSent(_Event):
    type: Literal["InvitationSent"] = "InvitationSent"
    invited: int


class MeetingRecorded(_Event):
    type: Literal["MeetingRecorded"] = "MeetingRecorded"
    minutes: Minutes


class FollowUpSummarySent(_Event):
    type: Literal["FollowUpSummarySent"] = "FollowUpSummarySent"
    artifacts: list[ArtifactRef] = Field(
        default_factory=list, description="The summary and the practice sheet with agreements"
    )


class AgreementReminderSent(_Event):
    type: Literal["AgreementReminderSent"] = "AgreementReminderSent"
    number: int
    kind: Literal["week_before", "due"]


class AgreementDone(_Event):
    type: Literal["AgreementDone"] = "AgreementDone"
    number: int
    by: str | None = Field(default=None, description="Who marked it, as they gave it")


class AgreementOverdue(_Event):
    type: Literal["AgreementOverdue"] = "AgreementOverdue"
    number: int


class FollowUpMeetingStarted(_Event):
    """The follow-up meeting runs as a child workflow; it outlives the order."""

    type: Literal["FollowUpMeetingStarted"] = "FollowUpMeetingStarted"
    workflow_id: str
    meeting: datetime


class StepOverdue(_Event):
    type: Literal["StepOverdue"] = "StepOverdue"
    step: Step


class StepSkipped(_Event):
    type: Literal["StepSkipped"] = "StepSkipped"
    step: Step
    reason: str


class OrderRescheduled(_Event):
    type: Literal["OrderRescheduled"] = "OrderRescheduled"
    previous_meeting: datetime
    timeline: Timeline


class OrderCancelled(_Event):
    type: Literal["OrderCancelled"] = "OrderCancelled"
    reason: str


class OrderCompleted(_Event):
    type: Literal["OrderCompleted"] = "OrderCompleted"


class LateOrderRequested(_Event):
    """Ordered less than 8 weeks ahead and sent to KiAP, which decides."""

    type: Literal["LateOrderRequested"] = "LateOrderRequested"
    weeks_missing: int


class LateOrderDecided(_Event):
    type: Literal["LateOrderDecided"] = "LateOrderDecided"
    approved: bool
    by: str
    reason: str | None = None


class MembersChanged(_Event):
    type: Literal["MembersChanged"] = "MembersChanged"
    added: int
    removed: int
    members: list[Member] = Field(
        default_factory=list, description="The member list after the change"
    )


class BenchmarkConsentChanged(_Event):
    """The coordinator said whether the cluster's figures (without names) may count in the
    national figures; they do unless it says not."""

    type: Literal["BenchmarkConsentChanged"] = "BenchmarkConsentChanged"
    opted_out: bool


class ChildSignalDropped(_Event):
    """A signal to a child workflow (the survey round, the follow-up meeting) that had already
    finished: the news no longer matters to it, so it is dropped, not an error."""

    type: Literal["ChildSignalDropped"] = "ChildSignalDropped"
    workflow_id: str
    signal: str


class ChildFailed(_Event):
    """A child workflow ended in failure; the order goes on without what it would have given
    and the consultant is told."""

    type: Literal["ChildFailed"] = "ChildFailed"
    workflow_id: str
    what: str = Field(description="Danish: which part of the order it was")
    message: str = Field(description="The failure, as the child reported it")


class RenderFailed(_Event):
    """Documents that could not be rendered after every retry: the order waits for an
    operator's ``retry_render`` instead of failing."""

    type: Literal["RenderFailed"] = "RenderFailed"
    kinds: list[str]
    message: str


class RenderRetried(_Event):
    type: Literal["RenderRetried"] = "RenderRetried"
    by: str = Field(description="Who asked for the retry")


# ---- what the order notes for itself ------------------------------------------------------
# Facts the workflow learns beside its steps (its package, a child's end, what it announced):
# folded into its state like every event, so it keeps no flag beside the fold; shown on no
# page and in no event list (``Noted``).


class Noted(_Event):
    """An event the order keeps for itself: no step, no page shows it."""


class OrderReceived(Noted):
    type: Literal["OrderReceived"] = "OrderReceived"
    order: OrderRequest


class PackageLoaded(Noted):
    type: Literal["PackageLoaded"] = "PackageLoaded"
    package: Package


class LateDecisionReceived(Noted):
    """KiAP's answer to a late order, as the Update brought it (LateOrderDecided follows)."""

    type: Literal["LateDecisionReceived"] = "LateDecisionReceived"
    approve: bool
    by: str
    reason: str | None = None


class SurveyProgressReported(Noted):
    type: Literal["SurveyProgressReported"] = "SurveyProgressReported"
    progress: RoundProgress


class SurveyRoundEnded(Noted):
    """The survey round (a child) finished, whichever way."""

    type: Literal["SurveyRoundEnded"] = "SurveyRoundEnded"


class SurveyRoundOutcome(Noted):
    """What the round asked and how far it got, when it closed."""

    type: Literal["SurveyRoundOutcome"] = "SurveyRoundOutcome"
    progress: RoundProgress
    template: SurveyTemplate


class DocumentsRequested(Noted):
    """The meeting documents are being rendered with this version of the extract."""

    type: Literal["DocumentsRequested"] = "DocumentsRequested"
    extract_version: int


class PracticeLabelsAnnounced(Noted):
    type: Literal["PracticeLabelsAnnounced"] = "PracticeLabelsAnnounced"


class PremeetingAnnounced(Noted):
    type: Literal["PremeetingAnnounced"] = "PremeetingAnnounced"
    number: int


class NationalFiguresRead(Noted):
    """The other clusters' figures as the benchmark store gave them before a render."""

    type: Literal["NationalFiguresRead"] = "NationalFiguresRead"
    comparison: Comparison


class FollowUpMeetingEnded(Noted):
    type: Literal["FollowUpMeetingEnded"] = "FollowUpMeetingEnded"
    failure: str | None = Field(default=None, description="What it failed with, if it did")


DomainEvent = Annotated[
    OrderPlaced
    | TaskAssigned
    | MailSent
    | MailRefused
    | MailDelayed
    | ConsultationEscalated
    | ConsultationCompleted
    | MaterialSent
    | PartnerGuideSent
    | SurveyReminderSent
    | SurveyResultsImported
    | ExtractMissing
    | ExtractReminderSent
    | ExtractReceived
    | AgreementReminderSent
    | AgreementDone
    | AgreementOverdue
    | FollowUpMeetingStarted
    | ArtifactsRendered
    | ArtifactsDelivered
    | PremeetingScheduled
    | PremeetingCompleted
    | InvitationSent
    | MeetingRecorded
    | FollowUpSummarySent
    | StepOverdue
    | StepSkipped
    | OrderRescheduled
    | OrderCancelled
    | OrderCompleted
    | LateOrderRequested
    | LateOrderDecided
    | MembersChanged
    | BenchmarkConsentChanged
    | ChildSignalDropped
    | ChildFailed
    | RenderFailed
    | RenderRetried
    | OrderReceived
    | PackageLoaded
    | LateDecisionReceived
    | SurveyProgressReported
    | SurveyRoundEnded
    | SurveyRoundOutcome
    | DocumentsRequested
    | PracticeLabelsAnnounced
    | PremeetingAnnounced
    | NationalFiguresRead
    | FollowUpMeetingEnded,
    Field(discriminator="type"),
]
