"""Why a survey round refuses an answer, an edit, a dispatch or a close now (pure rules)."""

from __future__ import annotations

from schemas.shared.errors import ANSWER_UNCHANGED, Failure
from schemas.survey_round.round import AnswerSubmission
from schemas.survey_round.state import RoundState


def refuse_answer(state: RoundState, submission: AnswerSubmission) -> tuple[str, Failure] | None:
    """Why a member's answer is not taken now, and the refusal's kind (the form shows a
    closed round's page for ROUND_CLOSED; UNCHANGED is taken as accepted)."""
    if not state.dispatched:
        return "Spørgeskemaet er ikke sendt ud endnu.", Failure.STEP_REFUSED
    if state.closed or state.close_requested:
        return "Spørgeskemaet er lukket.", Failure.ROUND_CLOSED
    if not 0 <= submission.member < len(state.members) or submission.member in state.left:
        return "Linket passer ikke til denne runde.", Failure.STEP_REFUSED
    if state.answers.get(submission.member) == submission.response:
        # Sent twice (a double click, the back button): refused so it adds nothing to the
        # history; the client tells the member it is saved.
        return ANSWER_UNCHANGED, Failure.UNCHANGED
    return None


def refuse_edit(state: RoundState) -> str | None:
    if state.dispatched or state.close_requested:
        return "Spørgeskemaet er sendt ud; spørgsmålene kan ikke længere ændres."
    return None


def refuse_dispatch(state: RoundState) -> str | None:
    if state.dispatched:
        return "Spørgeskemaet er allerede sendt ud."
    if state.close_requested:
        return "Spørgeskemaet er lukket."
    return None


def refuse_close(state: RoundState) -> str | None:
    if state.closed or state.close_requested:
        return "Spørgeskemaet er allerede lukket."
    return None
