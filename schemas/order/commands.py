"""What people ask of an order: the workflow input and each human step's Update payload.

Payloads are flat so a person can type them in the Temporal UI's *Send an Update* dialog.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from schemas.order.minutes import Minutes
from schemas.order.request import ContactBy, MeetingMode, OrderRequest
from schemas.package.program import ProgramChanges
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.copenhagen import LocalDateTime
from schemas.shared.people import Actor, Email, Member, Person
from schemas.survey.answers import SurveyResponse


class OrderInput(BaseModel):
    """The order workflow's input. The time scale is here so a replay sees the same clock."""

    order: OrderRequest
    consultant: Person = Field(description="The order's consultant, or the settings' default")
    allow_late: bool = False
    seconds_per_day: float | None = Field(default=None, gt=0)
    late_request: bool = Field(
        default=False,
        description="Placed less than 8 weeks ahead and sent to KiAP: waits for an operator's "
        "approve_late before anything is planned",
    )
    accepted_at: datetime | None = Field(
        default=None,
        description="When the client checked and accepted the order: the workflow plans from "
        "this time, so an order accepted just before its call slot never fails when its first "
        "task runs late (None: orders started before this, or not through the client)",
    )
    cluster_id: str | None = Field(
        default=None, description="The cluster workflow the order was placed from, if any"
    )
    assignee: Actor | None = Field(
        default=None,
        description="Who at KiAP gets the order's tasks from the start: the staff user the "
        "order names as its consultant, or the region's rule in the settings",
    )


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: Actor | None = Field(
        default=None, description="Who asks: the staff user (set by the workbench), or none"
    )


class ConsultationDone(_Command):
    contact_by: ContactBy = Field(description="Hvem kontakter jobcenteret: kiap eller klynge")
    mode: MeetingMode | None = Field(default=None, description="fysisk eller virtuelt")
    notes: str | None = Field(default=None, max_length=2000, description="Noter fra samtalen")
    practice_labels_by_mail: bool = Field(
        default=False,
        description="Hver praksis får sit eget bogstav i datatrækket at vide på mail",
    )


class SurveyImport(_Command):
    source: str = Field(max_length=200, description="Filnavnet på eksporten")
    responses: list[SurveyResponse] = Field(min_length=1, max_length=500)


class PremeetingSchedule(_Command):
    at: LocalDateTime = Field(description="Formødets tidspunkt, fx 2027-02-20T14:00")


class PremeetingDone(_Command):
    notes: str | None = Field(default=None, max_length=2000)
    program: ProgramChanges | None = Field(
        default=None, description="Ændringer i programmet aftalt på formødet"
    )


class MeetingRecord(_Command):
    minutes: Minutes


class AgreementDoneCommand(_Command):
    number: int = Field(ge=1, le=50, description="Aftalens nummer i referatet (1, 2, …)")
    by: str | None = Field(
        default=None, max_length=120, description="Hvem markerede den, fx den ansvarlige"
    )


class Reschedule(_Command):
    meeting: LocalDateTime = Field(description="Ny start for klyngemødet, fx 2027-03-10T16:00")
    allow_late: bool = False


class Cancel(_Command):
    reason: str = Field(min_length=3, max_length=500, description="Begrundelse")


class ExtractSubmit(_Command):
    upload: ArtifactRef = Field(description="The uploaded file in the upload store")
    uploaded_by: str = Field(
        min_length=2, max_length=80, description="Hvem sendte filen, fx jobcenter (upload-side)"
    )


class LateDecision(_Command):
    """KiAP's answer to a late order sent from the order form."""

    approve: bool
    reason: str | None = Field(
        default=None, max_length=500, description="Begrundelse; skal udfyldes ved et afslag"
    )
    by: str = Field(default="drift", min_length=2, max_length=80)


class MembersChange(_Command):
    """The coordinator adds or removes members until the survey has closed."""

    add: list[Member] = Field(default_factory=list, max_length=100)
    remove: list[Email] = Field(default_factory=list, max_length=100)


class BenchmarkConsent(_Command):
    """The coordinator's answer to "Vores tal må ikke indgå i landstal"."""

    opted_out: bool


class RetryRender(_Command):
    by: str = Field(default="drift", min_length=2, max_length=80, description="Hvem beder om det")


class OrderStarted(BaseModel):
    """An order the client started: its id, and whether it waits for KiAP's answer (late)."""

    order_id: str
    awaiting_approval: bool = False


class StepAccepted(BaseModel):
    """An Update's answer: a Danish confirmation for the person who sent it."""

    message: str


class ExtractAccepted(StepAccepted):
    version: int
    receipt: ArtifactRef = Field(description="The extract as read, for the uploader to see")
