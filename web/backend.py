"""What the pages ask of the rest of the system: the typed seam between the web app and
Temporal. client/facade.py's KlyngepakkeClient is the one implementation in production (the
composition root hands it to web/app.py); the tests' fakes implement the same protocols
(tests/web/fakes.py), and mypy checks both against them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from client.repair import Repaired
from schemas.cluster.commands import (
    AssemblySet,
    CoordinatorChange,
    DutyConfirm,
    HandoverConfirm,
    MeetingNote,
    MembersReplace,
    PayoutRecord,
    PayoutReported,
)
from schemas.cluster.view import ClusterPage
from schemas.course.commands import CourseNoteCommand, ParticipantsCommand
from schemas.course.status import CourseStatus
from schemas.order.commands import (
    AgreementDoneCommand,
    Cancel,
    ConsultationDone,
    ExtractAccepted,
    LateDecision,
    MeetingRecord,
    MembersChange,
    OrderStarted,
    PremeetingDone,
    PremeetingSchedule,
    Reschedule,
    RetryRender,
    StepAccepted,
    SurveyImport,
)
from schemas.order.listing import OrderSummary
from schemas.order.request import OrderRequest
from schemas.order.status import MinutesPage, OrderStatus, UploadPage
from schemas.package.model import SurveyTemplate
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.assignment import TaskAssign
from schemas.survey.answers import SurveyResponse
from schemas.survey_round.round import SurveyForm
from schemas.views.coordinator import CoordinatorView


class OrderPages(Protocol):
    """An order: placed from the form, read by the coordinator's, the minutes and the upload
    pages and the workbench, and each person's step."""

    async def place(
        self,
        order: OrderRequest,
        *,
        order_id: str | None = None,
        allow_late: bool = False,
        late_request: bool = False,
        seconds_per_day: float | None = None,
        submission: str | None = None,
        cluster_id: str | None = None,
    ) -> OrderStarted: ...

    async def order_page(self, order_id: str) -> OrderStatus | None: ...
    async def coordinator_view(self, order_id: str) -> CoordinatorView | None: ...
    async def minutes_page(self, order_id: str) -> MinutesPage | None: ...
    async def upload_page(self, order_id: str) -> UploadPage | None: ...
    async def extract_submit(
        self, order_id: str, upload: ArtifactRef, uploaded_by: str
    ) -> ExtractAccepted: ...
    async def consultation_done(self, order_id: str, cmd: ConsultationDone) -> StepAccepted: ...
    async def survey_import(self, order_id: str, cmd: SurveyImport) -> StepAccepted: ...
    async def premeeting_schedule(self, order_id: str, cmd: PremeetingSchedule) -> StepAccepted: ...
    async def premeeting_done(self, order_id: str, cmd: PremeetingDone) -> StepAccepted: ...
    async def meeting_record(self, order_id: str, cmd: MeetingRecord) -> StepAccepted: ...
    async def agreement_done(self, order_id: str, cmd: AgreementDoneCommand) -> StepAccepted: ...
    async def reschedule(self, order_id: str, cmd: Reschedule) -> StepAccepted: ...
    async def cancel(self, order_id: str, cmd: Cancel) -> StepAccepted: ...
    async def assign_task(self, order_id: str, cmd: TaskAssign) -> StepAccepted: ...
    async def retry_render(self, order_id: str, cmd: RetryRender) -> StepAccepted: ...
    async def decide_late(self, order_id: str, cmd: LateDecision) -> StepAccepted: ...
    async def change_members(self, order_id: str, cmd: MembersChange) -> StepAccepted: ...
    async def repair(self, order_id: str) -> list[Repaired]: ...
    async def list_orders(
        self,
        limit: int = 200,
        where: dict[str, str] | None = None,
        conditions: list[str] | None = None,
        running: bool = False,
    ) -> list[OrderSummary]: ...
    async def others_needing_attention(self) -> list[OrderSummary]: ...


class SurveyPages(Protocol):
    """The order's first survey round (the coordinator's page) and any round's member form."""

    async def edit(self, order_id: str, template: SurveyTemplate) -> StepAccepted: ...
    async def dispatch(self, order_id: str) -> StepAccepted: ...
    async def close(self, order_id: str) -> StepAccepted: ...
    async def form(self, workflow_id: str, member: int) -> SurveyForm | None: ...
    async def answer(
        self, workflow_id: str, member: int, response: SurveyResponse
    ) -> StepAccepted: ...


class CoursePages(Protocol):
    """A course's teachers' page."""

    async def page(self, course_id: str) -> CourseStatus | None: ...
    async def task_done(self, course_id: str, task: str) -> StepAccepted: ...
    async def note(self, course_id: str, cmd: CourseNoteCommand) -> StepAccepted: ...
    async def participants(self, course_id: str, cmd: ParticipantsCommand) -> StepAccepted: ...


class ClusterPages(Protocol):
    """The cluster's coordinator's page (the year) and the order form that names the cluster."""

    async def page(self, workflow_id: str) -> ClusterPage | None: ...
    async def members_replace(self, workflow_id: str, cmd: MembersReplace) -> StepAccepted: ...
    async def duty_confirm(self, workflow_id: str, cmd: DutyConfirm) -> StepAccepted: ...
    async def payout_record(self, workflow_id: str, cmd: PayoutRecord) -> StepAccepted: ...
    async def payout_reported(self, workflow_id: str, cmd: PayoutReported) -> StepAccepted: ...
    async def assembly_set(self, workflow_id: str, cmd: AssemblySet) -> StepAccepted: ...
    async def coordinator_change(
        self, workflow_id: str, cmd: CoordinatorChange
    ) -> StepAccepted: ...
    async def handover_confirm(self, workflow_id: str, cmd: HandoverConfirm) -> StepAccepted: ...
    async def meeting_note(self, workflow_id: str, cmd: MeetingNote) -> StepAccepted: ...


class SchedulePages(Protocol):
    """Drift's button: the morning overview now."""

    async def trigger(self) -> None: ...


class Backend(Protocol):
    """Everything the web app asks of the system, one part per resource."""

    @property
    def orders(self) -> OrderPages: ...
    @property
    def surveys(self) -> SurveyPages: ...
    @property
    def courses(self) -> CoursePages: ...
    @property
    def clusters(self) -> ClusterPages: ...
    @property
    def schedules(self) -> SchedulePages: ...
    async def clock(self) -> datetime: ...
