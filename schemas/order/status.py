"""What an order shows: its status (the ``status`` query, ``order status``, the staff pages)
and the upload and minutes pages' views, all derived from the fold of its events."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.order.agreements import AgreementView
from schemas.order.events import DomainEvent, Noted
from schemas.order.partner import step_label
from schemas.order.state import OrderState, OrderStatusName, fold
from schemas.order.steps import Step, StepState
from schemas.package.process import PartnerTexts
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.clock import OrderClock
from schemas.survey.progress import RoundProgress


class StepView(BaseModel):
    name: Step
    label: str
    state: StepState
    due: datetime | None
    done_at: datetime | None


class EventView(BaseModel):
    type: str
    at: datetime
    by: str | None = Field(default=None, description="Who did it, when a person did")


class ArtifactView(BaseModel):
    name: str
    kind: str
    version: int
    sha256: str
    size: int = 0
    media_type: str = "application/octet-stream"
    path: str | None = None  # older references only (ArtifactRef.path)

    def ref(self) -> ArtifactRef:
        """The reference to read it by from the artifact store."""
        return ArtifactRef.model_validate(self.model_dump())


class SurveyView(BaseModel):
    invited: int
    answered: int
    reminded: int
    closed: bool
    response_rate: float | None


class ExtractUploadView(BaseModel):
    version: int
    at: datetime
    uploaded_by: str
    filename: str
    rows: int
    missing: int = Field(description="The cluster's practices the upload gave no figure for")


class UploadPage(BaseModel):
    """What the job centre's upload page shows about the order; no personal data."""

    cluster: str
    municipality: str | None = None
    due: datetime
    meeting: datetime
    open: bool = Field(description="Whether an upload can be accepted now")
    uploads: list[ExtractUploadView]
    premeeting_at: datetime | None = Field(
        default=None, description="The pre-meeting with the cluster, once it is set"
    )
    columns: list[str] = Field(
        default_factory=list,
        description="The package's column headings (ydernummer, type, count, requests, days)",
    )


class MinutesPage(BaseModel):
    """What the coordinator's minutes page shows about the order."""

    cluster: str
    municipality: str | None = None
    package: str | None = Field(default=None, description="The order's package")
    partner: str | None = Field(default=None, description="The partner, as 'jobcenteret'")
    meeting: datetime
    open: bool = Field(description="The meeting has started and no minutes are recorded")
    recorded: bool
    members: list[str] = Field(description="Names, offered as owners of agreements")
    owners: list[str] = Field(
        default_factory=list, description="Every owner the order can remind, to choose from"
    )


class ProblemView(BaseModel):
    """Something that went wrong and that a person at KiAP must know about."""

    at: datetime
    kind: Literal["child_failed", "render_failed"]
    text: str = Field(description="Danish, for the consultant and operations")


def problems_of(state: OrderState) -> list[ProblemView]:
    found = [
        ProblemView(
            at=f.at, kind="child_failed", text=f"{f.what} stoppede med en fejl: {f.message}"
        )
        for f in state.child_failures
    ]
    if state.render_failed is not None:
        failed = state.render_failed
        found.append(
            ProblemView(
                at=failed.at,
                kind="render_failed",
                text=f"Dokumenterne ({', '.join(failed.kinds)}) kunne ikke laves: "
                f"{failed.message}. Ordren venter på retry_render.",
            )
        )
    return found


class OrderStatus(BaseModel):
    """What ``order status`` shows and the workflow's ``status`` query answers."""

    id: str
    package: str
    cluster: str
    status: OrderStatusName
    late: bool
    current_step: Step
    overdue: bool
    meeting: datetime | None
    as_of: datetime = Field(description="Order-clock time of the last change the order handled")
    clock: OrderClock = Field(
        description="Turns real time into the order's time: clock.planned(now)"
    )
    steps: list[StepView]
    events: list[EventView]
    artifacts: list[ArtifactView]
    survey: SurveyView | None
    extract: list[ExtractUploadView] = Field(
        default_factory=list, description="Every accepted upload; the last one is in use"
    )
    agreements: list[AgreementView] = Field(default_factory=list)
    follow_up_meeting: str | None = Field(
        default=None, description="The follow-up meeting's workflow id, once started"
    )
    problems: list[ProblemView] = Field(
        default_factory=list, description="Failed parts the order went on without"
    )
    awaiting_approval: bool = Field(
        default=False, description="A late order waiting for KiAP's approve_late"
    )


def status_of(
    order_id: str,
    package: str,
    cluster: str,
    invited: int,
    events: list[DomainEvent],
    as_of: datetime,
    clock: OrderClock,
    progress: RoundProgress | None = None,
    partner: PartnerTexts | None = None,
) -> OrderStatus:
    state = fold(events)
    timeline = state.timeline
    steps = [
        StepView(
            name=step,
            label=step_label(step, partner),
            state=step_progress.state,
            due=timeline.due.get(step) if timeline else None,
            done_at=step_progress.done_at,
        )
        for step, step_progress in state.steps.items()
    ]
    survey = None
    if progress is not None and progress.dispatched:
        survey = SurveyView(
            invited=progress.invited,
            answered=progress.answered,
            reminded=progress.reminded,
            closed=progress.closed,
            response_rate=progress.response_rate,
        )
    elif state.survey_results is not None:
        answered = state.survey_results.respondents
        survey = SurveyView(
            invited=invited,
            answered=answered,
            reminded=0,
            closed=True,
            response_rate=answered / invited if invited else None,
        )
    return OrderStatus(
        id=order_id,
        package=package,
        cluster=cluster,
        status=state.status,
        late=bool(timeline and timeline.late),
        current_step=state.current_step,
        overdue=state.overdue,
        meeting=timeline.meeting if timeline else None,
        as_of=as_of,
        clock=clock,
        steps=steps,
        events=[
            EventView(type=e.type, at=e.at, by=_by(e)) for e in events if not isinstance(e, Noted)
        ],
        artifacts=[
            ArtifactView.model_validate(a.model_dump(exclude={"source_sha256"}))
            for a in state.artifacts
        ],
        survey=survey,
        extract=upload_views(state),
        agreements=state.agreement_views(),
        follow_up_meeting=state.follow_up_meeting.workflow_id if state.follow_up_meeting else None,
        problems=problems_of(state),
        awaiting_approval=state.awaiting_approval,
    )


def _by(event: DomainEvent) -> str | None:
    if event.actor is not None:
        return event.actor.name
    by = getattr(event, "by", None)
    return by if isinstance(by, str) else None


def upload_views(state: OrderState) -> list[ExtractUploadView]:
    return [
        ExtractUploadView(
            version=u.version,
            at=u.at,
            uploaded_by=u.uploaded_by,
            filename=u.filename,
            rows=u.rows,
            missing=u.missing,
        )
        for u in state.extract_uploads
    ]
