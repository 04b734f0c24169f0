"""The client's survey-round part: the coordinator's edits, sending and closing the first
round, a member's form and answer (any round, by its id), and how far a round got."""

from __future__ import annotations

from pydantic import BaseModel
from temporalio.service import RPCError, RPCStatusCode

from client.calls import WorkflowCalls
from schemas.order.commands import StepAccepted
from schemas.package.model import SurveyTemplate
from schemas.shared.errors import ANSWER_UNCHANGED, Failure, StepRejected
from schemas.survey.answers import SurveyResponse
from schemas.survey.progress import RoundProgress
from schemas.survey_round.round import AnswerSubmission, RoundEditor, SurveyForm, round_id

NOT_RUNNING = (
    "Spørgeskemaet er ikke startet endnu eller er lukket: det startes, når materialemailen er "
    "sendt, og lukker på sin frist."
)


class SurveyRounds:
    def __init__(self, calls: WorkflowCalls) -> None:
        self._calls = calls

    async def _update(
        self, workflow_id: str, name: str, *args: BaseModel, gone: str = NOT_RUNNING
    ) -> StepAccepted:
        try:
            return await self._calls.execute_update(workflow_id, name, *args)
        except RPCError as exc:
            if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.FAILED_PRECONDITION):
                raise StepRejected(gone, Failure.ROUND_CLOSED) from None
            raise

    async def edit(self, order_id: str, template: SurveyTemplate) -> StepAccepted:
        return await self._update(round_id(order_id, 1), "edit_questions", template)

    async def dispatch(self, order_id: str) -> StepAccepted:
        return await self._update(round_id(order_id, 1), "dispatch")

    async def close(self, order_id: str) -> StepAccepted:
        return await self._update(round_id(order_id, 1), "close")

    async def form(self, workflow_id: str, member: int) -> SurveyForm | None:
        """The member's form, or None when no such round runs (an old or unknown link)."""
        return await self._calls.page_query(workflow_id, "form", SurveyForm, member)

    async def answer(self, workflow_id: str, member: int, response: SurveyResponse) -> StepAccepted:
        # The same answer again (a double click, the back button) is saved already: asked by a
        # query, which the history does not record, rather than an Update, which it does.
        form = await self.form(workflow_id, member)
        if form is not None and form.open and form.previous == response:
            return StepAccepted(message=ANSWER_UNCHANGED)
        return await self._update(
            workflow_id,
            "submit_answer",
            AnswerSubmission(member=member, response=response),
            gone="Spørgeskemaet er lukket, og der kan ikke længere svares.",
        )

    async def progress(self, order_id: str) -> RoundProgress:
        return await self._calls.query(round_id(order_id, 1), "progress", RoundProgress)

    async def editor(self, workflow_id: str) -> RoundEditor | None:
        """What the coordinator's page shows of a round; None before it has started."""
        return await self._calls.page_query(workflow_id, "editor", RoundEditor)
