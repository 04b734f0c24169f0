"""The order's survey (stage 3): a SurveyRound child that the coordinator edits, sends and
closes, or – for orders from before the web survey – results imported from KiAP's own tool.
The order follows the round (moved with the meeting, told of new members, stopped with a
cancel) and keeps what it learns of it as events."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ChildWorkflowError
from temporalio.workflow import ChildWorkflowHandle

with workflow.unsafe.imports_passed_through():
    from schemas.order.events import (
        StepOverdue,
        SurveyReminderSent,
        SurveyResultsImported,
        SurveyRoundEnded,
        SurveyRoundOutcome,
    )
    from schemas.order.state import open_undelivered
    from schemas.order.steps import Step
    from schemas.order.timeline import Timeline
    from schemas.survey_round.round import (
        RoundInput,
        RoundMembers,
        RoundOutcome,
        round_id,
        round_plan,
    )
    from workflows.failures import failure_text
    from workflows.kernel import RUN_SCOPED_MAIL, Cancelled
    from workflows.order.run import OrderRun
    from workflows.survey_round import SurveyRound


class SurveyStage:
    def __init__(self, run: OrderRun) -> None:
        self.run = run

    @property
    def _round(self) -> ChildWorkflowHandle[Any, RoundOutcome] | None:
        return self.run.children.round

    @property
    def _running(self) -> bool:
        return self._round is not None and not self.run.state.survey_round_ended

    async def start_round(self) -> None:
        run = self.run
        material_sent = run.state.steps[Step.MATERIAL].done_at
        assert material_sent is not None
        handle = await workflow.start_child_workflow(
            SurveyRound.run,
            RoundInput(
                order_id=run.order_id,
                round_number=1,
                order=run.order,
                timeline=run.timeline,
                template=run.pkg.survey,
                plan=round_plan(run.timeline, material_sent),
                clock=run.clock,
                order_run=run.first_run,
            ),
            id=round_id(run.order_id, 1),
            static_summary=f"Spørgeskema, runde 1: {run.order.cluster.name}",
        )
        run.children.survey_round.append(handle)

    async def until_answered(self) -> None:
        """Until the survey's results are in (the round's, or an import's) or its due date."""
        if self._round is not None:
            await self._follow_round(self._round)
            return
        run = self.run
        imported = lambda: run.state.is_done(Step.SURVEY)  # noqa: E731
        if not await run.wait_until(
            lambda: run.timeline.survey_reminder, imported, "Venter på spørgeskemaets svar"
        ):
            await run.mail("survey_reminder", "survey_reminder", "coordinator")
            run.record(SurveyReminderSent(at=run.now()))
        if not await run.wait_until(
            lambda: run.timeline.due[Step.SURVEY],
            imported,
            "Venter på spørgeskemaets svar (frist)",
        ):
            run.record(StepOverdue(at=run.now(), step=Step.SURVEY))

    async def _follow_round(self, handle: ChildWorkflowHandle[Any, RoundOutcome]) -> None:
        """The round closes itself on the due date; an import from another tool closes it early."""
        run = self.run
        round_done = asyncio.ensure_future(handle)
        round_done.add_done_callback(lambda _: run.record(SurveyRoundEnded(at=run.now())))

        def ended() -> bool:
            return bool(
                run.state.is_done(Step.SURVEY) or round_done.done() or run.state.cancel_requested
            )

        # Orders since mails were given up on: an invitation that did not arrive is a task on
        # the workbench (Attention) from the round's report on. Published here, in the main
        # coroutine, not in the signal handler that hears it (workflows/waiting.py).
        tasks = run.kernel.patches.get(RUN_SCOPED_MAIL, False) and run.kernel.replay_safe
        published = [open_undelivered(run.state)]

        def undelivered_changed() -> bool:
            return tasks and open_undelivered(run.state) != published[-1]

        while True:
            await workflow.wait_condition(lambda: ended() or undelivered_changed())
            if ended():
                break
            published.append(open_undelivered(run.state))
            run.publish()
        if run.state.cancel_requested:
            raise Cancelled()
        if run.state.is_done(Step.SURVEY):
            await run.tell_child(handle.id, "close_now", handle.signal(SurveyRound.close_now))
            with contextlib.suppress(ChildWorkflowError):  # the imported answers are in
                await round_done
            return
        try:
            outcome = round_done.result()
        except ChildWorkflowError as exc:
            await run.child_failed(handle.id, "Spørgeskemarunden", failure_text(exc))
            run.record(StepOverdue(at=run.now(), step=Step.SURVEY))
            return
        run.record(
            SurveyRoundOutcome(at=run.now(), progress=outcome.progress, template=outcome.template)
        )
        if outcome.results.respondents and not run.state.is_done(Step.SURVEY):
            run.record(
                SurveyResultsImported(at=run.now(), source="webformular", results=outcome.results)
            )
        elif not run.state.is_done(Step.SURVEY):
            run.record(StepOverdue(at=run.now(), step=Step.SURVEY))

    async def replan(self, timeline: Timeline) -> None:
        """A moved meeting moves the running round's reminders and close with it."""
        run = self.run
        material_sent = run.state.steps[Step.MATERIAL].done_at
        if self._round is None or not self._running or material_sent is None:
            return
        if workflow.patched("replan-survey-round"):
            handle = workflow.get_external_workflow_handle(self._round.id)
            await run.tell_child(
                self._round.id,
                "replan",
                handle.signal(SurveyRound.replan, round_plan(timeline, material_sent)),
            )

    async def tell_members(self) -> None:
        """The running round asks the order's members as they stand now."""
        if self._round is None or not self._running:
            return
        handle = workflow.get_external_workflow_handle(self._round.id)
        await self.run.tell_child(
            self._round.id,
            "members_changed",
            handle.signal(
                SurveyRound.members_changed, RoundMembers(members=list(self.run.order.members))
            ),
        )

    async def stop(self) -> None:
        """A cancelled order sends no more survey mail: its round is cancelled with it."""
        if self._round is None or not self._running:
            return
        handle = workflow.get_external_workflow_handle(self._round.id)
        with contextlib.suppress(Exception):
            await handle.cancel()
