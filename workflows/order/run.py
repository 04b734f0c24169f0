"""What every part of the order workflow holds (``OrderRun``): its input and clock, its event
log – the order, its package and everything it learnt are the fold of its events –, and the
plumbing its stages share: waiting, mail, invitations, renders and telling its children. One
object composed into each stage, not a base class they inherit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.workflow import ChildWorkflowHandle

with workflow.unsafe.imports_passed_through():
    from activities.calendar_invite import CalendarInvite
    from activities.mail import MailActivities, MailContext, MailRequest
    from schemas.follow_up.meeting import FollowUpStatus
    from schemas.order.agreements import AgreementView
    from schemas.order.commands import OrderInput, Reschedule
    from schemas.order.documents import DocumentFacts
    from schemas.order.events import (
        ChildFailed,
        ChildSignalDropped,
        DomainEvent,
        MailDelayed,
        MailRefused,
        MailSent,
        Noted,
        OrderReceived,
        RenderFailed,
        Role,
    )
    from schemas.order.partner import recipients
    from schemas.order.refusals import STARTING, refuse_inactive
    from schemas.order.request import OrderRequest
    from schemas.order.state import OrderState, apply
    from schemas.order.summary import current_details
    from schemas.order.timeline import Timeline, plan
    from schemas.package.model import Package
    from schemas.package.process import PartnerTexts, partner_definite
    from schemas.shared.artifacts import ArtifactRef
    from schemas.shared.clock import OrderClock
    from schemas.shared.errors import DomainError
    from schemas.shared.event_log import EventLog
    from schemas.shared.people import Person
    from schemas.survey_round.round import RoundOutcome
    from workflows.kernel import RUN_SCOPED_MAIL, Kernel
    from workflows.refusals import invalid, refuse
    from workflows.search_attributes import order_attributes

# Patch: upsert the search attributes only when one of them changed.
SEARCH_ATTRIBUTES_ON_CHANGE = "search-attributes-on-change"
# Orders started from here on upsert the workbench's search attributes too.
WORKBENCH = "workbench-attributes"


@dataclass
class Children:
    """Handles on what the order runs beside itself: Temporal's, not the order's knowledge
    (what it learns of them is recorded as events)."""

    survey_round: list[ChildWorkflowHandle[Any, RoundOutcome]] = field(default_factory=list)
    follow_up_meeting: list[ChildWorkflowHandle[Any, FollowUpStatus]] = field(default_factory=list)
    tasks: list[asyncio.Future[Any]] = field(default_factory=list)

    @property
    def round(self) -> ChildWorkflowHandle[Any, RoundOutcome] | None:
        return self.survey_round[0] if self.survey_round else None

    @property
    def follow_up(self) -> ChildWorkflowHandle[Any, FollowUpStatus] | None:
        return self.follow_up_meeting[0] if self.follow_up_meeting else None


class OrderRun:
    def __init__(self, inp: OrderInput) -> None:
        self.input = inp
        self.clock = OrderClock(
            real_origin=workflow.now(),
            planned_origin=workflow.now(),
            seconds_per_day=inp.seconds_per_day,
        )
        self.kernel = Kernel(self.clock)
        self.log: EventLog[OrderState, DomainEvent] = EventLog(apply, OrderState())
        self.log.record(OrderReceived(at=self.clock.planned(workflow.now()), order=inp.order))
        self.children = Children()
        # One delivery of the documents at a time (a late extract and a pre-meeting).
        self.delivering = asyncio.Lock()

    # ---- what the order knows (the fold of its events) ---------------------------------

    @property
    def state(self) -> OrderState:
        return self.log.state

    @property
    def events(self) -> list[DomainEvent]:
        return self.log.events

    @property
    def order(self) -> OrderRequest:
        """The order as it stands: moved, its member list changed (events), never assigned."""
        order = self.state.order
        assert order is not None
        return order

    @property
    def timeline(self) -> Timeline:
        assert self.state.timeline is not None
        return self.state.timeline

    @property
    def package(self) -> Package | None:
        return self.state.package

    @property
    def pkg(self) -> Package:
        if self.state.package is None:
            raise refuse(STARTING)
        return self.state.package

    @property
    def partner_words(self) -> PartnerTexts | None:
        """How the package names its partner (None: it has none, or it was recorded before
        packages named theirs)."""
        texts = self.package.texts if self.package is not None else None
        return texts.partner if texts is not None else None

    @property
    def partner_definite(self) -> str:
        """The partner in a sentence, as the package names it."""
        return partner_definite(self.partner_words)

    @property
    def replans_made(self) -> int:
        """How many times the meeting moved: waits re-read their due dates when it changes."""
        return self.state.reschedules

    @property
    def about(self) -> str:
        """What the meeting is about, as a calendar entry names it (the package's words; a
        package recorded before packages carried them goes by its title)."""
        texts = self.pkg.texts
        return texts.meeting_about if texts is not None else self.pkg.title

    def now(self) -> datetime:
        return self.kernel.now()

    @property
    def order_id(self) -> str:
        return workflow.info().workflow_id

    @property
    def first_run(self) -> str:
        """The run this order's links are signed for: stable across continue-as-new, new for
        an order placed again under the same id."""
        return workflow.info().first_execution_run_id

    # ---- recording -------------------------------------------------------------------

    def record(self, event: DomainEvent) -> None:
        """Keep ``event``, fold it in and publish what operations see. What the order notes
        for itself (``Noted``) changes nothing they see: folded only, no command."""
        self.log.record(event)
        if not isinstance(event, Noted):
            self.publish()

    def publish(self) -> None:
        patches = self.kernel.patches
        updates = order_attributes(
            self.order,
            self.state,
            workbench=patches.get(WORKBENCH, False),
            mail_problems=patches.get(RUN_SCOPED_MAIL, False),
        )
        # Orders from before upserted on every event; they keep doing so, and replay.
        self.kernel.publish(
            self.details(), updates, lambda: workflow.patched(SEARCH_ATTRIBUTES_ON_CHANGE)
        )

    def show_details(self) -> None:
        """What the UI shows above the history; a query answers it, so it is no command."""
        workflow.set_current_details(self.details())

    def details(self) -> str:
        return current_details(
            self.order.cluster.name,
            self.order.municipality.name if self.order.municipality else None,
            self.state,
            self.now(),
            self.state.survey_progress,
        )

    # ---- waiting and refusing ----------------------------------------------------------

    async def placed(self) -> None:
        """An Update may arrive while the package loads; it lands once the order is placed
        (or waits, as a late order, for KiAP's answer)."""
        await workflow.wait_condition(
            lambda: self.state.timeline is not None or self.state.awaiting_approval
        )

    def require_active(self, starting_ok: bool = False) -> None:
        self.kernel.refuse_if(
            refuse_inactive(
                self.state, cancelling=self.state.cancel_requested, starting_ok=starting_ok
            )
        )

    async def wait_until(
        self, due: Callable[[], datetime] | None, condition: Callable[[], bool] | None, summary: str
    ) -> bool:
        """Wait for ``condition`` or the planned time ``due()``; a reschedule re-reads ``due``.
        Returns whether the condition held. Raises Cancelled when the order is cancelled."""
        return await self.kernel.wait(
            due,
            condition,
            summary,
            replans=lambda: self.replans_made,
            cancelled=lambda: self.state.cancel_requested,
        )

    def moved(self, cmd: Reschedule) -> OrderRequest:
        meeting = self.order.meeting.model_copy(update={"start": cmd.meeting})
        return self.order.model_copy(update={"meeting": meeting})

    def replan(self, cmd: Reschedule) -> Timeline:
        try:
            return plan(
                self.moved(cmd),
                self.timeline.planned_at,
                allow_late=cmd.allow_late or self.input.allow_late,
                process=self.pkg.process,
            )
        except DomainError as exc:
            raise invalid(exc) from None

    # ---- people, mail and calendars ----------------------------------------------------

    def recipients(self, *roles: Role) -> list[Person]:
        return recipients(self.order, self.input.consultant, self.package, roles)

    def invite(
        self,
        occasion: str,
        summary: str,
        start: datetime,
        minutes: int,
        location: str | None = None,
        sequence: int | None = None,
        attendees: tuple[Role, ...] = (),
        cancelled: bool = False,
    ) -> CalendarInvite:
        return CalendarInvite(
            uid=f"{occasion}.{self.order_id}@klyngepakke.kiap.dk",
            summary=summary,
            start=start,
            minutes=minutes,
            location=location,
            sequence=self.replans_made if sequence is None else sequence,
            attendees=self.recipients(*attendees),
            cancelled=cancelled,
        )

    def meeting_invite(self, cancelled: bool = False) -> CalendarInvite:
        """The cluster meeting in the members' and the job centre's calendars: one UID for
        the order, its SEQUENCE raised by every move (and once more when it is called off)."""
        program = self.pkg.program(self.order.meeting.program_variant)
        return self.invite(
            "meeting",
            f"Klyngemøde: {self.pkg.title}",
            self.order.meeting.start,
            program.minutes,
            location=self.order.meeting.location,
            sequence=self.replans_made + (1 if cancelled else 0),
            attendees=("members", "partner"),
            cancelled=cancelled,
        )

    async def mail(
        self,
        mail: str,
        key: str,
        *roles: Role,
        attachments: list[ArtifactRef] | None = None,
        calendar: CalendarInvite | None = None,
        previous_meeting: datetime | None = None,
        delivery: int | None = None,
        delivery_note: str | None = None,
        upload_link: bool = False,
        practice_labels: bool = False,
        minutes_link: bool = False,
        to: list[Person] | None = None,
        agreement: AgreementView | None = None,
        reminder: str | None = None,
        call_passed: bool = False,
        problem: str | None = None,
        groups: list[list[int]] | None = None,
        assigned_by: str | None = None,
    ) -> None:
        """Mail the people in ``roles`` – or ``to``, when the mail is for named people (who
        share one message per ``groups`` entry, when given)."""
        # A package without a partner organisation has no one in the "partner" role.
        roles = tuple(r for r in roles if to is not None or self.recipients(r))
        people = to if to is not None else self.recipients(*roles)
        if not people:
            return
        state = self.state
        request = MailRequest(
            mail=mail,
            key=self.kernel.mail_key(key),
            recipients=people,
            groups=groups,
            attachments=attachments or [],
            calendar=calendar,
            upload_to=self.order_id if upload_link else None,
            upload_run=self.first_run if upload_link else None,
            practice_labels=practice_labels,
            minutes_link=minutes_link,
            context=MailContext(
                order_id=self.order_id,
                order=self.order,
                order_run=self.first_run,
                timeline=state.timeline,
                consultation=state.consultation,
                minutes=state.minutes,
                premeeting_at=state.premeeting_at,
                survey_respondents=(
                    state.survey_results.respondents if state.survey_results is not None else None
                ),
                extract_received=state.extract_received,
                reason=state.cancel_reason,
                previous_meeting=previous_meeting,
                delivery=delivery,
                delivery_note=delivery_note,
                agreement=agreement,
                reminder=reminder,
                call_passed=call_passed,
                problem=problem,
                assigned_by=assigned_by,
            ),
        )
        result = await self.kernel.send_mail(
            MailActivities.send_mail,
            request,
            f"Mail: {mail} til " + (", ".join(roles) if to is None else f"{len(to)} ansvarlige"),
        )
        delivered = len(people) - result.refused - result.delayed
        if delivered > 0 or not (result.refused or result.delayed):
            self.record(
                MailSent(
                    at=self.now(),
                    mail=mail,
                    roles=list(roles),
                    recipients=delivered,
                    message_ids=result.message_ids,
                )
            )
        if result.refused:
            self.record(
                MailRefused(
                    at=self.now(),
                    mail=mail,
                    refused=result.refused,
                    code=result.refusal_code,
                    key=key,
                    recipients=result.refused_recipients,
                )
            )
        if result.delayed:
            self.record(
                MailDelayed(
                    at=self.now(),
                    mail=mail,
                    key=key,
                    delayed=result.delayed,
                    code=result.delay_code,
                    recipients=result.delayed_recipients,
                    login_refused=result.login_refused,
                )
            )

    # ---- documents ---------------------------------------------------------------------

    async def render(self, kinds: list[str]) -> list[ArtifactRef]:
        """Render ``kinds``; when a render still fails after its retries, the order tells the
        consultant and waits for an operator's ``retry_render`` instead of failing."""
        return await self.kernel.render(kinds, self.facts, self.pkg, self._render_failed)

    async def _render_failed(self, kinds: list[str], message: str) -> None:
        self.record(RenderFailed(at=self.now(), kinds=kinds, message=message))
        failures = sum(1 for e in self.events if isinstance(e, RenderFailed))
        problem = f"Dokumenterne ({', '.join(kinds)}) kunne ikke laves: {message}"
        await self.mail("render_failed", f"render_failed-{failures}", "consultant", problem=problem)
        await self.wait_until(
            None, lambda: self.state.render_failed is None, "Venter på retry_render"
        )

    def facts(self) -> DocumentFacts:
        state = self.state
        return DocumentFacts(
            order_id=self.order_id,
            order=self.order,
            consultant=self.input.consultant,
            timeline=self.timeline,
            consultation=state.consultation,
            survey_results=state.survey_results,
            premeeting_at=state.premeeting_at,
            minutes=state.minutes,
            program_changes=state.program_changes,
            extract=state.extract,
            comparison=state.comparison,
        )

    # ---- the children ------------------------------------------------------------------

    async def tell_child(self, workflow_id: str, signal: str, sending: Awaitable[None]) -> None:
        """Signal a child; one that has already finished no longer needs the news, so its
        refusal (ExternalWorkflowExecutionNotFound) is recorded and the order goes on."""
        try:
            await sending
        except ApplicationError:
            self.record(ChildSignalDropped(at=self.now(), workflow_id=workflow_id, signal=signal))

    async def child_failed(self, workflow_id: str, what: str, message: str) -> None:
        """A child that failed: recorded (status, current details), the consultant told; the
        order goes on without it."""
        self.record(ChildFailed(at=self.now(), workflow_id=workflow_id, what=what, message=message))
        failures = len(self.state.child_failures)
        await self.mail(
            "child_failed",
            f"child_failed-{failures}",
            "consultant",
            problem=f"{what} stoppede med en fejl: {message}",
        )
