"""The follow-up meeting's state as a fold over its domain events, as the order's is
(schemas/state.py): what happened, in Danish, and the status its query answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from schemas.agreements import AgreementView
from schemas.artifacts import ArtifactRef
from schemas.danish_format import date_long
from schemas.extract import AnonymisedExtract
from schemas.follow_up import FollowUpPlan, FollowUpStatus
from schemas.order_status import ExtractUploadView
from schemas.survey import SurveyResults
from schemas.survey_round import RoundProgress


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
)


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
