"""The order workflow: one order of a cluster package, stage by stage (DESIGN.md's table).

``run`` reads like that table; each stage is a method of a stage object (workflows/order/),
all of them holding one ``OrderRun`` – the order's clock, its event log and the plumbing – so
what the order knows is the fold of its events. The people's steps are Updates whose handlers
and validators below only hand over to ``OrderSteps``; the rules are pure
(schemas/order/refusals.py); side effects are activities.
"""

from __future__ import annotations

import asyncio
import contextlib

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.catalog_lookup import CatalogActivities
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
        PremeetingDone,
        PremeetingSchedule,
        Reschedule,
        RetryRender,
        StepAccepted,
        SurveyImport,
    )
    from schemas.order.events import (
        OrderCompleted,
        OrderPlaced,
        PackageLoaded,
        SurveyProgressReported,
    )
    from schemas.order.overview import OrderOverview
    from schemas.order.status import MinutesPage, OrderStatus, UploadPage
    from schemas.order.timeline import plan
    from schemas.shared.assignment import TaskAssign, first_holder
    from schemas.shared.errors import DomainError, Failure, LateOrder
    from schemas.survey.progress import RoundProgress
    from workflows import names
    from workflows.benchmark import BENCHMARK
    from workflows.extract_intake import ExtractIntake
    from workflows.kernel import RUN_SCOPED_MAIL, Cancelled
    from workflows.order.after_meeting import AfterMeeting
    from workflows.order.before_meeting import BeforeMeeting
    from workflows.order.documents import Documents
    from workflows.order.national import NationalFigures
    from workflows.order.partner import PartnerStages
    from workflows.order.run import WORKBENCH, OrderRun
    from workflows.order.steps import OrderSteps
    from workflows.order.survey import SurveyStage
    from workflows.order.views import OrderViews
    from workflows.refusals import invalid
    from workflows.waiting import REPLAY_SAFE


