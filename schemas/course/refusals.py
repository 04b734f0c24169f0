"""Why the course refuses a teacher's step now: the rules its Update validators apply (pure)."""

from __future__ import annotations

from datetime import datetime

from schemas.course.plan import FOLLOW_UP
from schemas.course.state import CourseState


def refuse_closed(state: CourseState) -> str | None:
    if not state.planned:
        return "Kurset er ved at starte; prøv igen om et øjeblik."
    if state.closed:
        return "Kurset er afsluttet og kan ikke ændres."
    return None


def refuse_task_done(state: CourseState, task_id: str) -> str | None:
    if (reason := refuse_closed(state)) is not None:
        return reason
    known = {t.id: t for t in state.tasks}
    task = known.get(task_id)
    if task is None:
        return f"task: ukendt opgave – brug en af: {', '.join(known)}"
    if task.automatic:
        return f"task: '{task.title}' klarer kurset selv på sin dato."
    if task_id in state.done:
        return f"'{task.title}' er allerede markeret som udført."
    return None


def refuse_note(state: CourseState) -> str | None:
    if (reason := refuse_closed(state)) is not None:
        return reason
    if FOLLOW_UP in state.done:
        return "Opfølgningsmailen er sendt; noten kan ikke længere komme med."
    return None


def refuse_participants(state: CourseState, now: datetime, start: datetime) -> str | None:
    if (reason := refuse_closed(state)) is not None:
        return reason
    if now >= start:
        return "Kurset er begyndt; deltagerlisten kan ikke længere ændres."
    return None
