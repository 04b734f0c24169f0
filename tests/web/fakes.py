"""Fakes of the web app's backend (web/backend.py's protocols): a part a test does not use
fails loudly when a page calls it, and each fake of a part implements what its pages call.
`make lint` checks this module with mypy --strict against the protocols."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from activities.extract_check import problem_lines
from activities.extract_file import parse_extract
from catalog import Catalog
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
    BenchmarkConsent,
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
from schemas.order.minutes import check_minutes
from schemas.order.request import OrderRequest
from schemas.order.status import MinutesPage, OrderStatus, UploadPage
from schemas.package.model import SurveyTemplate
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.assignment import TaskAssign
from schemas.shared.copenhagen import COPENHAGEN
from schemas.shared.errors import DomainError, DomainErrors, Failure, StepRejected
from schemas.survey.answers import SurveyResponse
from schemas.survey_round.round import SurveyForm
from schemas.views.coordinator import CoordinatorView
from storage.artifact_store import FolderArtifactStore
from web.backend import (
    Backend,
    ClusterPages,
    CoursePages,
    OrderPages,
    SchedulePages,
    SurveyPages,
)

ORDER = "attester--klynge-aalborg-oest--2027-03-03"
ROUND = "order-1--spoergeskema-1"
MEETING = datetime(2027, 3, 3, 16, tzinfo=COPENHAGEN)
PRACTICES = ["012345", "067890", "054321"]


def _unused(what: str) -> NoReturn:
    raise AssertionError(f"the page called {what}, which this test's fake does not serve")


class UnusedOrders:
    """Every call of the order part fails the test: subclasses serve what their pages use."""

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
    ) -> OrderStarted:
        _unused("orders.place")

    async def order_page(self, order_id: str) -> OrderStatus | None:
        _unused("orders.order_page")

    async def coordinator_view(self, order_id: str) -> CoordinatorView | None:
        _unused("orders.coordinator_view")

    async def minutes_page(self, order_id: str) -> MinutesPage | None:
        _unused("orders.minutes_page")

    async def upload_page(self, order_id: str) -> UploadPage | None:
        _unused("orders.upload_page")

    async def extract_submit(
        self, order_id: str, upload: ArtifactRef, uploaded_by: str
    ) -> ExtractAccepted:
        _unused("orders.extract_submit")

    async def consultation_done(self, order_id: str, cmd: ConsultationDone) -> StepAccepted:
        _unused("orders.consultation_done")

    async def survey_import(self, order_id: str, cmd: SurveyImport) -> StepAccepted:
        _unused("orders.survey_import")

    async def premeeting_schedule(self, order_id: str, cmd: PremeetingSchedule) -> StepAccepted:
        _unused("orders.premeeting_schedule")

    async def premeeting_done(self, order_id: str, cmd: PremeetingDone) -> StepAccepted:
        _unused("orders.premeeting_done")

    async def meeting_record(self, order_id: str, cmd: MeetingRecord) -> StepAccepted:
        _unused("orders.meeting_record")

    async def agreement_done(self, order_id: str, cmd: AgreementDoneCommand) -> StepAccepted:
        _unused("orders.agreement_done")

    async def reschedule(self, order_id: str, cmd: Reschedule) -> StepAccepted:
        _unused("orders.reschedule")

    async def cancel(self, order_id: str, cmd: Cancel) -> StepAccepted:
        _unused("orders.cancel")

    async def assign_task(self, order_id: str, cmd: TaskAssign) -> StepAccepted:
        _unused("orders.assign_task")

    async def retry_render(self, order_id: str, cmd: RetryRender) -> StepAccepted:
        _unused("orders.retry_render")

    async def decide_late(self, order_id: str, cmd: LateDecision) -> StepAccepted:
        _unused("orders.decide_late")

    async def change_members(self, order_id: str, cmd: MembersChange) -> StepAccepted:
        _unused("orders.change_members")

    async def benchmark_consent(self, order_id: str, cmd: BenchmarkConsent) -> StepAccepted:
        _unused("orders.benchmark_consent")

    async def repair(self, order_id: str) -> list[Repaired]:
        _unused("orders.repair")

    async def list_orders(
        self,
        limit: int = 200,
        where: dict[str, str] | None = None,
        conditions: list[str] | None = None,
        running: bool = False,
    ) -> list[OrderSummary]:
        _unused("orders.list_orders")

    async def others_needing_attention(self) -> list[OrderSummary]:
        _unused("orders.others_needing_attention")


class UnusedSurveys:
    async def edit(self, order_id: str, template: SurveyTemplate) -> StepAccepted:
        _unused("surveys.edit")

    async def dispatch(self, order_id: str) -> StepAccepted:
        _unused("surveys.dispatch")

    async def close(self, order_id: str) -> StepAccepted:
        _unused("surveys.close")

    async def form(self, workflow_id: str, member: int) -> SurveyForm | None:
        _unused("surveys.form")

    async def answer(self, workflow_id: str, member: int, response: SurveyResponse) -> StepAccepted:
        _unused("surveys.answer")


class UnusedCourses:
    async def page(self, course_id: str) -> CourseStatus | None:
        _unused("courses.page")

    async def task_done(self, course_id: str, task: str) -> StepAccepted:
        _unused("courses.task_done")

    async def assign_task(self, workflow_id: str, cmd: TaskAssign) -> StepAccepted:
        _unused("courses.assign_task")

    async def note(self, course_id: str, cmd: CourseNoteCommand) -> StepAccepted:
        _unused("courses.note")

    async def participants(self, course_id: str, cmd: ParticipantsCommand) -> StepAccepted:
        _unused("courses.participants")


class UnusedClusters:
    async def page(self, workflow_id: str) -> ClusterPage | None:
        _unused("clusters.page")

    async def members_replace(self, workflow_id: str, cmd: MembersReplace) -> StepAccepted:
        _unused("clusters.members_replace")

    async def duty_confirm(self, workflow_id: str, cmd: DutyConfirm) -> StepAccepted:
        _unused("clusters.duty_confirm")

    async def payout_record(self, workflow_id: str, cmd: PayoutRecord) -> StepAccepted:
        _unused("clusters.payout_record")

    async def payout_reported(self, workflow_id: str, cmd: PayoutReported) -> StepAccepted:
        _unused("clusters.payout_reported")

    async def assembly_set(self, workflow_id: str, cmd: AssemblySet) -> StepAccepted:
        _unused("clusters.assembly_set")

    async def coordinator_change(self, workflow_id: str, cmd: CoordinatorChange) -> StepAccepted:
        _unused("clusters.coordinator_change")

    async def handover_confirm(self, workflow_id: str, cmd: HandoverConfirm) -> StepAccepted:
        _unused("clusters.handover_confirm")

    async def meeting_note(self, workflow_id: str, cmd: MeetingNote) -> StepAccepted:
        _unused("clusters.meeting_note")

    async def assign_task(self, workflow_id: str, cmd: TaskAssign) -> StepAccepted:
        _unused("clusters.assign_task")


class UnusedSchedules:
    async def trigger(self) -> None:
        _unused("schedules.trigger")


@dataclass
class FakeBackend:
    """The web app's backend made of fakes; mypy checks it against web/backend.py's Backend."""

    orders: OrderPages = field(default_factory=UnusedOrders)
    surveys: SurveyPages = field(default_factory=UnusedSurveys)
    courses: CoursePages = field(default_factory=UnusedCourses)
    clusters: ClusterPages = field(default_factory=UnusedClusters)
    schedules: SchedulePages = field(default_factory=UnusedSchedules)
    now: datetime = MEETING

    async def clock(self) -> datetime:
        return self.now


def serving(backend: Backend) -> Callable[[], Awaitable[Backend]]:
    """What web.app.create_app takes: the backend, as the composition root hands it over."""

    async def factory() -> Backend:
        return backend

    return factory


# ---- the fakes of the people's pages ------------------------------------------------------


TEMPLATE = Catalog().package("attester-i-almen-praksis").survey
SPEC = Catalog().package("attester-i-almen-praksis").extract


class FakeRound(UnusedSurveys):
    """A round open for answers: the member form's page reads and answers it."""

    def __init__(self, open_: bool = True) -> None:
        self.open = open_
        self.answers: dict[int, SurveyResponse] = {}

    async def form(self, workflow_id: str, member: int) -> SurveyForm | None:
        if workflow_id != ROUND:
            return None
        return SurveyForm(
            open=self.open,
            dispatched=True,
            cluster="Klynge Aalborg Øst",
            template=TEMPLATE,
            previous=self.answers.get(member),
            close_at=datetime(2027, 1, 20, 9, tzinfo=COPENHAGEN),
        )

    async def answer(self, workflow_id: str, member: int, response: SurveyResponse) -> StepAccepted:
        if not self.open:
            raise StepRejected("Spørgeskemaet er lukket.", Failure.ROUND_CLOSED)
        self.answers[member] = response
        return StepAccepted(
            message="Tak for dit svar. Du kan ændre det, indtil spørgeskemaet lukker."
        )


