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
    from schemas.catalog import SurveyTemplate
    from schemas.commands import StepAccepted
    from schemas.errors import ANSWER_UNCHANGED, DomainError, DomainErrors, Failure
    from schemas.order import OrderRequest
    from schemas.survey import SurveyResponse, check_response
    from schemas.survey_round import (
        AnswerSubmission,
        RoundEditor,
        RoundInput,
        RoundMembers,
        RoundOutcome,
        RoundPlan,
        RoundProgress,
        SurveyForm,
    )
    from workflows import activity_options
    from workflows.kernel import Kernel
    from workflows.refusals import invalid, refuse
    from workflows.waiting import REPLAY_SAFE


QUIET_PROGRESS = "survey-progress-on-change"


def round_id(order_id: str, number: int) -> str:
    """The child's workflow id: derived from the order's, no personal data."""
    return f"{order_id}--spoergeskema-{number}"


_refuse = refuse


@workflow.defn
class SurveyRound:
    @workflow.init
    def __init__(self, inp: RoundInput) -> None:
        self._inp = inp
        self._template: SurveyTemplate = inp.template
        self._answers: dict[int, SurveyResponse] = {}
        self._reminded: set[int] = set()
        self._dispatched = False
        self._dispatch_requested = False
        self._close_requested = False
        self._closed = False
        self._plan = inp.plan
        self._replans = 0
        self._replay_safe = False
        self._kernel = Kernel(inp.clock)
        # The order hears of the round only when its progress changes (patch quiet-progress;
        # rounds from before signal on every answer).
        self._quiet = False
        self._reported: RoundProgress | None = None
        # Member numbers are for good (they are in the links): one taken off the list keeps
        # its number and is left out; one added gets the next number.
        self._members = list(inp.members)
        self._left: set[int] = set()
        self._newcomers: list[int] = []
        self._late_invitations = 0
        self._inviting: asyncio.Future[None] | None = None

    @workflow.run
    async def run(self, inp: RoundInput) -> RoundOutcome:
        self._replay_safe = self._kernel.replay_safe = workflow.patched(REPLAY_SAFE)
        self._quiet = workflow.patched(QUIET_PROGRESS)
        await self._until(
            lambda: self._plan.dispatch_at,
            lambda: self._dispatch_requested or self._close_requested,
        )
        if not self._close_requested:
            await self._dispatch()
            sent = 0
            while not await self._until(functools.partial(self._next_wake, sent), self._finished):
                if sent >= len(self._plan.reminders):
                    break  # that wake-up was the close
                sent += 1
                await self._remind(sent)
        self._closed = True
        await self._report()
        results = await workflow.execute_activity(
            aggregate_answers,
            AggregateRequest(template=self._template, responses=list(self._answers.values())),
            summary="Opgør svarene",
            start_to_close_timeout=activity_options.RENDER_TIMEOUT,
            retry_policy=activity_options.RENDER_RETRY,
        )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return RoundOutcome(progress=self.progress(), results=results, template=self._template)

    async def _dispatch(self) -> None:
        await self._mail("survey_invitation", "invitation", self._active())
        self._dispatched = True
        self._newcomers.clear()  # the first invitation reached them
        await self._report()
        self._inviting = asyncio.ensure_future(self._invite_newcomers())

    async def _invite_newcomers(self) -> None:
        """A member added after the dispatch gets their link at once."""
        while True:
            await workflow.wait_condition(lambda: bool(self._newcomers) or self._closed)
            if self._closed:
                return
            batch, self._newcomers = list(self._newcomers), []
            self._late_invitations += 1
            await self._mail("survey_invitation", f"invitation-{self._late_invitations}", batch)
            await self._report()

    def _active(self) -> list[int]:
        return [m for m in range(len(self._members)) if m not in self._left]

    async def _remind(self, number: int) -> None:
        silent = [m for m in self._active() if m not in self._answers]
        if silent:
            await self._mail("survey_member_reminder", f"reminder-{number}", silent)
            self._reminded.update(silent)
            await self._report()

    # ---- Updates and queries -----------------------------------------------------------

    @workflow.update(name="submit_answer")
    async def submit_answer(self, submission: AnswerSubmission) -> StepAccepted:
        self._answers[submission.member] = submission.response
        await self._report()
        return StepAccepted(
            message="Tak for dit svar. Du kan ændre det, indtil spørgeskemaet lukker."
        )

    @submit_answer.validator
    def _check_answer(self, submission: AnswerSubmission) -> None:
        if not self._dispatched:
            raise _refuse("Spørgeskemaet er ikke sendt ud endnu.")
        if self._closed or self._close_requested:
            raise _refuse("Spørgeskemaet er lukket.", Failure.ROUND_CLOSED)
        if not 0 <= submission.member < len(self._members) or submission.member in self._left:
            raise _refuse("Linket passer ikke til denne runde.")
        if self._answers.get(submission.member) == submission.response:
            # Sent twice (a double click, the back button): refused in the validator, so it
            # adds nothing to the history; the client tells the member it is saved.
            raise _refuse(ANSWER_UNCHANGED, Failure.UNCHANGED)
        try:
            check_response(self._template, submission.response, "svar")
        except (DomainError, DomainErrors) as exc:
            raise invalid(exc) from None

    @workflow.update(name="edit_questions")
    def edit_questions(self, template: SurveyTemplate) -> StepAccepted:
        self._template = template
        return StepAccepted(message=f"Spørgeskemaet har nu {len(template.questions)} spørgsmål.")

    @edit_questions.validator
    def _check_edit(self, template: SurveyTemplate) -> None:
        if self._dispatched or self._close_requested:
            raise _refuse("Spørgeskemaet er sendt ud; spørgsmålene kan ikke længere ændres.")

    @workflow.update(name="dispatch")
    def dispatch(self) -> StepAccepted:
        self._dispatch_requested = True
        return StepAccepted(message="Spørgeskemaet sendes nu til klyngens medlemmer.")

    @dispatch.validator
    def _check_dispatch(self) -> None:
        if self._dispatched:
            raise _refuse("Spørgeskemaet er allerede sendt ud.")
        if self._close_requested:
            raise _refuse("Spørgeskemaet er lukket.")

    @workflow.update(name="close")
    def close(self) -> StepAccepted:
        self._close_requested = True
        return StepAccepted(message="Spørgeskemaet lukkes, og svarene opgøres.")

    @close.validator
    def _check_close(self) -> None:
        if self._closed or self._close_requested:
            raise _refuse("Spørgeskemaet er allerede lukket.")

    @workflow.signal(name="replan")
    def replan(self, plan: RoundPlan) -> None:
        """From the order, when the meeting moved: new reminder and close dates."""
        if self._dispatched or self._dispatch_requested:
            plan = plan.model_copy(update={"dispatch_at": self._plan.dispatch_at})
        self._plan = plan
        self._replans += 1

    @workflow.signal(name="members_changed")
    def members_changed(self, update: RoundMembers) -> None:
        """From the order: the coordinator added or removed members."""
        wanted = {m.email: m for m in update.members}
        for number, member in enumerate(self._members):
            if member.email in wanted:
                if number in self._left:
                    self._left.discard(number)
                    self._newcomers.append(number)
                del wanted[member.email]
            elif number not in self._left:
                self._left.add(number)
                self._answers.pop(number, None)
        for member in wanted.values():
            self._members.append(member)
            self._newcomers.append(len(self._members) - 1)
        if not self._dispatched:
            self._newcomers.clear()  # the dispatch will invite them

    @workflow.signal(name="close_now")
    def close_now(self) -> None:
        """From the order, when the coordinator imported results from another survey tool."""
        self._close_requested = True

    @workflow.query(name="editor")
    def editor(self) -> RoundEditor:
        progress = self.progress()
        return RoundEditor(
            template=self._template,
            dispatched=self._dispatched,
            closed=self._closed or self._close_requested,
            dispatch_at=self._plan.dispatch_at,
            close_at=self._plan.close_at,
            invited=progress.invited,
            answered=progress.answered,
            reminded=progress.reminded,
        )

    @workflow.query(name="progress")
    def progress(self) -> RoundProgress:
        return RoundProgress(
            invited=len(self._active()),
            answered=len(self._answers),
            reminded=len(self._reminded),
            closed=self._closed,
            dispatched=self._dispatched,
        )

    @workflow.query(name="form")
    def form(self, member: int) -> SurveyForm:
        return SurveyForm(
            open=self._dispatched and not (self._closed or self._close_requested),
            dispatched=self._dispatched,
            template=self._template,
            close_at=self._plan.close_at,
            previous=self._answers.get(member),
            cluster=self._inp.order.cluster.name,
            member_left=member in self._left,
        )

    # ---- plumbing ----------------------------------------------------------------------

    def _order(self) -> OrderRequest:
        """The order as the members' mails state it: with the meeting where it is now."""
        order, moved = self._inp.order, self._plan.meeting
        if moved is None or moved == order.meeting.start:
            return order
        return order.model_copy(
            update={"meeting": order.meeting.model_copy(update={"start": moved})}
        )

    def _finished(self) -> bool:
        everyone = all(m in self._answers for m in self._active())
        return everyone or self._close_requested

    def _next_wake(self, reminders_sent: int) -> datetime:
        """The next reminder not yet sent, or the close when all planned ones went out."""
        if reminders_sent < len(self._plan.reminders):
            return self._plan.reminders[reminders_sent]
        return self._plan.close_at

    async def _until(self, when: Callable[[], datetime], condition: Callable[[], bool]) -> bool:
        """Wait for ``condition`` or the order clock's ``when()`` (re-read after a replan);
        whether the condition held."""
        return await self._kernel.wait(when, condition, "Venter", replans=lambda: self._replans)

    async def _report(self) -> None:
        parent = workflow.info().parent
        progress = self.progress()
        if parent is None or (self._quiet and progress == self._reported):
            return  # a changed answer: the count the order shows is the same
        self._reported = progress
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
            key=f"{workflow.info().workflow_id}-{key}",
            recipients=[self._members[m] for m in members],
            # The survey goes out in the coordinator's name: replies reach the coordinator.
            reply_to=inp.order.coordinator,
            survey_round=workflow.info().workflow_id,
            survey_members=members,
            context=MailContext(
                order_id=inp.order_id,
                order=self._order(),
                timeline=inp.timeline,
                survey_close=self._plan.close_at,
            ),
        )
        await self._kernel.send_mail(
            MailActivities.send_mail, request, f"Mail: {mail} til {len(members)} medlemmer"
        )
