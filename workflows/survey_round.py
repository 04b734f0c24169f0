"""SurveyRound: one round of the cluster survey, a child of the order (the follow-up meeting
can run a second round). It dispatches personal links, reminds only those who have not
answered, and closes on its date, when everyone has answered, or when the coordinator says."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.mail import MailActivities, MailContext, MailRequest
    from activities.survey_results import AggregateRequest, aggregate_answers
    from schemas.order.commands import StepAccepted
    from schemas.order.request import OrderRequest
    from schemas.package.model import SurveyTemplate
    from schemas.shared.errors import DomainError, DomainErrors
    from schemas.shared.event_log import EventLog
    from schemas.survey.answers import check_response
    from schemas.survey.progress import RoundProgress
    from schemas.survey_round.events import (
        Answered,
        Closed,
        CloseRequested,
        Dispatched,
        DispatchRequested,
        LateInvited,
        MembersChanged,
        NotDelivered,
        ProgressReported,
        QuestionsEdited,
        Reminded,
        Replanned,
        RoundEvent,
    )
    from schemas.survey_round.refusals import (
        refuse_answer,
        refuse_close,
        refuse_dispatch,
        refuse_edit,
    )
    from schemas.survey_round.round import (
        AnswerSubmission,
        RoundEditor,
        RoundInput,
        RoundMembers,
        RoundOutcome,
        RoundPlan,
        SurveyForm,
    )
    from schemas.survey_round.state import RoundState, apply
    from workflows import activity_options, names
    from workflows.kernel import RUN_SCOPED_MAIL, Kernel
    from workflows.refusals import invalid, refuse
    from workflows.waiting import REPLAY_SAFE


QUIET_PROGRESS = "survey-progress-on-change"


_refuse = refuse


@workflow.defn(name=names.SURVEY_ROUND)
class SurveyRound:
    @workflow.init
    def __init__(self, inp: RoundInput) -> None:
        self._inp = inp
        # The round's state is only the fold of its events (schemas/survey_round/state.py).
        self._log: EventLog[RoundState, RoundEvent] = EventLog(
            apply, RoundState(template=inp.template, plan=inp.plan, members=list(inp.members))
        )
        self._kernel = Kernel(inp.clock)
        # The order hears of the round only when its progress changes (patch quiet-progress;
        # rounds from before signal on every answer).
        # What runs beside the round's stages (inviting members added late).
        self._tasks: list[asyncio.Future[None]] = []

    @workflow.run
    async def run(self, inp: RoundInput) -> RoundOutcome:
        self._kernel.patched(REPLAY_SAFE)
        self._kernel.patched(RUN_SCOPED_MAIL)
        self._kernel.patched(QUIET_PROGRESS)
        await self._until(
            lambda: self._state.plan.dispatch_at,
            lambda: self._state.dispatch_requested or self._state.close_requested,
        )
        if not self._state.close_requested:
            await self._dispatch()
            sent = 0
            while not await self._until(functools.partial(self._next_wake, sent), self._finished):
                if sent >= len(self._state.plan.reminders):
                    break  # that wake-up was the close
                sent += 1
                await self._remind(sent)
        self._record(Closed(at=self._now()))
        await self._report()
        state = self._state
        results = await workflow.execute_activity(
            aggregate_answers,
            AggregateRequest(template=state.template, responses=list(state.answers.values())),
            summary="Opgør svarene",
            start_to_close_timeout=activity_options.AGGREGATE_TIMEOUT,
            retry_policy=activity_options.RENDER_RETRY,
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return RoundOutcome(
            progress=self.progress(), results=results, template=self._state.template
        )

    async def _dispatch(self) -> None:
        await self._mail("survey_invitation", "invitation", self._state.active())
        self._record(Dispatched(at=self._now()))
        await self._report()
        self._tasks.append(asyncio.ensure_future(self._invite_newcomers()))

    async def _invite_newcomers(self) -> None:
        """A member added after the dispatch gets their link at once."""
        while True:
            await workflow.wait_condition(lambda: bool(self._state.newcomers) or self._state.closed)
            if self._state.closed:
                return
            batch = list(self._state.newcomers)
            self._record(LateInvited(at=self._now(), members=batch))
            count = self._state.late_invitations
            await self._mail("survey_invitation", f"invitation-{count}", batch)
            await self._report()

    async def _remind(self, number: int) -> None:
        state = self._state
        # Not those whose mail did not arrive: it would not again (their address is wrong).
        asked = [m for m in state.active() if m not in state.undelivered]
        silent = [m for m in asked if m not in state.answers]
        if silent:
            await self._mail("survey_member_reminder", f"reminder-{number}", silent)
            self._record(Reminded(at=self._now(), members=silent))
            await self._report()

    # ---- Updates and queries -----------------------------------------------------------

    @workflow.update(name="submit_answer")
    async def submit_answer(self, submission: AnswerSubmission) -> StepAccepted:
        self._record(
            Answered(at=self._now(), member=submission.member, response=submission.response)
        )
        await self._report()
        return StepAccepted(
            message="Tak for dit svar. Du kan ændre det, indtil spørgeskemaet lukker."
        )

    @submit_answer.validator
    def _check_answer(self, submission: AnswerSubmission) -> None:
        refusal = refuse_answer(self._state, submission)
        if refusal is not None:
            raise _refuse(*refusal)
        try:
            check_response(self._state.template, submission.response, "svar")
        except (DomainError, DomainErrors) as exc:
            raise invalid(exc) from None

    @workflow.update(name="edit_questions")
    def edit_questions(self, template: SurveyTemplate) -> StepAccepted:
        self._record(QuestionsEdited(at=self._now(), template=template))
        return StepAccepted(message=f"Spørgeskemaet har nu {len(template.questions)} spørgsmål.")

    @edit_questions.validator
    def _check_edit(self, template: SurveyTemplate) -> None:
        self._kernel.refuse_if(refuse_edit(self._state))

    @workflow.update(name="dispatch")
    def dispatch(self) -> StepAccepted:
        self._record(DispatchRequested(at=self._now()))
        return StepAccepted(message="Spørgeskemaet sendes nu til klyngens medlemmer.")

    @dispatch.validator
    def _check_dispatch(self) -> None:
        self._kernel.refuse_if(refuse_dispatch(self._state))

    @workflow.update(name="close")
    def close(self) -> StepAccepted:
        self._record(CloseRequested(at=self._now()))
        return StepAccepted(message="Spørgeskemaet lukkes, og svarene opgøres.")

    @close.validator
    def _check_close(self) -> None:
        self._kernel.refuse_if(refuse_close(self._state))

    @workflow.signal(name="replan")
    def replan(self, plan: RoundPlan) -> None:
        """From the order, when the meeting moved: new reminder and close dates."""
        self._record(Replanned(at=self._now(), plan=plan))

    @workflow.signal(name="members_changed")
    def members_changed(self, update: RoundMembers) -> None:
        """From the order: the coordinator added or removed members."""
        self._record(MembersChanged(at=self._now(), members=list(update.members)))

    @workflow.signal(name="close_now")
    def close_now(self) -> None:
        """From the order, when the coordinator imported results from another survey tool."""
        self._record(CloseRequested(at=self._now()))

    @workflow.query(name="editor")
    def editor(self) -> RoundEditor:
        progress, state = self.progress(), self._state
        return RoundEditor(
            template=state.template,
            dispatched=state.dispatched,
            closed=state.closed or state.close_requested,
            dispatch_at=state.plan.dispatch_at,
            close_at=state.plan.close_at,
            invited=progress.invited,
            answered=progress.answered,
            reminded=progress.reminded,
            undelivered=progress.undelivered,
            undelivered_emails=[
                state.members[m].email for m in state.active() if m in state.undelivered
            ],
        )

    @workflow.query(name="progress")
    def progress(self) -> RoundProgress:
        return self._state.progress()

    @workflow.query(name="form")
    def form(self, member: int) -> SurveyForm:
        state = self._state
        return SurveyForm(
            open=state.dispatched and not (state.closed or state.close_requested),
            dispatched=state.dispatched,
            template=state.template,
            close_at=state.plan.close_at,
            previous=state.answers.get(member),
            cluster=self._inp.order.cluster.name,
            member_left=member in state.left,
            run=workflow.info().first_execution_run_id,
        )

    # ---- plumbing ----------------------------------------------------------------------

    def _order(self) -> OrderRequest:
        """The order as the members' mails state it: with the meeting where it is now."""
        order, moved = self._inp.order, self._state.plan.meeting
        if moved is None or moved == order.meeting.start:
            return order
        return order.model_copy(
            update={"meeting": order.meeting.model_copy(update={"start": moved})}
        )

    def _finished(self) -> bool:
        return self._state.finished

    def _now(self) -> datetime:
        return self._kernel.now()

    @property
    def _state(self) -> RoundState:
        return self._log.state

    def _record(self, event: RoundEvent) -> None:
        self._log.record(event)

    def _next_wake(self, reminders_sent: int) -> datetime:
        """The next reminder not yet sent, or the close when all planned ones went out."""
        plan = self._state.plan
        if reminders_sent < len(plan.reminders):
            return plan.reminders[reminders_sent]
        return plan.close_at

    async def _until(self, when: Callable[[], datetime], condition: Callable[[], bool]) -> bool:
        """Wait for ``condition`` or the order clock's ``when()`` (re-read after a replan);
        whether the condition held."""
        return await self._kernel.wait(
            when, condition, "Venter", replans=lambda: self._state.replans
        )

    async def _report(self) -> None:
        parent = workflow.info().parent
        progress = self.progress()
        quiet = self._kernel.patches[QUIET_PROGRESS]
        if parent is None or (quiet and progress == self._state.reported):
            return  # a changed answer: the count the order shows is the same
        self._record(ProgressReported(at=self._now(), progress=progress))
        try:
            await workflow.get_external_workflow_handle(parent.workflow_id).signal(
                "survey_progress", progress
            )
        except ApplicationError:
            # The order (or follow-up meeting) has ended, cancelled say: nobody to tell.
            workflow.logger.info("survey progress not delivered: the parent has finished")

    async def _mail(self, mail: str, key: str, members: list[int]) -> None:
        inp = self._inp
        request = MailRequest(
            mail=mail,
            key=self._kernel.mail_key(f"{workflow.info().workflow_id}-{key}"),
            recipients=[self._state.members[m] for m in members],
            # The survey goes out in the coordinator's name: replies reach the coordinator.
            reply_to=inp.order.coordinator,
            survey_round=workflow.info().workflow_id,
            survey_round_run=workflow.info().first_execution_run_id,
            survey_members=members,
            context=MailContext(
                order_id=inp.order_id,
                order=self._order(),
                order_run=inp.order_run,
                timeline=inp.timeline,
                survey_close=self._state.plan.close_at,
            ),
        )
        result = await self._kernel.send_mail(
            MailActivities.send_mail, request, f"Mail: {mail} til {len(members)} medlemmer"
        )
        failed = [members[n] for n in (*result.refused_recipients, *result.delayed_recipients)]
        if failed:
            code = result.refusal_code or result.delay_code
            self._record(NotDelivered(at=self._now(), members=failed, code=code))
