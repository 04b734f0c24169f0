"""The follow-up meeting's state as a fold over its domain events, as the order's is
(schemas/order/state.py): what happened, in Danish, and the status its query answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from schemas.benchmark.comparison import Comparison
from schemas.follow_up.events import (
    AgreementsChanged,
    DeckDelivered,
    ExtractReceived,
    ExtractReminded,
    ExtractRequested,
    FollowUpEvent,
    InvitationSent,
    MeetingHeld,
    NationalFiguresRead,
    PackageLoaded,
    Planned,
    ProblemRecorded,
    ProgressChanged,
    RenderFailed,
    RenderRetried,
    SecondRoundClosed,
    SecondRoundStarted,
)
from schemas.follow_up.meeting import FollowUpPlan, FollowUpStatus
from schemas.order.agreements import AgreementView
from schemas.order.extract import AnonymisedExtract
from schemas.order.status import ExtractUploadView
from schemas.package.model import Package
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.danish_format import date_long
from schemas.survey.answers import SurveyResults
from schemas.survey.progress import RoundProgress


class FollowUpState(BaseModel):
    plan: FollowUpPlan | None = None
    agreements: list[AgreementView] = Field(default_factory=list)
    extract: AnonymisedExtract | None = None
    uploads: list[ExtractUploadView] = Field(default_factory=list)
    results: SurveyResults | None = None
    progress: RoundProgress | None = None
    deck: ArtifactRef | None = None
    finished: bool = False
    render_failed: str | None = Field(default=None, description="Waiting for retry_render")
    problems: list[str] = Field(default_factory=list)
    happened: list[str] = Field(default_factory=list, description="Danish, dated, in order")
    package: Package | None = Field(default=None, description="The order's, once loaded")
    comparison: Comparison | None = Field(
        default=None, description="The other clusters' figures for the deck (national figures)"
    )


def says(event: FollowUpEvent) -> str | None:
    """What the event adds to the meeting's log (None: nothing a person needs to read)."""
    match event:
        case InvitationSent():
            return "Invitation til det opfølgende møde sendt"
        case SecondRoundStarted():
            return "Spørgeskemaets 2. runde er startet"
        case ExtractRequested():
            return "Nyt datatræk bestilt" + (f" hos {event.partner}" if event.partner else "")
        case ExtractReminded():
            return "Påmindelse om datatrækket sendt"
        case ExtractReceived():
            return f"Nyt datatræk modtaget (version {event.upload.version})"
        case SecondRoundClosed():
            return f"Spørgeskemaets 2. runde lukket: {event.progress.answered} svar"
        case DeckDelivered():
            return "Sammenligningen er leveret"
        case MeetingHeld():
            return "Det opfølgende møde er holdt"
        case ProblemRecorded():
            return f"Fejl: {event.problem}"
        case RenderRetried():
            return f"Dokumenterne laves igen ({event.by})"
    return None


def apply(state: FollowUpState, event: FollowUpEvent) -> FollowUpState:
    """The state after ``event``. Pure; the workflow and tests fold with it."""
    s = state
    match event:
        case Planned():
            s = s.model_copy(update={"plan": event.plan})
        case ExtractReceived():
            uploads = [*s.uploads, event.upload]
            s = s.model_copy(update={"extract": event.extract, "uploads": uploads})
        case SecondRoundClosed():
            s = s.model_copy(update={"results": event.results, "progress": event.progress})
        case DeckDelivered():
            s = s.model_copy(update={"deck": event.deck})
        case MeetingHeld():
            s = s.model_copy(update={"finished": True})
        case ProblemRecorded():
            s = s.model_copy(update={"problems": [*s.problems, event.problem]})
        case RenderFailed():
            s = s.model_copy(update={"render_failed": event.message})
        case RenderRetried():
            s = s.model_copy(update={"render_failed": None})
        case AgreementsChanged():
            s = s.model_copy(update={"agreements": list(event.agreements)})
        case ProgressChanged():
            s = s.model_copy(update={"progress": event.progress})
        case PackageLoaded():
            s = s.model_copy(update={"package": event.package})
        case NationalFiguresRead():
            s = s.model_copy(update={"comparison": event.comparison})
    line = says(event)
    if line is not None:
        s = s.model_copy(update={"happened": [*s.happened, f"{date_long(event.at)}: {line}"]})
    return s


def fold(events: list[FollowUpEvent], agreements: list[AgreementView]) -> FollowUpState:
    state = FollowUpState(agreements=list(agreements))
    for event in events:
        state = apply(state, event)
    return state


def status_of(
    state: FollowUpState, workflow_id: str, order_id: str, meeting: datetime
) -> FollowUpStatus:
    return FollowUpStatus(
        id=workflow_id,
        order_id=order_id,
        meeting=meeting,
        status="completed" if state.finished else "active",
        survey=state.results,
        extract_versions=len(state.uploads),
        agreements=state.agreements,
        deck=state.deck.name if state.deck else None,
        events=list(state.happened),
        problems=list(state.problems),
    )


def details(state: FollowUpState, cluster: str, meeting: datetime) -> str:
    """What the Temporal UI shows above the follow-up meeting's history."""
    done = sum(1 for a in state.agreements if a.state == "done")
    lines = [
        f"**Opfølgende klyngemøde** · {cluster}",
        f"Møde: {date_long(meeting)}",
        f"Aftaler: {done} af {len(state.agreements)} gennemført",
    ]
    progress = state.progress
    if progress is not None and progress.dispatched:
        lines.append(f"Spørgeskema, 2. runde: {progress.answered} af {progress.invited} har svaret")
    lines += [f"⚠ {problem}" for problem in state.problems]
    if state.happened:
        lines.append("Senest: " + state.happened[-1])
    return "\n\n".join(lines)
