"""The client's order part: start an order, send its people's Updates, read its status, list
and repair orders, and what the people's pages read of an order."""

from __future__ import annotations

from temporalio.client import WorkflowExecutionStatus
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from client.calls import ClientConfig, WorkflowCalls
from client.follow_ups import FollowUps
from client.order_list import list_orders, others_needing_attention
from client.repair import Repaired, repair
from client.survey_rounds import SurveyRounds
from schemas.order.commands import (
    AgreementDoneCommand,
    BenchmarkConsent,
    Cancel,
    ConsultationDone,
    ExtractAccepted,
    ExtractSubmit,
    LateDecision,
    MeetingRecord,
    MembersChange,
    OrderInput,
    OrderStarted,
    PremeetingDone,
    PremeetingSchedule,
    Reschedule,
    RetryRender,
    StepAccepted,
    SurveyImport,
)
from schemas.order.listing import OrderSummary
from schemas.order.overview import OrderOverview
from schemas.order.request import OrderRequest, default_order_id
from schemas.order.status import MinutesPage, OrderStatus, UploadPage
from schemas.order.timeline import plan
from schemas.package.process import PartnerTexts
from schemas.shared.artifacts import ArtifactRef
from schemas.shared.assignment import TaskAssign
from schemas.shared.errors import DomainError, LateOrder, UnknownOrder
from schemas.survey_round.round import round_id
from schemas.views.coordinator import CoordinatorView
from workflows import names, search_attributes


