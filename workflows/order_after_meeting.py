"""The order after its meeting: the summary with the agreements, their reminders and the
follow-up meeting, a child workflow that outlives the order."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ChildWorkflowError
from temporalio.workflow import ChildWorkflowHandle, ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from schemas.follow_up.meeting import FollowUpInput, FollowUpStatus, follow_up_id
    from schemas.order.agreements import AgreementState, ReminderKind, reminder_envelopes, schedule
    from schemas.order.events import (
        AgreementOverdue,
        AgreementReminderSent,
        FollowUpMeetingStarted,
        FollowUpSummarySent,
    )
    from schemas.order.steps import Step
    from schemas.shared.business_days import add_business_days, at_workday_start
    from workflows.follow_up_meeting import FollowUpMeeting
    from workflows.order_base import OrderBase


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


class AfterMeeting(OrderBase):
    _follow_up_meeting: ChildWorkflowHandle[Any, FollowUpStatus] | None
    _follow_up_finished: bool
    _follow_up_error: ChildWorkflowError | None
    _follow_up_watch: asyncio.Future[None] | None

    async def _follow_up(self) -> None:
        recorded_at = self._state.steps[Step.MEETING].done_at
        minutes = self._state.minutes
        assert recorded_at is not None and minutes is not None
        # Orders recorded before agreements were followed up end with the summary mail.
        following = workflow.patched("agreements-follow-up")
        if following and minutes.follow_up.follow_up_meeting is not None:
            await self._start_follow_up_meeting(minutes.follow_up.follow_up_meeting)
        send_at = at_workday_start(add_business_days(recorded_at.date(), 1))
        await self._wait_until(lambda: send_at, None, "Venter til opsummeringen sendes")
        if not following:
            await self._mail("follow_up_summary", "follow_up_summary", "members", "jobcenter")
            self._record(FollowUpSummarySent(at=self._now()))
            return
        documents = await self._render(list(self._pkg.after_meeting_documents))
        await self._mail(
            "follow_up_summary",
            "follow_up_summary",
            "members",
            "jobcenter",
            attachments=documents,
        )
        self._record(FollowUpSummarySent(at=self._now(), artifacts=documents))
        await self._agreements(recorded_at)

    async def _agreements(self, recorded_at: datetime) -> None:
        """Remind each open agreement's owner a week before and on its date; flag it overdue
        the business day after. Ends when every agreement is done or overdue."""
        minutes = self._state.minutes
        assert minutes is not None
        for wake in schedule(minutes.agreements, recorded_at):
            settled = lambda: self._state.agreements_settled  # noqa: E731
            summary = f"Aftale {wake.number}: {_WAKE_DA[wake.kind]}"
            if await self._wait_until(lambda w=wake: w.at, settled, summary):  # type: ignore[misc]
                return
            view = self._state.agreement_views()[wake.number - 1]
            if view.state != AgreementState.OPEN:
                continue
            if wake.kind == ReminderKind.OVERDUE:
                self._record(AgreementOverdue(at=self._now(), number=wake.number))
                await self._tell_follow_up()
                continue
            agreement = minutes.agreements[wake.number - 1]
            envelopes = reminder_envelopes(agreement, self._order, self._partner_words)
            await self._mail(
                "agreement_reminder",
                f"agreement-{wake.number}-{wake.kind.value}",
                to=[person for envelope in envelopes for person in envelope],
                groups=_numbered(envelopes),
                agreement=view,
                reminder=wake.kind.value,
            )
            self._record(
                AgreementReminderSent(at=self._now(), number=wake.number, kind=wake.kind.value)
            )

    async def _start_follow_up_meeting(self, meeting: datetime) -> None:
        order_id = workflow.info().workflow_id
        state = self._state
        assert state.minutes is not None
        moved = self._order.meeting.model_copy(update={"start": meeting})
        handle = await workflow.start_child_workflow(
            FollowUpMeeting.run,
            FollowUpInput(
                order_id=order_id,
                order=self._order.model_copy(update={"meeting": moved}),
                consultant=self._input.consultant,
                timeline=self._timeline,
                clock=self._clock,
                meeting=meeting,
                minutes=state.minutes,
                agreements=state.agreement_views(),
                template=self._asked or self._pkg.survey,
                first_results=state.survey_results,
                first_invited=self._survey_progress.invited if self._survey_progress else None,
                first_extract=state.extract,
            ),
            id=follow_up_id(order_id),
            parent_close_policy=ParentClosePolicy.ABANDON,
            static_summary=f"Opfølgende klyngemøde: {self._order.cluster.name}",
        )
        self._follow_up_meeting = handle
        handle.add_done_callback(self._follow_up_ended)
        self._record(FollowUpMeetingStarted(at=self._now(), workflow_id=handle.id, meeting=meeting))
        # A callback may not issue commands; this waits for what it notes and reports it.
        self._follow_up_watch = asyncio.ensure_future(self._report_follow_up_failure())

    def _follow_up_ended(self, finished: asyncio.Future[Any]) -> None:
        self._follow_up_finished = True
        if not finished.cancelled() and isinstance(finished.exception(), ChildWorkflowError):
            self._follow_up_error = finished.exception()  # type: ignore[assignment]

    async def _report_follow_up_failure(self) -> None:
        await workflow.wait_condition(lambda: self._follow_up_error is not None)
        assert self._follow_up_meeting is not None and self._follow_up_error is not None
        if self._state.status == "active":
            await self._child_failed(
                self._follow_up_meeting.id, "Det opfølgende klyngemøde", self._follow_up_error
            )

    async def _tell_follow_up(self) -> None:
        """The follow-up meeting's deck shows what became of the agreements."""
        meeting = self._follow_up_meeting
        if meeting is not None and not self._follow_up_finished:
            await self._tell_child(
                meeting.id,
                "agreements",
                meeting.signal(FollowUpMeeting.agreements, self._state.agreement_views()),
            )
