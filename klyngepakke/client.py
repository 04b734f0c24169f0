"""The one typed client: start an order, send its Updates, read its status. The CLI, the web
app and the demo talk to Temporal only through this module."""

from __future__ import annotations

from pydantic import BaseModel
from temporalio.client import (
    WorkflowExecutionStatus,
)
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from klyngepakke.order_list import OrderSummary, list_orders
from klyngepakke.repair import Repaired, repair
from klyngepakke.temporal_calls import WorkflowCalls, connect
from schemas.artifacts import ArtifactRef
from schemas.catalog import SurveyTemplate
from schemas.commands import (
    AgreementDoneCommand,
    Cancel,
    ConsultationDone,
    ExtractAccepted,
    ExtractSubmit,
    LateDecision,
    MeetingRecord,
    MembersChange,
    OrderInput,
    PremeetingDone,
    PremeetingSchedule,
    Reschedule,
    RetryRender,
    StepAccepted,
    SurveyImport,
)
from schemas.errors import (
    ANSWER_UNCHANGED,
    DomainError,
    Failure,
    LateOrder,
    StepRejected,
    UnknownOrder,
    WorkflowDied,
)
from schemas.follow_up import FollowUpStatus, follow_up_id
from schemas.order import OrderRequest, default_order_id
from schemas.order_status import MinutesPage, OrderStatus, UploadPage
from schemas.overview import CoordinatorView, OrderOverview
from schemas.package_process import PartnerTexts
from schemas.survey import SurveyResponse
from schemas.survey_round import AnswerSubmission, RoundEditor, RoundProgress, SurveyForm
from schemas.timeline import plan
from workflows import search_attributes
from workflows.follow_up_meeting import FollowUpMeeting
from workflows.order import OrderWorkflow
from workflows.survey_round import SurveyRound, round_id