class Orders:
    def __init__(
        self,
        calls: WorkflowCalls,
        config: ClientConfig,
        surveys: SurveyRounds,
        follow_ups: FollowUps,
    ) -> None:
        self._calls = calls
        self._config = config
        self._surveys = surveys
        self._follow_ups = follow_ups

    async def start(
        self,
        order: OrderRequest,
        *,
        order_id: str | None = None,
        allow_late: bool = False,
        seconds_per_day: float | None = None,
    ) -> str:
        """Start an order (the CLI's and the tests'): a late one only with ``allow_late``."""
        started = await self.place(
            order, order_id=order_id, allow_late=allow_late, seconds_per_day=seconds_per_day
        )
        return started.order_id

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
        """Start an order; a plan that cannot be made is refused (LateOrder, DomainError) before
        anything starts. The workflow plans from the same moment, so what is accepted here
        never fails there.

        ``late_request``: an order less than 8 weeks ahead goes to KiAP, which approves or
        refuses it. ``submission``: the order form's key; the same form sent twice starts
        one order (the second start finds the first and returns its id)."""
        accepted = await self._calls.clock()
        needs_approval = False
        process = self._config.catalog.package(order.package).process
        try:
            plan(order, accepted, allow_late=allow_late, process=process)
        except LateOrder:
            if not late_request:
                raise
            plan(order, accepted, allow_late=True, process=process)  # refused under 2 weeks
            needs_approval = True
        workflow_id = order_id or default_order_id(order)
        inp = OrderInput(
            order=order,
            consultant=order.consultant or self._config.default_consultant,
            allow_late=allow_late,
            late_request=needs_approval,
            seconds_per_day=seconds_per_day,
            accepted_at=accepted,
            cluster_id=cluster_id,
            assignee=self._config.assignee_for(order),
        )
        try:
            await self._start_order(inp, workflow_id, submission)
        except WorkflowAlreadyStartedError:
            if submission is None or await self._submitted_as(workflow_id) != submission:
                raise DomainError(
                    "meeting.start",
                    "klyngen har allerede bestilt pakken til et møde den dag – skriv til KiAP, "
                    "hvis bestillingen skal ændres, eller vælg en anden dato",
                ) from None
        return OrderStarted(order_id=workflow_id, awaiting_approval=needs_approval)

    async def _submitted_as(self, workflow_id: str) -> str | None:
        memo = await (await self._calls.handle(workflow_id).describe()).memo()
        value = memo.get("submission")
        return value if isinstance(value, str) else None

    async def _start_order(self, inp: OrderInput, workflow_id: str, submission: str | None) -> None:
        order = inp.order
        await self._calls.client.start_workflow(
            names.ORDER,
            inp,
            id=workflow_id,
            task_queue=self._config.task_queue,
            memo={"submission": submission} if submission else None,
            static_summary=f"{order.package}: {order.cluster.name}",
            static_details=" · ".join(
                [f"Klyngemøde {order.meeting.start.isoformat()}"]
                + ([order.municipality.name] if order.municipality else [])
            ),
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(search_attributes.PACKAGE, order.package),
                    SearchAttributePair(search_attributes.CLUSTER, order.cluster.name),
                    SearchAttributePair(search_attributes.REGION, order.cluster.region.value),
                    *(
                        [
                            SearchAttributePair(
                                search_attributes.MUNICIPALITY, order.municipality.name
                            )
                        ]
                        if order.municipality
                        else []
                    ),
                    SearchAttributePair(search_attributes.MEETING_DATE, order.meeting.start),
                ]
            ),
        )

    async def status(self, order_id: str) -> OrderStatus:
        return await self._calls.query(order_id, "status", OrderStatus)

    async def result(self, order_id: str) -> OrderStatus:
        return await self._calls.result(order_id, OrderStatus)

    # ---- the people's steps (Updates; a refusal is StepRejected in Danish) ----------------

    async def consultation_done(self, order_id: str, cmd: ConsultationDone) -> StepAccepted:
        return await self._calls.update(order_id, "consultation_done", cmd)

    async def survey_import(self, order_id: str, cmd: SurveyImport) -> StepAccepted:
        return await self._calls.update(order_id, "survey_import", cmd)

    async def premeeting_schedule(self, order_id: str, cmd: PremeetingSchedule) -> StepAccepted:
        return await self._calls.update(order_id, "premeeting_schedule", cmd)

    async def premeeting_done(self, order_id: str, cmd: PremeetingDone) -> StepAccepted:
        return await self._calls.update(order_id, "premeeting_done", cmd)

    async def meeting_record(self, order_id: str, cmd: MeetingRecord) -> StepAccepted:
        return await self._calls.update(order_id, "meeting_record", cmd)

    async def agreement_done(self, order_id: str, cmd: AgreementDoneCommand) -> StepAccepted:
        return await self._calls.update(order_id, "agreement_done", cmd)

    async def reschedule(self, order_id: str, cmd: Reschedule) -> StepAccepted:
        return await self._calls.update(order_id, "reschedule", cmd)

    async def cancel(self, order_id: str, cmd: Cancel) -> StepAccepted:
        return await self._calls.update(order_id, "cancel", cmd)

    async def assign_task(self, order_id: str, cmd: TaskAssign) -> StepAccepted:
        """Take the order's tasks, give them to a colleague, or let them go (the workbench)."""
        return await self._calls.update(order_id, "assign_task", cmd)

    async def retry_render(self, order_id: str, cmd: RetryRender) -> StepAccepted:
        return await self._calls.update(order_id, "retry_render", cmd)

    async def decide_late(self, order_id: str, cmd: LateDecision) -> StepAccepted:
        return await self._calls.update(order_id, "decide_late", cmd)

    async def benchmark_consent(self, order_id: str, cmd: BenchmarkConsent) -> StepAccepted:
        """The coordinator's "Vores tal må ikke indgå i landstal" (or that they may again)."""
        return await self._calls.update(order_id, "benchmark_consent", cmd)

    async def change_members(self, order_id: str, cmd: MembersChange) -> StepAccepted:
        return await self._calls.update(order_id, "change_members", cmd)

    async def extract_submit(
        self, order_id: str, upload: ArtifactRef, uploaded_by: str
    ) -> ExtractAccepted:
        """Let the order read and check an upload already in the upload store (the web app
        and the CLI put it there: storage/uploads.py); what it accepted, or StepRejected with
        the report by row and column."""
        if await self.upload_page(order_id) is None:
            await self._calls.raise_closed_or_unknown(order_id)
        return await self._calls.update(
            order_id,
            "extract_submit",
            ExtractSubmit(upload=upload, uploaded_by=uploaded_by),
            result_type=ExtractAccepted,
        )

    # ---- what the people's pages read --------------------------------------------------

    async def order_page(self, order_id: str) -> OrderStatus | None:
        """The order's status for a page, or None for an order that does not exist."""
        return await self._calls.page_query(order_id, "status", OrderStatus)

    async def coordinator_view(self, order_id: str) -> CoordinatorView | None:
        """Everything the coordinator's page shows: the order's overview, its survey round
        and its follow-up meeting; None for an order that does not exist."""
        overview = await self._calls.page_query(order_id, "overview", OrderOverview)
        if overview is None:
            return None
        # A query answers as of the order's last task; the page needs the order's time now.
        now = overview.status.clock.planned(await self._calls.clock())
        partner = self.partner_words(overview.order.package)
        overview = overview.model_copy(update={"now": now, "partner": partner})
        survey = await self._surveys.editor(round_id(order_id, 1))
        follow_up = (
            await self._follow_ups.status_of(order_id)
            if overview.status.follow_up_meeting
            else None
        )
        return CoordinatorView(overview=overview, survey=survey, follow_up=follow_up)

    async def minutes_page(self, order_id: str) -> MinutesPage | None:
        """What the minutes page shows, or None for an order that does not run (any more)."""
        page = await self._calls.page_query(order_id, "minutes_page", MinutesPage)
        if page is None:
            return None
        # The package's words for its partner, from the catalog the pages read.
        partner = self.partner_words(page.package) if page.package else None
        return page.model_copy(update={"partner": partner.definite if partner else None})

    async def upload_page(self, order_id: str) -> UploadPage | None:
        """What the upload page shows, or None for an order that does not run (any more)."""
        return await self._calls.page_query(order_id, "upload_page", UploadPage)

    def partner_words(self, package_id: str) -> PartnerTexts | None:
        """How a package names its partner (None: it has none, or the catalog lacks it)."""
        package = self._config.catalog.packages.get(package_id)
        return package.texts.partner if package is not None and package.texts else None

    # ---- operations --------------------------------------------------------------------

    async def repair(self, order_id: str) -> list[Repaired]:
        """Reset the order and its child workflows that stopped on a history they cannot
        replay after a worker crash (client/repair.py); the ones that were reset."""
        try:
            await self._calls.handle(order_id).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise UnknownOrder(order_id) from None
            raise
        found = []
        query = f"WorkflowId = '{order_id}' OR WorkflowId STARTS_WITH '{order_id}--'"
        async for execution in self._calls.client.list_workflows(query):
            if execution.status == WorkflowExecutionStatus.RUNNING:
                repaired = await repair(self._calls.client, execution.id)
                if repaired is not None:
                    found.append(repaired)
        return found

    async def list_orders(
        self,
        limit: int = 200,
        where: dict[str, str] | None = None,
        conditions: list[str] | None = None,
        running: bool = False,
    ) -> list[OrderSummary]:
        """Orders from Temporal's visibility (client/order_list.py)."""
        return await list_orders(self._calls.client, limit, where, conditions, running)

    async def others_needing_attention(self) -> list[OrderSummary]:
        """Courses and clusters whose mail did not arrive (client/order_list.py)."""
        return await others_needing_attention(self._calls.client)