class MinutesOrder(UnusedOrders):
    """An order at its meeting: the minutes page reads it and records the minutes."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.recorded: list[MeetingRecord] = []

    async def minutes_page(self, order_id: str) -> MinutesPage | None:
        if order_id != ORDER:
            return None
        return MinutesPage(
            cluster="Klynge Aalborg Øst",
            municipality="Aalborg Kommune",
            meeting=MEETING,
            open=self.now >= MEETING and not self.recorded,
            recorded=bool(self.recorded),
            members=["Mette Holm", "Søren Ærø"],
            owners=["Klyngen", "Jobcenteret", "Alle praksisser", "Mette Holm", "Søren Ærø"],
        )

    async def meeting_record(self, order_id: str, cmd: MeetingRecord) -> StepAccepted:
        try:
            check_minutes(cmd.minutes, MEETING, self.now)
        except DomainError as exc:
            raise StepRejected(str(exc)) from None
        self.recorded.append(cmd)
        return StepAccepted(
            message=f"Referatet med {len(cmd.minutes.agreements)} aftaler er registreret."
        )


class UploadOrder(UnusedOrders):
    """Reads the stored upload with the real parser and keeps the receipt, as the worker's
    activity would."""

    def __init__(self, stores: Path, open_: bool = True) -> None:
        self.open = open_
        self.uploads = FolderArtifactStore(stores / "uploads")
        self.artifacts = FolderArtifactStore(stores / "artifacts")
        self.received: list[tuple[str, str]] = []

    async def upload_page(self, order_id: str) -> UploadPage | None:
        if order_id != ORDER:
            return None
        return UploadPage(
            cluster="Klynge Aalborg Øst",
            municipality="Aalborg Kommune",
            due=datetime(2027, 2, 10, 8, tzinfo=COPENHAGEN),
            meeting=MEETING,
            open=self.open,
            uploads=[],
        )

    async def extract_submit(
        self, order_id: str, upload: ArtifactRef, uploaded_by: str
    ) -> ExtractAccepted:
        assert SPEC is not None
        try:
            parsed = parse_extract(self.uploads.read(upload), upload.name, PRACTICES, SPEC)
        except (DomainError, DomainErrors) as exc:
            raise StepRejected(
                "Datatrækket blev ikke modtaget – ret disse fejl og send hele filen igen:\n"
                + "\n".join(f"- {line}" for line in problem_lines(exc))
            ) from None
        self.received.append((upload.name, uploaded_by))
        receipt = self.artifacts.put(
            order_id,
            "extract",
            "datatraek.json",
            "application/json",
            parsed.model_dump_json().encode(),
        )
        return ExtractAccepted(
            message=f"Datatrækket (version 1) er modtaget: {parsed.rows_read} rækker.",
            version=1,
            receipt=receipt,
        )


def fake_backend(
    *,
    orders: OrderPages | None = None,
    surveys: SurveyPages | None = None,
    courses: CoursePages | None = None,
    clusters: ClusterPages | None = None,
    now: datetime = MEETING,
) -> Callable[[], Awaitable[Backend]]:
    """create_app's backend from the fakes a test uses; the rest fail when called."""
    return serving(
        FakeBackend(
            orders=orders or UnusedOrders(),
            surveys=surveys or UnusedSurveys(),
            courses=courses or UnusedCourses(),
            clusters=clusters or UnusedClusters(),
            now=now,
        )
    )
