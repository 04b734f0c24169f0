"""What an order shows: its status (the ``status`` query, ``order status``, the staff pages)
and the upload and minutes pages' views, all derived from the fold of its events."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.order.agreements import AgreementView
from schemas.order.events import DomainEvent, MailDelayed, MailRefused, Noted
from schemas.order.partner import step_label
from schemas.order.state import OrderState, OrderStatusName, fold, open_undelivered
from schemas.order.steps import Step, StepState
from schemas.package.process import PartnerTexts
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.assignment import TaskAssigned, TaskHolder, assignment_text
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
    text: str | None = Field(
        default=None, description="The event in a sentence, where it says more than its type"
    )


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

    run: str | None = Field(
        default=None, description="The workflow's first run id: links made for another say so"
    )
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

    run: str | None = Field(
        default=None, description="The workflow's first run id: links made for another say so"
    )
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
    kind: Literal[
        "child_failed", "render_failed", "mail_refused", "mail_delayed", "invitations_undelivered"
    ]
    text: str = Field(description="Danish, for the consultant and operations")


# What each of the order's mails is, inside a Danish sentence (the mail's id otherwise).
MAIL_NAMES = {
    "order_confirmation": "bekræftelsen af bestillingen",
    "consultant_task": "konsulentens opgave",
    "consultation_escalation": "påmindelsen om telefonkonsultationen",
    "material": "mailen med materialet",
    "partner_guide": "drejebogen",
    "survey_reminder": "påmindelsen om spørgeskemaet",
    "extract_reminder": "påmindelsen om datatrækket",
    "practice_label": "mailen med praksisbogstaverne",
    "artifacts_delivered": "mailen med PowerPointen og dokumenterne",
    "premeeting_scheduled": "invitationen til formødet",
    "invitation": "invitationen til klyngemødet",
    "practical_checklist": "tjeklisten til mødet",
    "meeting_escalation": "påmindelsen om referatet",
    "follow_up_summary": "opsummeringen",
    "agreement_reminder": "påmindelsen om en aftale",
    "rescheduled": "beskeden om det flyttede møde",
    "cancelled": "beskeden om annulleringen",
}


def _people(count: int) -> str:
    return f"{count} modtager" + ("e" if count != 1 else "")


def mail_problem_text(event: MailRefused | MailDelayed) -> str:
    """What went wrong with a mail, for the coordinator and KiAP (no address: the order's
    members and contacts say who)."""
    name = MAIL_NAMES.get(event.mail, f"mailen '{event.mail}'")
    code = f" ({event.code})" if event.code else ""
    if isinstance(event, MailRefused):
        return (
            f"Mailserveren afviste {_people(event.refused)} af {name}{code}: adressen findes "
            "ikke eller tager ikke imod post. Ret adressen – et medlem rettes på medlemslisten."
        )
    if event.login_refused:
        return (
            f"Mailserveren afviste klyngepakkens login{code}, så {name} blev ikke sendt. "
            "Drift skal rette adgangen til mailserveren (KLYNGEPAKKE_SMTP_USERNAME og _PASSWORD)."
        )
    return (
        f"{name.capitalize()} nåede ikke frem til {_people(event.delayed)}: mailserveren bad "
        f"om at prøve igen senere{code} i et døgn. Kontakt modtageren eller ret adressen."
    )


def problems_of(state: OrderState) -> list[ProblemView]:
    found = [
        ProblemView(
            at=f.at, kind="child_failed", text=f"{f.what} stoppede med en fejl: {f.message}"
        )
        for f in state.child_failures
    ]
    found += [
        ProblemView(
            at=event.at,
            kind="mail_refused" if isinstance(event, MailRefused) else "mail_delayed",
            text=mail_problem_text(event),
        )
        for event in state.mail_problems
    ]
    undelivered = open_undelivered(state)
    if undelivered and state.survey_progress_at is not None:
        found.append(
            ProblemView(
                at=state.survey_progress_at,
                kind="invitations_undelivered",
                text=f"{undelivered} {'invitation' if undelivered == 1 else 'invitationer'} "
                "til spørgeskemaet kom ikke frem (mailserveren afviste adressen eller tog ikke "
                "imod mailen). Koordinatoren retter adressen under Medlemmer på sin side – "
                "fjern medlemmet og tilføj det igen med den rigtige adresse – så får medlemmet "
                "sit link med det samme. Koordinatorens side viser, hvilken adresse det er.",
            )
        )
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

    run: str | None = Field(
        default=None, description="The workflow's first run id: links made for another say so"
    )
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
    holder: TaskHolder | None = Field(
        default=None, description="Who at KiAP has the order's tasks, and since when"
    )
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
    ended_at: datetime | None = Field(
        default=None, description="When it was completed or cancelled (the order's clock)"
    )
    benchmark_opted_out: bool = Field(
        default=False, description="The coordinator said the cluster's figures must not count"
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
    run: str | None = None,
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
        holder=state.holder,
        events=[
            EventView(
                type=e.type,
                at=e.at,
                by=_by(e),
                text=assignment_text(e) if isinstance(e, TaskAssigned) else None,
            )
            for e in events
            if not isinstance(e, Noted)
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
        run=run,
        ended_at=next((e.at for e in reversed(events) if _ends(e)), None)
        if state.status != "active"
        else None,
        benchmark_opted_out=state.benchmark_opted_out,
    )


def _ends(event: DomainEvent) -> bool:
    return event.type in ("OrderCompleted", "OrderCancelled", "LateOrderDecided")


def _by(event: DomainEvent) -> str | None:
    if isinstance(event, TaskAssigned):
        return None  # its sentence names who
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
