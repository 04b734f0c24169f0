"""An order's state as a fold over its domain events, and the status derived from it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.benchmark.comparison import Comparison
from schemas.order.agreements import AgreementState, AgreementView
from schemas.order.events import (
    AgreementDone,
    AgreementOverdue,
    ArtifactsDelivered,
    ArtifactsRendered,
    BenchmarkConsentChanged,
    ChildFailed,
    ConsultationCompleted,
    DocumentsRequested,
    DomainEvent,
    ExtractMissing,
    ExtractReceived,
    FollowUpMeetingEnded,
    FollowUpMeetingStarted,
    FollowUpSummarySent,
    InvitationSent,
    LateDecisionReceived,
    LateOrderDecided,
    LateOrderRequested,
    MailDelayed,
    MailRefused,
    MailSent,
    MaterialSent,
    MeetingRecorded,
    MembersChanged,
    NationalFiguresRead,
    OrderCancelled,
    OrderCompleted,
    OrderPlaced,
    OrderReceived,
    OrderRescheduled,
    PackageLoaded,
    PartnerGuideSent,
    PracticeLabelsAnnounced,
    PremeetingAnnounced,
    PremeetingCompleted,
    PremeetingScheduled,
    RenderFailed,
    RenderRetried,
    Role,
    StepOverdue,
    StepSkipped,
    SurveyProgressReported,
    SurveyResultsImported,
    SurveyRoundEnded,
    SurveyRoundOutcome,
)
from schemas.order.extract import AnonymisedExtract
from schemas.order.minutes import Minutes
from schemas.order.request import OrderRequest
from schemas.order.steps import Step, StepState
from schemas.order.timeline import Timeline
from schemas.package.model import Package, SurveyTemplate
from schemas.package.program import ProgramChanges
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.assignment import TaskAssigned, TaskHolder, holder_after
from schemas.survey.answers import SurveyResults
from schemas.survey.progress import RoundProgress

OrderStatusName = Literal["active", "completed", "cancelled"]
_FINISHED = (StepState.DONE, StepState.SKIPPED)


class StepProgress(BaseModel):
    state: StepState = StepState.PENDING
    done_at: datetime | None = None


class OrderState(BaseModel):
    status: OrderStatusName = "active"
    timeline: Timeline | None = None
    steps: dict[Step, StepProgress] = Field(
        default_factory=lambda: {step: StepProgress() for step in Step}
    )
    consultation: ConsultationCompleted | None = None
    survey_results: SurveyResults | None = None
    extract: AnonymisedExtract | None = None
    extract_uploads: list[ExtractReceived] = Field(default_factory=list)
    premeeting_at: datetime | None = None
    program_changes: ProgramChanges | None = None
    minutes: Minutes | None = None
    artifacts: list[ArtifactRef] = Field(default_factory=list)
    artifact_version: int = 0
    delivered_version: int = 0
    told: list[Role] = Field(default_factory=list)
    cancel_reason: str | None = None
    agreements_done: dict[int, datetime] = Field(default_factory=dict)
    agreements_overdue: list[int] = Field(default_factory=list)
    follow_up_meeting: FollowUpMeetingStarted | None = None
    child_failures: list[ChildFailed] = Field(default_factory=list)
    render_failed: RenderFailed | None = Field(
        default=None, description="Set while the order waits for an operator's retry_render"
    )
    awaiting_approval: bool = Field(
        default=False, description="A late order from the form, waiting for KiAP's answer"
    )
    reschedules: int = Field(default=0, description="How many times the meeting moved")
    premeetings_scheduled: int = Field(
        default=0, description="How many times the pre-meeting was set (each is announced)"
    )
    holder: TaskHolder | None = Field(
        default=None, description="Who at KiAP has the order's tasks (schemas/shared/assignment.py)"
    )
    assigned_ever: bool = Field(
        default=False, description="Someone took or was given the tasks once (search attribute)"
    )
    # What the order notes for itself (the Noted events): the order as it stands (moved,
    # its members changed), its package, and what its stages did beside the steps.
    order: OrderRequest | None = None
    package: Package | None = None
    cancel_requested: bool = False
    late_decision: LateDecisionReceived | None = None
    survey_progress: RoundProgress | None = None
    survey_progress_at: datetime | None = Field(
        default=None, description="When the round last told the order its progress"
    )
    survey_round_ended: bool = False
    asked: SurveyTemplate | None = Field(
        default=None, description="The questions the round closed with (edited or not)"
    )
    extract_rendered: int = Field(
        default=0, description="The extract version the latest documents were rendered with"
    )
    labels_told: bool = False
    benchmark_opted_out: bool = Field(
        default=False, description="The coordinator said the cluster's figures must not count"
    )
    comparison: Comparison | None = Field(
        default=None, description="The other clusters' figures, as read for the latest render"
    )
    premeetings_announced: int = 0
    follow_up_ended: bool = False
    follow_up_failure: str | None = None
    mail_problems: list[MailRefused | MailDelayed] = Field(
        default_factory=list, description="Mails that did not reach everyone (refused, delayed)"
    )

    def agreement_views(self) -> list[AgreementView]:
        agreements = self.minutes.agreements if self.minutes else []
        views = []
        for number, agreement in enumerate(agreements, start=1):
            state = AgreementState.OPEN
            if number in self.agreements_done:
                state = AgreementState.DONE
            elif number in self.agreements_overdue:
                state = AgreementState.OVERDUE
            views.append(
                AgreementView(
                    number=number,
                    text=agreement.text,
                    owner=agreement.owner,
                    due=agreement.due,
                    state=state,
                    done_at=self.agreements_done.get(number),
                )
            )
        return views

    @property
    def agreements_settled(self) -> bool:
        return all(v.state != AgreementState.OPEN for v in self.agreement_views())

    def has(self, step: Step) -> bool:
        """Whether the order's package has ``step`` (a package may leave out the partner's)."""
        return step in self.steps

    def state_of(self, step: Step) -> StepState:
        # A stage the package leaves out is never waited for.
        return self.steps[step].state if step in self.steps else StepState.SKIPPED

    def is_done(self, step: Step) -> bool:
        return self.state_of(step) in _FINISHED

    @property
    def current_step(self) -> Step:
        for step, progress in self.steps.items():
            if progress.state in (StepState.ACTIVE, StepState.OVERDUE):
                return step
        for step, progress in self.steps.items():
            if progress.state == StepState.PENDING:
                return step
        return Step.FOLLOW_UP

    @property
    def overdue(self) -> bool:
        return any(p.state == StepState.OVERDUE for p in self.steps.values())

    @property
    def extract_received(self) -> bool:
        return self.extract is not None

    @property
    def extract_version(self) -> int:
        return len(self.extract_uploads)

    @property
    def latest_artifacts(self) -> list[ArtifactRef]:
        """The newest version of each kind of document."""
        newest: dict[str, ArtifactRef] = {}
        for artifact in self.artifacts:
            if artifact.kind not in newest or artifact.version >= newest[artifact.kind].version:
                newest[artifact.kind] = artifact
        return list(newest.values())


def _set(state: OrderState, at: datetime, **changes: StepState) -> OrderState:
    steps = dict(state.steps)
    for name, new in changes.items():
        step = Step(name)
        if step not in steps:
            continue  # a stage the package leaves out
        old = steps[step]
        if old.state in _FINISHED:
            continue
        if new == StepState.OVERDUE and old.state not in (StepState.PENDING, StepState.ACTIVE):
            continue
        if new == StepState.ACTIVE and old.state == StepState.OVERDUE:
            continue
        steps[step] = StepProgress(state=new, done_at=at if new in _FINISHED else None)
    return state.model_copy(update={"steps": steps})


def apply(state: OrderState, event: DomainEvent) -> OrderState:
    """The state after ``event``. Pure; the workflow and tests fold with it."""
    at = event.at
    s = state
    match event:
        case OrderPlaced():
            steps = {k: v for k, v in s.steps.items() if k in event.timeline.due}
            s = s.model_copy(update={"timeline": event.timeline, "steps": steps})
            s = _set(s, at, order=StepState.DONE, consultation=StepState.ACTIVE)
        case NationalFiguresRead():
            s = s.model_copy(update={"comparison": event.comparison})
        case BenchmarkConsentChanged():
            s = s.model_copy(update={"benchmark_opted_out": event.opted_out})
        case TaskAssigned():
            s = s.model_copy(update={"holder": holder_after(event), "assigned_ever": True})
        case MailSent():
            told = list(dict.fromkeys([*s.told, *event.roles]))
            s = s.model_copy(update={"told": told})
        case MailRefused() | MailDelayed():
            s = s.model_copy(update={"mail_problems": [*s.mail_problems, event]})
        case ConsultationCompleted():
            s = s.model_copy(update={"consultation": event})
            s = _set(s, at, consultation=StepState.DONE, material=StepState.ACTIVE)
        case MaterialSent():
            s = _set(
                s, at, material=StepState.DONE, survey=StepState.ACTIVE, partner=StepState.ACTIVE
            )
        case PartnerGuideSent():
            sent = [event.artifact] + ([event.template] if event.template else [])
            s = s.model_copy(update={"artifacts": [*s.artifacts, *sent]})
        case SurveyResultsImported():
            s = s.model_copy(update={"survey_results": event.results})
            s = _set(s, at, survey=StepState.DONE)
        case ExtractMissing():
            s = _set(s, at, partner=StepState.SKIPPED)
        case ExtractReceived():
            uploads = [*s.extract_uploads, event]
            steps = dict(s.steps)
            # Even after the deck went without it: a late extract makes a new version.
            if Step.PARTNER in steps:
                steps[Step.PARTNER] = StepProgress(state=StepState.DONE, done_at=at)
            s = s.model_copy(
                update={"extract": event.extract, "extract_uploads": uploads, "steps": steps}
            )
        case ArtifactsRendered():
            new = [a for a in event.artifacts if a not in s.artifacts]
            s = s.model_copy(
                update={
                    "artifacts": [*s.artifacts, *new],
                    "artifact_version": event.version,
                }
            )
            s = _set(s, at, artifacts=StepState.ACTIVE)
        case ArtifactsDelivered():
            s = s.model_copy(update={"delivered_version": event.version})
            s = _set(
                s,
                at,
                artifacts=StepState.DONE,
                premeeting=StepState.ACTIVE,
                invitation=StepState.ACTIVE,
            )
        case PremeetingScheduled():
            scheduled = s.premeetings_scheduled + 1
            s = s.model_copy(
                update={"premeeting_at": event.premeeting_at, "premeetings_scheduled": scheduled}
            )
        case PremeetingCompleted():
            s = s.model_copy(update={"program_changes": event.program})
            s = _set(s, at, premeeting=StepState.DONE)
        case InvitationSent():
            s = _set(s, at, invitation=StepState.DONE, meeting=StepState.ACTIVE)
        case MeetingRecorded():
            s = s.model_copy(update={"minutes": event.minutes})
            s = _set(s, at, meeting=StepState.DONE, follow_up=StepState.ACTIVE)
        case FollowUpSummarySent():
            new = [a for a in event.artifacts if a not in s.artifacts]
            s = s.model_copy(update={"artifacts": [*s.artifacts, *new]})
            # With agreements to follow, the step ends when the last one is settled.
            if s.minutes is None or not s.minutes.agreements or s.agreements_settled:
                s = _set(s, at, follow_up=StepState.DONE)
        case AgreementDone():
            s = s.model_copy(update={"agreements_done": {**s.agreements_done, event.number: at}})
            s = _settle(s, at)
        case AgreementOverdue():
            overdue = [*s.agreements_overdue, event.number]
            s = _settle(s.model_copy(update={"agreements_overdue": overdue}), at)
        case FollowUpMeetingStarted():
            s = s.model_copy(update={"follow_up_meeting": event})
        case StepOverdue():
            s = _set(s, at, **{event.step.value: StepState.OVERDUE})
        case StepSkipped():
            s = _set(s, at, **{event.step.value: StepState.SKIPPED})
        case OrderRescheduled():
            s = s.model_copy(update={"timeline": event.timeline, "reschedules": s.reschedules + 1})
            s = _reopen_overdue(s, event.timeline, at)
            if s.order is not None:
                meeting = s.order.meeting.model_copy(update={"start": event.timeline.meeting})
                s = s.model_copy(update={"order": s.order.model_copy(update={"meeting": meeting})})
        case OrderCancelled():
            s = s.model_copy(
                update={
                    "status": "cancelled",
                    "cancel_reason": event.reason,
                    "cancel_requested": True,
                }
            )
        case OrderCompleted():
            s = s.model_copy(update={"status": "completed"})
            s = _set(s, at, follow_up=StepState.DONE)
        case LateOrderRequested():
            s = s.model_copy(update={"awaiting_approval": True})
        case LateOrderDecided():
            s = s.model_copy(update={"awaiting_approval": False})
            if not event.approved:
                s = s.model_copy(update={"status": "cancelled", "cancel_reason": event.reason})
        case ChildFailed():
            s = s.model_copy(update={"child_failures": [*s.child_failures, event]})
        case RenderFailed():
            s = s.model_copy(update={"render_failed": event})
        case RenderRetried():
            s = s.model_copy(update={"render_failed": None})
        case MembersChanged() if s.order is not None and event.members:
            s = s.model_copy(
                update={"order": s.order.model_copy(update={"members": event.members})}
            )
        case _:
            s = _note(s, event)
    return s


def _note(s: OrderState, event: DomainEvent) -> OrderState:
    """What the order notes for itself (the Noted events)."""
    match event:
        case OrderReceived():
            s = s.model_copy(update={"order": event.order})
        case PackageLoaded():
            s = s.model_copy(update={"package": event.package})
        case LateDecisionReceived():
            s = s.model_copy(update={"late_decision": event})
        case SurveyProgressReported():
            s = s.model_copy(
                update={"survey_progress": event.progress, "survey_progress_at": event.at}
            )
        case SurveyRoundEnded():
            s = s.model_copy(update={"survey_round_ended": True})
        case SurveyRoundOutcome():
            s = s.model_copy(update={"survey_progress": event.progress, "asked": event.template})
        case DocumentsRequested():
            s = s.model_copy(update={"extract_rendered": event.extract_version})
        case PracticeLabelsAnnounced():
            s = s.model_copy(update={"labels_told": True})
        case PremeetingAnnounced():
            s = s.model_copy(update={"premeetings_announced": event.number})
        case FollowUpMeetingEnded():
            s = s.model_copy(update={"follow_up_ended": True, "follow_up_failure": event.failure})
    return s


def _settle(state: OrderState, at: datetime) -> OrderState:
    summary_sent = state.steps[Step.FOLLOW_UP].state == StepState.ACTIVE
    if state.agreements_settled and summary_sent:
        return _set(state, at, follow_up=StepState.DONE)
    return state


def _reopen_overdue(state: OrderState, timeline: Timeline, at: datetime) -> OrderState:
    """A later meeting gives overdue steps new time: they are active again until the new due."""
    steps = dict(state.steps)
    for step, progress in steps.items():
        if progress.state == StepState.OVERDUE and timeline.due.get(step, at) > at:
            steps[step] = StepProgress(state=StepState.ACTIVE)
    return state.model_copy(update={"steps": steps})


def fold(events: list[DomainEvent]) -> OrderState:
    state = OrderState()
    for event in events:
        state = apply(state, event)
    return state


def open_undelivered(state: OrderState) -> int:
    """Survey invitations that did not arrive while the round still runs: a corrected
    address can still be invited then, so it is a task; after the close it is history."""
    progress = state.survey_progress
    if progress is None or progress.closed or state.survey_round_ended:
        return 0
    return progress.undelivered