@workflow.defn(name=names.ORDER)
class OrderWorkflow:
    @workflow.init
    def __init__(self, inp: OrderInput) -> None:
        run = self._run = OrderRun(inp)
        self._survey = SurveyStage(run)
        self._national = NationalFigures(run)
        self._documents = Documents(run, self._national)
        self._before = BeforeMeeting(run, self._survey)
        self._partner = PartnerStages(run, self._documents)
        self._after = AfterMeeting(run)
        self._views = OrderViews(run)
        self._steps = OrderSteps(run, self._survey, self._after, self._views)
        self._intake = ExtractIntake(self._steps)

    # ---- the stages -------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: OrderInput) -> OrderStatus:
        run = self._run
        run.kernel.patched(REPLAY_SAFE)
        run.kernel.patched(WORKBENCH)
        run.kernel.patched(RUN_SCOPED_MAIL)
        run.kernel.patched(BENCHMARK)
        package = await run.kernel.look_up(
            CatalogActivities.load_package, inp.order.package, summary="Hent pakken fra kataloget"
        )
        run.record(PackageLoaded(at=run.now(), package=package))
        if inp.assignee is not None:
            # The order's named consultant, or the region's rule: theirs from the start.
            run.record(first_holder(inp.assignee, run.now()))
        # Planned from the moment the client accepted the order (its checks ran then), not from
        # this first task, which a busy or restarting worker may run minutes later.
        accepted = inp.accepted_at or run.now()
        allow_late = inp.allow_late
        if inp.late_request and not allow_late:
            # Sent to KiAP from the order form: nothing is planned until an operator answers.
            if not await self._before.late_decision(accepted):
                await workflow.wait_condition(workflow.all_handlers_finished)
                return self.status()
            accepted, allow_late = run.now(), True
        try:
            timeline = plan(run.order, accepted, allow_late=allow_late, process=run.pkg.process)
        except DomainError as exc:
            kind = Failure.LATE_ORDER if isinstance(exc, LateOrder) else Failure.INVALID_ORDER
            raise invalid(exc, kind) from None
        run.record(OrderPlaced(at=run.now(), timeline=timeline))
        extract: asyncio.Future[None] | None = None
        try:
            await self._before.order_placed()
            await self._before.consultation()
            await self._before.material()
            # Orders placed before uploads existed never wait for the extract.
            if run.pkg.process.extract and workflow.patched("jobcenter-extract"):
                extract = asyncio.ensure_future(self._partner.extract())
            await self._survey.until_answered()
            await self._national.share()
            await self._documents.at_due_date()
            if run.pkg.process.premeeting:
                await asyncio.gather(self._partner.premeeting(), self._before.invitation())
            else:
                await self._before.invitation()
            await self._before.meeting()
            if extract is not None:
                await extract
            await self._after.follow_up()
            run.record(OrderCompleted(at=run.now()))
        except Cancelled:
            if extract is not None:
                with contextlib.suppress(Cancelled):
                    await extract
            await self._survey.stop()
            await self._national.withdraw()
            await self._before.tell_cancelled()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    # ---- the people's steps: Updates (a refused one never enters history) ----------------

    @workflow.update(name="consultation_done")
    async def consultation_done(self, cmd: ConsultationDone) -> StepAccepted:
        return await self._steps.consultation_done(cmd)

    @consultation_done.validator
    def _check_consultation(self, cmd: ConsultationDone) -> None:
        self._steps.check_consultation(cmd)

    @workflow.update(name="survey_import")
    def survey_import(self, cmd: SurveyImport) -> StepAccepted:
        return self._steps.survey_import(cmd)

    @survey_import.validator
    def _check_survey_import(self, cmd: SurveyImport) -> None:
        self._steps.check_survey_import(cmd)

    @workflow.update(name="extract_submit")
    async def extract_submit(self, cmd: ExtractSubmit) -> ExtractAccepted:
        return await self._intake.submit(cmd)

    @extract_submit.validator
    def _check_extract_submit(self, cmd: ExtractSubmit) -> None:
        self._intake.check()

    @workflow.update(name="premeeting_schedule")
    def premeeting_schedule(self, cmd: PremeetingSchedule) -> StepAccepted:
        return self._steps.premeeting_schedule(cmd)

    @premeeting_schedule.validator
    def _check_premeeting_schedule(self, cmd: PremeetingSchedule) -> None:
        self._steps.check_premeeting_schedule(cmd)

    @workflow.update(name="premeeting_done")
    def premeeting_done(self, cmd: PremeetingDone) -> StepAccepted:
        return self._steps.premeeting_done(cmd)

    @premeeting_done.validator
    def _check_premeeting_done(self, cmd: PremeetingDone) -> None:
        self._steps.check_premeeting_done(cmd)

    @workflow.update(name="meeting_record")
    def meeting_record(self, cmd: MeetingRecord) -> StepAccepted:
        return self._steps.meeting_record(cmd)

    @meeting_record.validator
    def _check_meeting_record(self, cmd: MeetingRecord) -> None:
        self._steps.check_meeting_record(cmd)

    @workflow.update(name="agreement_done")
    async def agreement_done(self, cmd: AgreementDoneCommand) -> StepAccepted:
        return await self._steps.agreement_done(cmd)

    @agreement_done.validator
    def _check_agreement_done(self, cmd: AgreementDoneCommand) -> None:
        self._steps.check_agreement_done(cmd)

    @workflow.update(name="reschedule")
    async def reschedule(self, cmd: Reschedule) -> StepAccepted:
        return await self._steps.reschedule(cmd)

    @reschedule.validator
    def _check_reschedule(self, cmd: Reschedule) -> None:
        self._steps.check_reschedule(cmd)

    @workflow.update(name="assign_task")
    async def assign_task(self, cmd: TaskAssign) -> StepAccepted:
        return await self._steps.assign_task(cmd)

    @assign_task.validator
    def _check_assign_task(self, cmd: TaskAssign) -> None:
        self._steps.check_assign_task(cmd)

    @workflow.update(name="benchmark_consent")
    async def benchmark_consent(self, cmd: BenchmarkConsent) -> StepAccepted:
        return await self._national.consent(cmd)

    @benchmark_consent.validator
    def _check_benchmark_consent(self, cmd: BenchmarkConsent) -> None:
        self._national.check_consent(cmd)

    @workflow.update(name="cancel")
    async def cancel(self, cmd: Cancel) -> StepAccepted:
        return await self._steps.cancel(cmd)

    @cancel.validator
    def _check_cancel(self, cmd: Cancel) -> None:
        self._steps.check_cancel(cmd)

    @workflow.update(name="retry_render")
    def retry_render(self, cmd: RetryRender) -> StepAccepted:
        return self._steps.retry_render(cmd)

    @retry_render.validator
    def _check_retry_render(self, cmd: RetryRender) -> None:
        self._steps.check_retry_render(cmd)

    @workflow.update(name="decide_late")
    def decide_late(self, cmd: LateDecision) -> StepAccepted:
        return self._steps.decide_late(cmd)

    @decide_late.validator
    def _check_decide_late(self, cmd: LateDecision) -> None:
        self._steps.check_decide_late(cmd)

    @workflow.update(name="change_members")
    async def change_members(self, cmd: MembersChange) -> StepAccepted:
        return await self._steps.change_members(cmd)

    @change_members.validator
    def _check_change_members(self, cmd: MembersChange) -> None:
        self._steps.check_change_members(cmd)

    # ---- what the survey round tells, and what the pages read ----------------------------

    @workflow.signal(name="survey_progress")
    def survey_progress(self, progress: RoundProgress) -> None:
        run = self._run
        run.log.record(SurveyProgressReported(at=run.now(), progress=progress))
        if run.state.timeline is None:
            return
        if run.kernel.replay_safe:  # no command from a signal handler (workflows/waiting.py)
            run.show_details()
        else:
            run.publish()

    @workflow.query(name="status")
    def status(self) -> OrderStatus:
        return self._views.status()

    @workflow.query(name="overview")
    def overview(self) -> OrderOverview:
        return self._views.overview()

    @workflow.query(name="minutes_page")
    def minutes_page(self) -> MinutesPage:
        return self._views.minutes_page()

    @workflow.query(name="upload_page")
    def upload_page(self) -> UploadPage:
        return self._intake.page()