class OrdersClient(WorkflowCalls):
    """An order's calls: start, its people's steps, status, list, repair; what the
    people's pages read of it."""

    async def start(
        self,
        order: OrderRequest,
        *,
        order_id: str | None = None,
        allow_late: bool = False,
        late_request: bool = False,
        seconds_per_day: float | None = None,
        submission: str | None = None,
        cluster_id: str | None = None,
    ) -> str:
        """Start an order; a plan that cannot be made is refused before anything starts. The
        workflow plans from the same moment, so what is accepted here never fails there.

        ``late_request``: an order less than 8 weeks ahead goes to KiAP, which approves or
        refuses it. ``submission``: the order form's key; the same form sent twice starts
        one order (the second start finds the first and returns its id)."""
        accepted = await self.clock()
        needs_approval = False
        process = self.settings.catalog().package(order.package).process
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
            consultant=order.consultant or self.settings.default_consultant,
            allow_late=allow_late,
            late_request=needs_approval,
            seconds_per_day=seconds_per_day,
            accepted_at=accepted,
            cluster_id=cluster_id,
        )
        try:
            await self._start_order(inp, workflow_id, submission)
        except WorkflowAlreadyStartedError:
            if submission is not None and await self._submitted_as(workflow_id) == submission:
                return workflow_id
            raise DomainError(
                "meeting.start",
                "klyngen har allerede bestilt pakken til et møde den dag – skriv til KiAP, hvis "
                "bestillingen skal ændres, eller vælg en anden dato",
            ) from None
        return workflow_id

    async def _submitted_as(self, workflow_id: str) -> str | None:
        memo = await (await self._handle(workflow_id).describe()).memo()
        value = memo.get("submission")
        return value if isinstance(value, str) else None

    async def _start_order(self, inp: OrderInput, workflow_id: str, submission: str | None) -> None:
        order = inp.order
        await self.client.start_workflow(
            OrderWorkflow.run,
            inp,
            id=workflow_id,
            task_queue=self.settings.task_queue,
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
        try:
            return await self._handle(order_id).query(OrderWorkflow.status)
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise UnknownOrder(order_id) from None
            raise

    async def _update(
        self,
        order_id: str,
        name: str,
        payload: BaseModel,
        result_type: type[StepAccepted] = StepAccepted,
    ) -> StepAccepted:
        try:
            return await self._execute_update(order_id, name, payload, result_type=result_type)
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                await self._raise_closed_or_unknown(order_id)
            raise

    async def _raise_closed_or_unknown(self, order_id: str) -> None:
        """A finished order answers an Update with 'not found'; tell the two cases apart."""
        try:
            described = await self._handle(order_id).describe()
        except RPCError:
            raise UnknownOrder(order_id) from None
        state = (
            "annulleret" if described.status == WorkflowExecutionStatus.COMPLETED else "afsluttet"
        )
        try:
            final = await self.status(order_id)
            state = {"cancelled": "annulleret", "completed": "afsluttet"}.get(final.status, state)
        except RPCError:
            pass
        raise StepRejected(f"Ordren er {state} og kan ikke ændres.")

    async def consultation_done(self, order_id: str, cmd: ConsultationDone) -> StepAccepted:
        return await self._update(order_id, "consultation_done", cmd)

    async def survey_import(self, order_id: str, cmd: SurveyImport) -> StepAccepted:
        return await self._update(order_id, "survey_import", cmd)

    async def premeeting_schedule(self, order_id: str, cmd: PremeetingSchedule) -> StepAccepted:
        return await self._update(order_id, "premeeting_schedule", cmd)

    async def premeeting_done(self, order_id: str, cmd: PremeetingDone) -> StepAccepted:
        return await self._update(order_id, "premeeting_done", cmd)

    async def meeting_record(self, order_id: str, cmd: MeetingRecord) -> StepAccepted:
        return await self._update(order_id, "meeting_record", cmd)

    async def agreement_done(self, order_id: str, cmd: AgreementDoneCommand) -> StepAccepted:
        return await self._update(order_id, "agreement_done", cmd)

    async def reschedule(self, order_id: str, cmd: Reschedule) -> StepAccepted:
        return await self._update(order_id, "reschedule", cmd)

    async def cancel(self, order_id: str, cmd: Cancel) -> StepAccepted:
        return await self._update(order_id, "cancel", cmd)

    async def retry_render(self, order_id: str, cmd: RetryRender) -> StepAccepted:
        return await self._update(order_id, "retry_render", cmd)

    async def decide_late(self, order_id: str, cmd: LateDecision) -> StepAccepted:
        return await self._update(order_id, "decide_late", cmd)

    async def change_members(self, order_id: str, cmd: MembersChange) -> StepAccepted:
        return await self._update(order_id, "change_members", cmd)

    async def order_page(self, order_id: str) -> OrderStatus | None:
        """The order's status for a page, or None for an order that does not exist."""
        status: OrderStatus | None = await self._page_query(order_id, OrderWorkflow.status)
        return status

    async def coordinator_view(self, order_id: str) -> CoordinatorView | None:
        """Everything the coordinator's page shows: the order's overview, its survey round
        and its follow-up meeting; None for an order that does not exist."""
        overview: OrderOverview | None = await self._page_query(order_id, OrderWorkflow.overview)
        if overview is None:
            return None
        # A query answers as of the order's last task; the page needs the order's time now.
        now = overview.status.clock.planned(await self.clock())
        partner = self.partner_words(overview.order.package)
        overview = overview.model_copy(update={"now": now, "partner": partner})
        survey: RoundEditor | None = await self._page_query(
            round_id(order_id, 1), SurveyRound.editor
        )
        follow_up: FollowUpStatus | None = None
        if overview.status.follow_up_meeting:
            follow_up = await self._page_query(follow_up_id(order_id), FollowUpMeeting.status)
        return CoordinatorView(overview=overview, survey=survey, follow_up=follow_up)

    async def minutes_page(self, order_id: str) -> MinutesPage | None:
        """What the minutes page shows, or None for an order that does not run (any more)."""
        page: MinutesPage | None = await self._page_query(order_id, OrderWorkflow.minutes_page)
        if page is None:
            return None
        # The package's words for its partner, from the catalog the pages read.
        partner = self.partner_words(page.package) if page.package else None
        return page.model_copy(update={"partner": partner.definite if partner else None})

    def partner_words(self, package_id: str) -> PartnerTexts | None:
        """How a package names its partner (None: it has none, or the catalog lacks it)."""
        package = self.settings.catalog().packages.get(package_id)
        return package.texts.partner if package is not None and package.texts else None

    # ---- the job centre's extract ---------------------------------------------------------

    async def upload_page(self, order_id: str) -> UploadPage | None:
        """What the upload page shows, or None for an order that does not run (any more)."""
        page: UploadPage | None = await self._page_query(order_id, OrderWorkflow.upload_page)
        return page

    async def extract_submit(
        self, order_id: str, upload: ArtifactRef, uploaded_by: str
    ) -> ExtractAccepted:
        """Let the order read and check an upload already in the upload store (the web app
        and the CLI put it there: storage/uploads.py); what it accepted, or StepRejected with
        the report by row and column."""
        if await self.upload_page(order_id) is None:
            await self._raise_closed_or_unknown(order_id)
        accepted = await self._update(
            order_id,
            "extract_submit",
            ExtractSubmit(upload=upload, uploaded_by=uploaded_by),
            result_type=ExtractAccepted,
        )
        assert isinstance(accepted, ExtractAccepted)
        return accepted

    # ---- the survey round (a child of the order, id derived from the order's) ----------

    async def _round_update(
        self,
        workflow_id: str,
        name: str,
        *args: BaseModel,
        gone: str = "Spørgeskemaet er ikke startet endnu eller er lukket: det startes, når "
        "materialemailen er sendt, og lukker på sin frist.",
    ) -> StepAccepted:
        try:
            return await self._execute_update(workflow_id, name, *args)
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                raise StepRejected(gone, Failure.ROUND_CLOSED) from None
            raise

    async def survey_edit(self, order_id: str, template: SurveyTemplate) -> StepAccepted:
        return await self._round_update(round_id(order_id, 1), "edit_questions", template)

    async def survey_dispatch(self, order_id: str) -> StepAccepted:
        return await self._round_update(round_id(order_id, 1), "dispatch")

    async def survey_close(self, order_id: str) -> StepAccepted:
        return await self._round_update(round_id(order_id, 1), "close")

    async def survey_form(self, workflow_id: str, member: int) -> SurveyForm | None:
        """The member's form, or None when no such round runs (an old or unknown link)."""
        form: SurveyForm | None = await self._page_query(workflow_id, SurveyRound.form, member)
        return form

    async def survey_answer(
        self, workflow_id: str, member: int, response: SurveyResponse
    ) -> StepAccepted:
        # The same answer again (a double click, the back button) is saved already: asked by a
        # query, which the history does not record, rather than an Update, which it does.
        form = await self.survey_form(workflow_id, member)
        if form is not None and form.open and form.previous == response:
            return StepAccepted(message=ANSWER_UNCHANGED)
        return await self._round_update(
            workflow_id,
            "submit_answer",
            AnswerSubmission(member=member, response=response),
            gone="Spørgeskemaet er lukket, og der kan ikke længere svares.",
        )

    async def survey_progress(self, order_id: str) -> RoundProgress:
        progress: RoundProgress = await self._handle(round_id(order_id, 1)).query(
            SurveyRound.progress
        )
        return progress

    async def repair(self, order_id: str) -> list[Repaired]:
        """Reset the order and its child workflows that stopped on a history they cannot
        replay after a worker crash (klyngepakke/repair.py); the ones that were reset."""
        try:
            await self._handle(order_id).describe()
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise UnknownOrder(order_id) from None
            raise
        found = []
        query = f"WorkflowId = '{order_id}' OR WorkflowId STARTS_WITH '{order_id}--'"
        async for execution in self.client.list_workflows(query):
            if execution.status == WorkflowExecutionStatus.RUNNING:
                repaired = await repair(self.client, execution.id)
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
        """Orders from Temporal's visibility (klyngepakke/order_list.py)."""
        return await list_orders(self.client, limit, where, conditions, running)

    async def result(self, order_id: str) -> OrderStatus:
        handle = self.client.get_workflow_handle(order_id, result_type=OrderStatus)
        status: OrderStatus = await handle.result()
        return status


__all__ = [
    "DomainError",
    "OrdersClient",
    "StepRejected",
    "UnknownOrder",
    "WorkflowDied",
    "connect",
]
