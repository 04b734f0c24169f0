"""The ten stages of an order, in order, with the Danish label operations read."""

from __future__ import annotations

from enum import StrEnum

from schemas.package.process import Process

# The partner stage's name in histories and search attributes recorded before it was neutral.
LEGACY_PARTNER_STEP = "jobcenter"


class Step(StrEnum):
    ORDER = "order"
    CONSULTATION = "consultation"
    MATERIAL = "material"
    SURVEY = "survey"
    PARTNER = "partner"
    ARTIFACTS = "artifacts"
    PREMEETING = "premeeting"
    INVITATION = "invitation"
    MEETING = "meeting"
    FOLLOW_UP = "follow_up"

    @classmethod
    def _missing_(cls, value: object) -> Step | None:
        # The partner's stage was called "jobcenter" in orders recorded before the engine named
        # it for every package (their timelines, in child workflows' inputs, still say so).
        return cls.PARTNER if value == LEGACY_PARTNER_STEP else None

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
    # A package names its partner (schemas/order/partner.py step_label); this is the label of
    # orders recorded before packages did, whose partner was always the job centre.
    Step.PARTNER: "Jobcenter: drejebog og datatræk",
    Step.ARTIFACTS: "PowerPoint, uddelingskopier og praksisark",
    Step.PREMEETING: "Formøde med jobcenteret",
    Step.INVITATION: "Invitation til deltagerne",
    Step.MEETING: "Klyngemøde",
    Step.FOLLOW_UP: "Opfølgning",
}


def has_step(process: Process, step: Step) -> bool:
    """Whether an order of a package with ``process`` has ``step``."""
    if step == Step.PARTNER:
        return process.extract
    if step == Step.PREMEETING:
        return process.premeeting
    return True
