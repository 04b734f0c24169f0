"""The readable Danish summary operations see as the workflow's current details."""

from __future__ import annotations

from datetime import datetime

from schemas.order.state import OrderState
from schemas.order.status import problems_of
from schemas.order.steps import Step, StepState
from schemas.shared.danish_format import date_long, datetime_long, percent
from schemas.survey.progress import RoundProgress

_STATE_DA = {
    StepState.PENDING: "venter",
    StepState.ACTIVE: "i gang",
    StepState.DONE: "færdig",
    StepState.OVERDUE: "OVERSKREDET",
    StepState.SKIPPED: "sprunget over",
}


def current_details(
    cluster: str,
    municipality: str | None,
    state: OrderState,
    now: datetime,
    survey: RoundProgress | None = None,
) -> str:
    """Markdown for the Temporal UI: where the order is, what is due, what is late."""
    timeline = state.timeline
    lines = [f"**{cluster}** · {municipality}" if municipality else f"**{cluster}**"]
    if timeline is not None:
        lines.append(
            f"Klyngemøde: {datetime_long(timeline.meeting)}"
            + (" · *sen bestilling*" if timeline.late else "")
        )
    if state.status == "cancelled":
        lines.append(f"**Annulleret**: {state.cancel_reason}")
        return "\n\n".join(lines)
    if state.status == "completed":
        lines.append("**Afsluttet** – alle trin er gennemført.")
        return "\n\n".join(lines)
    if state.awaiting_approval:
        lines.append("**Sen bestilling** – venter på KiAPs svar (opdateringen decide_late).")
        return "\n\n".join(lines)
    step = state.current_step
    progress = state.steps[step]
    due = f", frist {date_long(timeline.due[step])}" if timeline else ""
    lines.append(
        f"Trin {step.number}/{len(Step) - 1}: **{step.label}** – {_STATE_DA[progress.state]}{due}"
    )
    lines += [f"⚠ {problem.text}" for problem in problems_of(state)]
    late = [s.label for s, p in state.steps.items() if p.state == StepState.OVERDUE]
    if late:
        lines.append("Overskredet: " + ", ".join(late))
    if survey is not None and survey.dispatched:
        rate = f" ({percent(survey.response_rate)})" if survey.response_rate is not None else ""
        lines.append(
            f"Spørgeskema: {survey.answered} af {survey.invited} har svaret{rate}"
            + (" · lukket" if survey.closed else "")
        )
    elif state.survey_results is not None:
        lines.append(f"Spørgeskema: {state.survey_results.respondents} besvarelser")
    lines.append(f"Ordrens tid: {datetime_long(now)}")
    return "\n\n".join(lines)
