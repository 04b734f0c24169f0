"""The order after its meeting (stage 9): the summary with the agreements, their reminders and
the follow-up meeting, a child workflow that outlives the order."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ChildWorkflowError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from schemas.follow_up.meeting import FollowUpInput, follow_up_id
    from schemas.order.agreements import (
        AgreementState,
        ReminderKind,
        reminder_envelopes,
        schedule,
    )
    from schemas.order.events import (
        AgreementOverdue,
        AgreementReminderSent,
        FollowUpMeetingEnded,
        FollowUpMeetingStarted,
        FollowUpSummarySent,
    )
    from schemas.order.steps import Step
    from schemas.shared.business_days import add_business_days, at_workday_start
    from workflows.failures import failure_text
    from workflows.follow_up_meeting import FollowUpMeeting
    from workflows.order.run import OrderRun


def _numbered(envelopes: list[list[Any]]) -> list[list[int]]:
    """Envelopes of people as indexes into their flattened list."""
    groups, start = [], 0
    for envelope in envelopes:
        groups.append(list(range(start, start + len(envelope))))
        start += len(envelope)
    return groups


_WAKE_DA = {
    ReminderKind.WEEK_BEFORE: "påmindelse en uge før fristen",
    ReminderKind.DUE: "påmindelse på dagen",
    ReminderKind.OVERDUE: "overskredet, hvis ikke udført",
}


class AfterMeeting:
    def __init__(self, run: OrderRun) -> None:
        self.run = run

    async def follow_up(self) -> None:
        run = self.run
        recorded_at = run.state.steps[Step.MEETING].done_at
        minutes = run.state.minutes
        assert recorded_at is not None and minutes is not None
        # Orders recorded before agreements were followed up end with the summary mail.
        following = workflow.patched("agreements-follow-up")
        if following and minutes.follow_up.follow_up_meeting is not None:
            await self._start_follow_up_meeting(minutes.follow_up.follow_up_meeting)
        send_at = at_workday_start(add_business_days(recorded_at.date(), 1))
        await run.wait_until(lambda: send_at, None, "Venter til opsummeringen sendes")
        if not following:
            await run.mail("follow_up_summary", "follow_up_summary", "members", "partner")
            run.record(FollowUpSummarySent(at=run.now()))
            return
        documents = await run.render(list(run.pkg.after_meeting_documents))
        await run.mail(
            "follow_up_summary",
            "follow_up_summary",
            "members",
            "partner",
            attachments=documents,
        )
        run.record(FollowUpSummarySent(at=run.now(), artifacts=documents))
        await self._agreements(recorded_at)

    async def _agreements(self, recorded_at: datetime) -> None:
        """Remind each open agreement's owner a week before and on its date; flag it overdue
        the business day after. Ends when every agreement is done or overdue."""
        run = self.run
        minutes = run.state.minutes
        assert minutes is not None
        for wake in schedule(minutes.agreements, recorded_at):
            settled = lambda: run.state.agreements_settled  # noqa: E731
            summary = f"Aftale {wake.number}: {_WAKE_DA[wake.kind]}"
            if await run.wait_until(lambda w=wake: w.at, settled, summary):  # type: ignore[misc]
                return
            view = run.state.agreement_views()[wake.number - 1]
            if view.state != AgreementState.OPEN:
                continue
            if wake.kind == ReminderKind.OVERDUE:
                run.record(AgreementOverdue(at=run.now(), number=wake.number))
                await self.tell_follow_up()
                continue
            agreement = minutes.agreements[wake.number - 1]
            envelopes = reminder_envelopes(agreement, run.order, run.partner_words)
            await run.mail(
                "agreement_reminder",
                f"agreement-{wake.number}-{wake.kind.value}",
                to=[person for envelope in envelopes for person in envelope],
                groups=_numbered(envelopes),
                agreement=view,
                reminder=wake.kind.value,
            )
            run.record(
                AgreementReminderSent(at=run.now(), number=wake.number, kind=wake.kind.value)
            )

    async def _start_follow_up_meeting(self, meeting: datetime) -> None:
        run = self.run
        state = run.state
        assert state.minutes is not None
        moved = run.order.meeting.model_copy(update={"start": meeting})
        handle = await workflow.start_child_workflow(
            FollowUpMeeting.run,
            FollowUpInput(
                order_id=run.order_id,
                order=run.order.model_copy(update={"meeting": moved}),
                consultant=run.input.consultant,
                timeline=run.timeline,
                clock=run.clock,
                meeting=meeting,
                minutes=state.minutes,
                agreements=state.agreement_views(),
                template=state.asked or run.pkg.survey,
                first_results=state.survey_results,
                first_invited=state.survey_progress.invited if state.survey_progress else None,
                first_extract=state.extract,
                order_run=run.first_run,
            ),
            id=follow_up_id(run.order_id),
            parent_close_policy=ParentClosePolicy.ABANDON,
            static_summary=f"Opfølgende klyngemøde: {run.order.cluster.name}",
        )
        run.children.follow_up_meeting.append(handle)
        handle.add_done_callback(self._follow_up_ended)
        run.record(FollowUpMeetingStarted(at=run.now(), workflow_id=handle.id, meeting=meeting))
        # A callback may not issue commands; this waits for what it notes and reports it.
        run.children.tasks.append(asyncio.ensure_future(self._report_follow_up_failure()))

    def _follow_up_ended(self, finished: asyncio.Future[Any]) -> None:
        error = None if finished.cancelled() else finished.exception()
        failure = failure_text(error) if isinstance(error, ChildWorkflowError) else None
        self.run.record(FollowUpMeetingEnded(at=self.run.now(), failure=failure))

    async def _report_follow_up_failure(self) -> None:
        run = self.run
        await workflow.wait_condition(lambda: run.state.follow_up_failure is not None)
        meeting, failure = run.children.follow_up, run.state.follow_up_failure
        assert meeting is not None and failure is not None
        if run.state.status == "active":
            await run.child_failed(meeting.id, "Det opfølgende klyngemøde", failure)

    async def tell_follow_up(self) -> None:
        """The follow-up meeting's deck shows what became of the agreements."""
        run = self.run
        meeting = run.children.follow_up
        if meeting is not None and not run.state.follow_up_ended:
            await run.tell_child(
                meeting.id,
                "agreements",
                meeting.signal(FollowUpMeeting.agreements, run.state.agreement_views()),
            )
