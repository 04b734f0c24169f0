"""The ten stages of an order, in order, with the Danish label operations read."""

from __future__ import annotations

from enum import StrEnum

from schemas.package.process import Process


class Step(StrEnum):
    ORDER = "order"
    CONSULTATION = "consultation"
    MATERIAL = "material"
    SURVEY = "survey"
    JOBCENTER = "jobcenter"
    ARTIFACTS = "artifacts"
    PREMEETING = "premeeting"
    INVITATION = "invitation"
    MEETING = "meeting"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def number(self) -> int:
        return list(Step).index(self)


class StepState(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DONE = "done"
    OVERDUE = "overdue"
    SKIPPED = "skipped"


_LABELS = {
    Step.ORDER: "Bestilling",
    Step.CONSULTATION: "Telefonkonsultation",
    Step.MATERIAL: "Mail med materiale",
    Step.SURVEY: "Spørgeskema",
    Step.JOBCENTER: "Jobcenter: drejebog og datatræk",
    Step.ARTIFACTS: "PowerPoint, uddelingskopier og praksisark",
    Step.PREMEETING: "Formøde med jobcenteret",
    Step.INVITATION: "Invitation til deltagerne",
    Step.MEETING: "Klyngemøde",
    Step.FOLLOW_UP: "Opfølgning",
}


def has_step(process: Process, step: Step) -> bool:
    """Whether an order of a package with ``process`` has ``step``."""
    if step == Step.JOBCENTER:
        return process.extract
    if step == Step.PREMEETING:
        return process.premeeting
    return True
