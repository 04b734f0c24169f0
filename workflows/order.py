"""The order workflow: one order of a cluster package, stage by stage (DESIGN.md's table).

Each stage is a short method that waits on a due date from the timeline planner or on a
person's Update. Decisions live in schemas/; side effects in activities/. The stages with the
partner organisation are in workflows/order_partner.py, those after the meeting in
workflows/order_after_meeting.py, the human steps in workflows/order_steps.py (their rules in
schemas/order_refusals.py), the shared plumbing in workflows/order_base.py.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ChildWorkflowError
from temporalio.workflow import ChildWorkflowHandle

with workflow.unsafe.imports_passed_through():
    from activities.catalog_lookup import CatalogActivities
    from schemas.follow_up.meeting import FollowUpStatus
    from schemas.order.commands import LateDecision, OrderInput
    from schemas.order.events import (
        ArtifactsDelivered,
        ArtifactsRendered,
        ConsultationEscalated,
        DomainEvent,
        ExtractMissing,
        InvitationSent,
        JobcenterGuideSent,
        MaterialSent,
        OrderCompleted,
        OrderPlaced,
        Role,
        StepOverdue,
        StepSkipped,
        SurveyReminderSent,
        SurveyResultsImported,
    )
    from schemas.order.request import ContactBy, OrderRequest
    from schemas.order.state import OrderState
    from schemas.order.status import OrderStatus
    from schemas.order.steps import Step
    from schemas.order.timeline import plan
    from schemas.package.model import Package, SurveyTemplate
    from schemas.shared.clock import OrderClock
    from schemas.shared.errors import DomainError, Failure, LateOrder
    from schemas.survey.progress import RoundProgress
    from schemas.survey_round.round import RoundInput, RoundOutcome, round_id, round_plan
    from workflows import names
    from workflows.kernel import Kernel
    from workflows.order_after_meeting import AfterMeeting
    from workflows.order_base import _Cancelled
    from workflows.order_partner import PartnerStages
    from workflows.order_requests import OrderRequests
    from workflows.order_steps import OrderSteps
    from workflows.refusals import invalid
    from workflows.survey_round import SurveyRound
    from workflows.waiting import REPLAY_SAFE

# Orders started from here on upsert the workbench's search attributes too.
WORKBENCH = "workbench-attributes"


@workflow.defn(name=names.ORDER)
class OrderWorkflow(OrderRequests, OrderSteps, PartnerStages, AfterMeeting):
    @workflow.init
    def __init__(self, inp: OrderInput) -> None:
        self._input = inp
        self._order: OrderRequest = inp.order
        self._clock = OrderClock(
            real_origin=workflow.now(),
            planned_origin=workflow.now(),
            seconds_per_day=inp.seconds_per_day,
        )
        self._events: list[DomainEvent] = []
        self._state = OrderState()
        self._package: Package | None = None
        self._cancel_requested = False
        self._premeetings_announced = 0
        self._round: ChildWorkflowHandle[Any, RoundOutcome] | None = None
        self._survey_progress: RoundProgress | None = None
        self._round_finished = False
        self._delivering = asyncio.Lock()
        self._extract_rendered = 0
        self._labels_told = False
        self._asked: SurveyTemplate | None = None
        self._follow_up_meeting: ChildWorkflowHandle[Any, FollowUpStatus] | None = None
        self._follow_up_finished = False
        self._follow_up_error: ChildWorkflowError | None = None
        self._follow_up_watch: asyncio.Future[None] | None = None
        self._late_decision: LateDecision | None = None
        self._replay_safe = False
        self._workbench = False
        self._kernel = Kernel(self._clock)

    # ---- the stages -------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: OrderInput) -> OrderStatus:
        self._replay_safe = self._kernel.replay_safe = workflow.patched(REPLAY_SAFE)
        self._workbench = workflow.patched(WORKBENCH)
        self._package = await self._kernel.look_up(
            CatalogActivities.load_package, inp.order.package, summary="Hent pakken fra kataloget"
        )
        # Planned from the moment the client accepted the order (its checks ran then), not from
        # this first task, which a busy or restarting worker may run minutes later.
        accepted = inp.accepted_at or self._now()
        allow_late = inp.allow_late
        if inp.late_request and not allow_late:
            # Sent to KiAP from the order form: nothing is planned until an operator answers.
            if not await self._await_late_decision(accepted):
                await workflow.wait_condition(workflow.all_handlers_finished)
                return self.status()
            accepted, allow_late = self._now(), True
        try:
            timeline = plan(self._order, accepted, allow_late=allow_late, process=self._pkg.process)
        except DomainError as exc:
            kind = Failure.LATE_ORDER if isinstance(exc, LateOrder) else Failure.INVALID_ORDER
            raise invalid(exc, kind) from None
        self._record(OrderPlaced(at=self._now(), timeline=timeline))
        jobcenter: asyncio.Future[None] | None = None
        try:
            await self._order_placed()
            await self._consultation()
            await self._material()
            # Orders placed before uploads existed never wait for the extract.
            if self._pkg.process.extract and workflow.patched("jobcenter-extract"):
                jobcenter = asyncio.ensure_future(self._jobcenter())
            await self._survey()
            await self._artifacts()
            if self._pkg.process.premeeting:
                await asyncio.gather(self._premeeting(), self._invitation())
            else:
                await self._invitation()
            await self._meeting()
            if jobcenter is not None:
                await jobcenter
            await self._follow_up()
            self._record(OrderCompleted(at=self._now()))
        except _Cancelled:
            if jobcenter is not None:
                with contextlib.suppress(_Cancelled):
                    await jobcenter
            await self._stop_survey_round()
            await self._notify_cancelled()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.status()

    async def _order_placed(self) -> None:
        await self._mail("order_confirmation", "order_confirmation", "coordinator")
        await self._mail(
            "consultant_task",
            "consultant_task",
            "consultant",
            calendar=self._invite(
                "consultation",
                "Telefonkonsultation: klyngepakke",
                self._order.call_at,
                30,
                attendees=("consultant",),
            ),
            # The chosen time went by before the order got here: call as soon as possible.
            call_passed=self._now() >= self._order.call_at,
        )

    async def _consultation(self) -> None:
        done = await self._wait_until(
            lambda: self._timeline.consultation_escalation,
            lambda: self._state.is_done(Step.CONSULTATION),
            "Venter på telefonkonsultationen",
        )
        if not done:
            self._record(StepOverdue(at=self._now(), step=Step.CONSULTATION))
            self._record(ConsultationEscalated(at=self._now()))
            await self._mail("consultation_escalation", "consultation_escalation", "consultant")
            await self._wait_until(
                None,
                lambda: self._state.is_done(Step.CONSULTATION),
                "Venter på telefonkonsultationen (rykket)",
            )

    async def _material(self) -> None:
        if not self._pkg.process.partner:
            # Nothing to pass on to a partner: the coordinator gets the links and the survey.
            await self._mail("material", "material", "coordinator")
            self._record(MaterialSent(at=self._now()))
            await self._start_survey_round()
            return
        with_template = self._pkg.process.extract and workflow.patched("jobcenter-extract")
        kinds = ["jobcenter_guide", "extract_template"] if with_template else ["jobcenter_guide"]
        rendered = await self._render(kinds)
        guide, template = rendered[0], (rendered[1] if with_template else None)
        sent = [guide, template] if template else [guide]
        consultation = self._state.consultation
        assert consultation is not None
        # Whoever contacts the job centre passes on the upload link with the template.
        by_kiap = consultation.contact_by == ContactBy.KIAP
        await self._mail(
            "material",
            "material",
            "coordinator",
            attachments=sent,
            upload_link=with_template and not by_kiap,
        )
        self._record(MaterialSent(at=self._now()))
        if by_kiap:
            await self._mail(
                "jobcenter_guide",
                "jobcenter_guide",
                "jobcenter",
                attachments=sent,
                upload_link=with_template,
            )
        self._record(
            JobcenterGuideSent(
                at=self._now(),
                contact_by=consultation.contact_by,
                artifact=guide,
                template=template,
            )
        )
        # Orders placed before the web survey existed keep importing their results.
        if workflow.patched("survey-round"):
            await self._start_survey_round()

    async def _start_survey_round(self) -> None:
        material_sent = self._state.steps[Step.MATERIAL].done_at
        assert material_sent is not None
        order_id = workflow.info().workflow_id
        self._round = await workflow.start_child_workflow(
            SurveyRound.run,
            RoundInput(
                order_id=order_id,
                round_number=1,
                order=self._order,
                timeline=self._timeline,
                template=self._pkg.survey,
                plan=round_plan(self._timeline, material_sent),
                clock=self._clock,
            ),
            id=round_id(order_id, 1),
            static_summary=f"Spørgeskema, runde 1: {self._order.cluster.name}",
        )

    async def _survey(self) -> None:
        if self._round is not None:
            await self._survey_by_round(self._round)
            return
        imported = lambda: self._state.is_done(Step.SURVEY)  # noqa: E731
        if not await self._wait_until(
            lambda: self._timeline.survey_reminder, imported, "Venter på spørgeskemaets svar"
        ):
            await self._mail("survey_reminder", "survey_reminder", "coordinator")
            self._record(SurveyReminderSent(at=self._now()))
        if not await self._wait_until(
            lambda: self._timeline.due[Step.SURVEY],
            imported,
            "Venter på spørgeskemaets svar (frist)",
        ):
            self._record(StepOverdue(at=self._now(), step=Step.SURVEY))

    async def _survey_by_round(self, handle: ChildWorkflowHandle[Any, RoundOutcome]) -> None:
        """The round closes itself on the due date; an import from another tool closes it early."""
        round_done = asyncio.ensure_future(handle)
        round_done.add_done_callback(lambda _: setattr(self, "_round_finished", True))
        await workflow.wait_condition(
            lambda: self._state.is_done(Step.SURVEY) or round_done.done() or self._cancel_requested
        )
        if self._cancel_requested:
            raise _Cancelled()
        if self._state.is_done(Step.SURVEY):
            await self._tell_child(handle.id, "close_now", handle.signal(SurveyRound.close_now))
            with contextlib.suppress(ChildWorkflowError):  # the imported answers are in
                await round_done
            return
        try:
            outcome = round_done.result()
        except ChildWorkflowError as exc:
            await self._child_failed(handle.id, "Spørgeskemarunden", exc)
            self._record(StepOverdue(at=self._now(), step=Step.SURVEY))
            return
        self._survey_progress = outcome.progress
        self._asked = outcome.template
        if outcome.results.respondents and not self._state.is_done(Step.SURVEY):
            self._record(
                SurveyResultsImported(at=self._now(), source="webformular", results=outcome.results)
            )
        elif not self._state.is_done(Step.SURVEY):
            self._record(StepOverdue(at=self._now(), step=Step.SURVEY))

    async def _artifacts(self) -> None:
        await self._wait_until(
            lambda: self._timeline.due[Step.ARTIFACTS], None, "Venter til PowerPointen skal leveres"
        )
        if not self._state.is_done(Step.SURVEY):
            self._record(
                StepSkipped(
                    at=self._now(),
                    step=Step.SURVEY,
                    reason="svarene var ikke indlæst, da PowerPointen blev lavet",
                )
            )
        if not self._state.extract_received:
            self._record(ExtractMissing(at=self._now()))
        await self._deliver_documents("coordinator")

    async def _deliver_documents(self, *roles: Role, why: str | None = None) -> None:
        """Render the meeting documents; deliver them when any changed since the last time.
        One delivery at a time, so a late extract and a pre-meeting never share a version."""
        async with self._delivering:
            self._extract_rendered = self._state.extract_version
            refs = await self._render(self._pkg.meeting_documents)
            if self._state.artifact_version and all(r in self._state.artifacts for r in refs):
                return
            version = self._state.artifact_version + 1
            self._record(ArtifactsRendered(at=self._now(), version=version, artifacts=refs))
            await self._mail(
                "artifacts_delivered",
                f"artifacts_delivered-v{version}",
                *roles,
                attachments=refs,
                delivery=version,
                delivery_note=why,
            )
            self._record(ArtifactsDelivered(at=self._now(), version=version, roles=list(roles)))

    async def _invitation(self) -> None:
        await self._wait_until(
            lambda: self._timeline.due[Step.INVITATION], None, "Venter til invitationen skal sendes"
        )
        # The job centre gives two talks at the meeting: it is invited with the members.
        await self._mail(
            "invitation",
            f"invitation-{self._replans_made}",
            "members",
            "jobcenter",
            calendar=self._meeting_invite(),
        )
        self._record(InvitationSent(at=self._now(), invited=len(self._order.members)))
        await self._mail(
            "practical_checklist",
            f"practical_checklist-{self._replans_made}",
            "coordinator",
            minutes_link=True,
        )

    async def _meeting(self) -> None:
        recorded = lambda: self._state.is_done(Step.MEETING)  # noqa: E731
        if not await self._wait_until(
            lambda: self._timeline.meeting_escalation,
            recorded,
            "Venter på referatet fra klyngemødet",
        ):
            self._record(StepOverdue(at=self._now(), step=Step.MEETING))
            await self._mail(
                "meeting_escalation", "meeting_escalation", "coordinator", minutes_link=True
            )
            await self._wait_until(None, recorded, "Venter på referatet (rykket)")

    async def _notify_cancelled(self) -> None:
        roles = [
            r
            for r in ("coordinator", "consultant", "jobcenter", "members")
            if r in self._state.told
        ]
        # Calendars that hold the meeting drop it (METHOD:CANCEL under the same UID).
        invited = self._state.is_done(Step.INVITATION)
        await self._mail(
            "cancelled",
            "cancelled",
            *roles,
            calendar=self._meeting_invite(cancelled=True) if invited else None,
        )
