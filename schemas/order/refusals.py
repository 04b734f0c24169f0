"""Why an order refuses a person's step now: the rules its Update validators apply.

Each function takes the order's state (the fold of its events), the command and the order
clock's ``now`` and returns the Danish reason to show, or None when the step may be taken. They
are pure, so every rule is tested without Temporal (tests/schemas/test_order_refusals.py); the
workflow only raises what they return (workflows/order/steps.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from schemas.order.commands import (
    AgreementDoneCommand,
    LateDecision,
    MembersChange,
    PremeetingSchedule,
    Reschedule,
)
from schemas.order.state import OrderState
from schemas.order.steps import Step, StepState
from schemas.shared.danish_format import datetime_long

# A moved meeting must leave time to survey and render again.
MIN_MOVE_LEAD = timedelta(days=14)
STARTING = "Ordren er ved at starte; prøv igen om et øjeblik."


def refuse_inactive(
    state: OrderState, *, cancelling: bool, starting_ok: bool = False
) -> str | None:
    """Every step but cancelling and the consultation needs a placed, running order."""
    if state.awaiting_approval and not starting_ok:
        return "Bestillingen venter på KiAPs svar på den sene bestilling."
    if state.timeline is None and not starting_ok:
        return STARTING
    return _refuse_ended(state, cancelling)


def _refuse_ended(state: OrderState, cancelling: bool) -> str | None:
    if state.status == "cancelled" or cancelling:
        return "Ordren er annulleret og kan ikke ændres."
    if state.status != "active":
        return "Ordren er afsluttet og kan ikke ændres."
    return None


def refuse_consultation(state: OrderState) -> str | None:
    if not state.is_done(Step.CONSULTATION):
        return None
    done = state.consultation
    who = f" af {done.actor.name}" if done and done.actor else ""
    when = f" {datetime_long(done.at)}" if done else ""
    return f"Telefonkonsultationen er allerede registreret{who}{when}."


def refuse_survey_import(state: OrderState) -> str | None:
    match state.state_of(Step.SURVEY):
        case StepState.PENDING:
            return (
                "Spørgeskemaet er ikke sendt ud endnu: telefonkonsultationen og "
                "materialemailen kommer først."
            )
        case StepState.DONE:
            return "Svarene er allerede indlæst."
        case StepState.SKIPPED:
            return "PowerPointen er allerede lavet uden svarene; kontakt KiAP."
    return None


def refuse_extract(state: OrderState, now: datetime, *, cancelling: bool) -> str | None:
    """Whether the partner's upload page takes a file now."""
    if state.timeline is None:
        return STARTING
    if (ended := _refuse_ended(state, cancelling)) is not None:
        return ended
    if not state.has(Step.PARTNER):
        return "Klyngepakken har intet datatræk; der er intet at uploade til denne ordre."
    if state.state_of(Step.PARTNER) == StepState.PENDING:
        return (
            "Jobcenteret har ikke fået skabelonen endnu: telefonkonsultationen og "
            "materialemailen kommer først."
        )
    if state.is_done(Step.MEETING) or now >= state.timeline.meeting:
        return "Klyngemødet er holdt; datatrækket kan ikke længere komme med i materialet."
    return None


def _refuse_premeeting(state: OrderState) -> str | None:
    if not state.has(Step.PREMEETING):
        return "Klyngepakken har intet formøde; der er intet at planlægge."
    return None


def refuse_premeeting_schedule(
    state: OrderState, cmd: PremeetingSchedule, now: datetime
) -> str | None:
    """The pre-meeting is set once the documents are delivered, between now and the meeting."""
    if (reason := _refuse_premeeting(state)) is not None:
        return reason
    assert state.timeline is not None
    if not state.is_done(Step.ARTIFACTS):
        return (
            "Formødet planlægges, når PowerPointen er leveret (senest "
            f"{datetime_long(state.timeline.due[Step.ARTIFACTS])})."
        )
    if state.is_done(Step.PREMEETING):
        return "Formødet er allerede holdt og registreret."
    if not now < cmd.at < state.timeline.meeting:
        return (
            "at: formødet skal ligge mellem nu og klyngemødet "
            f"({datetime_long(state.timeline.meeting)})."
        )
    return None


def refuse_premeeting_done(state: OrderState, now: datetime) -> str | None:
    """Registered once held: after the time it was set to, and only once."""
    if (reason := _refuse_premeeting(state)) is not None:
        return reason
    at = state.premeeting_at
    if at is None:
        return "Formødet er ikke planlagt: brug først premeeting_schedule."
    if state.state_of(Step.PREMEETING) in (StepState.DONE, StepState.SKIPPED):
        return "Formødet er allerede afsluttet."
    if now < at:
        return f"Formødet er sat til {datetime_long(at)} og kan først registreres bagefter."
    return None


def refuse_meeting_record(state: OrderState) -> str | None:
    if state.is_done(Step.MEETING):
        return "Referatet er allerede registreret."
    return None


def refuse_agreement_done(state: OrderState, cmd: AgreementDoneCommand) -> str | None:
    minutes = state.minutes
    if minutes is None:
        return "Referatet er ikke registreret endnu; aftalerne kommer med det."
    count = len(minutes.agreements)
    if cmd.number > count:
        return f"number: referatet har {count} aftaler – brug et nummer fra 1 til {count}."
    if cmd.number in state.agreements_done:
        return f"Aftale {cmd.number} er allerede markeret som udført."
    return None


def refuse_reschedule(state: OrderState, cmd: Reschedule, now: datetime) -> str | None:
    """A meeting not yet held moves to a time at least two weeks out (the plan checks the
    rest)."""
    assert state.timeline is not None
    if state.is_done(Step.MEETING) or now >= state.timeline.meeting:
        return "Klyngemødet er holdt og kan ikke flyttes."
    if cmd.meeting - now <= MIN_MOVE_LEAD:
        return "meeting: det nye mødetidspunkt skal ligge mindst 2 uger ude."
    return None


def refuse_members_change(state: OrderState, cmd: MembersChange) -> str | None:
    if state.is_done(Step.SURVEY):
        return (
            "Spørgeskemaet er lukket; medlemslisten til denne bestilling kan ikke længere"
            " ændres. Skriv til KiAP, hvis der er en fejl."
        )
    if not cmd.add and not cmd.remove:
        return "Ingen ændringer: tilføj eller fjern et medlem."
    return None


def refuse_late_decision(state: OrderState, cmd: LateDecision) -> str | None:
    """KiAP answers a late order once, while it waits; a refusal says why."""
    if not state.awaiting_approval or state.late_decision is not None:
        return "Bestillingen venter ikke på KiAPs svar."
    if state.cancel_requested:
        return "Bestillingen er annulleret."
    if not cmd.approve and not (cmd.reason or "").strip():
        return "reason: skriv en begrundelse til koordinatoren."
    return None


def refuse_retry_render(state: OrderState) -> str | None:
    if state.render_failed is None:
        return "Ingen dokumenter venter på at blive lavet igen."
    return None
