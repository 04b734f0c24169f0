"""The order workflow's plumbing: clock, event log, search attributes, waiting, mail and
render calls. The stages (workflows/order.py) and the human steps (workflows/order_steps.py)
are written on top of it."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError, ChildWorkflowError
from temporalio.workflow import ChildWorkflowHandle

with workflow.unsafe.imports_passed_through():
    from activities.calendar_invite import CalendarInvite
    from activities.mail import MailActivities, MailContext, MailRequest
    from schemas.order.agreements import AgreementView
    from schemas.order.commands import OrderInput, Reschedule
    from schemas.order.documents import DocumentFacts
    from schemas.order.events import (
        ChildFailed,
        ChildSignalDropped,
        DomainEvent,
        MailRefused,
        MailSent,
        RenderFailed,
        Role,
    )
    from schemas.order.partner import partner_contacts
    from schemas.order.refusals import refuse_inactive
    from schemas.order.request import OrderRequest
    from schemas.order.state import OrderState, apply
    from schemas.order.steps import Step
    from schemas.order.summary import current_details
    from schemas.order.timeline import Timeline, plan
    from schemas.package.model import Package, SurveyTemplate
    from schemas.package.process import PartnerTexts, partner_definite
    from schemas.shared.artifacts import ArtifactRef
    from schemas.shared.clock import OrderClock
    from schemas.shared.errors import DomainError
    from schemas.shared.people import Person
    from schemas.survey.progress import RoundProgress
    from schemas.survey_round.round import RoundOutcome, round_plan
    from workflows.failures import failure_text
    from workflows.kernel import Cancelled, Kernel
    from workflows.refusals import invalid, refuse
    from workflows.search_attributes import order_attributes
    from workflows.survey_round import SurveyRound

# The order's parts refuse and reject input the way every workflow does (workflows/refusals).
_refuse, _domain = refuse, invalid


# Patch: upsert the search attributes only when one of them changed.
SEARCH_ATTRIBUTES_ON_CHANGE = "search-attributes-on-change"


# Raised inside a stage when the order was cancelled while it waited.
_Cancelled = Cancelled


class OrderBase:
    """State and helpers every part of the order workflow shares (set up in its __init__)."""

    _input: OrderInput
    _order: OrderRequest
    _clock: OrderClock
    _events: list[DomainEvent]
    _state: OrderState
    _package: Package | None
    _cancel_requested: bool
    _premeetings_announced: int
    _round: ChildWorkflowHandle[Any, RoundOutcome] | None
    _survey_progress: RoundProgress | None
    _round_finished: bool
    _asked: SurveyTemplate | None
    _replay_safe: bool
    _workbench: bool
    _kernel: Kernel

    async def _tell_follow_up(self) -> None:
        raise NotImplementedError

    @property
    def _timeline(self) -> Timeline:
        assert self._state.timeline is not None
        return self._state.timeline

    @property
    def _pkg(self) -> Package:
        if self._package is None:
            raise _refuse("Ordren er ved at starte; prøv igen om et øjeblik.")
        return self._package

    def _now(self) -> datetime:
        return self._kernel.now()

    @property
    def _partner_words(self) -> PartnerTexts | None:
        """How the package names its partner (None: it has none, or it was recorded before
        packages named theirs)."""
        texts = self._package.texts if self._package is not None else None
        return texts.partner if texts is not None else None

    @property
    def _partner_definite(self) -> str:
        """The partner in a sentence, as the package names it."""
        return partner_definite(self._partner_words)

    @property
    def _replans_made(self) -> int:
        """How many times the meeting moved: waits re-read their due dates when it changes."""
        return self._state.reschedules

    @property
    def _about(self) -> str:
        """What the meeting is about, as a calendar entry names it (the package's words; a
        package recorded before packages carried them goes by its title)."""
        texts = self._pkg.texts
        return texts.meeting_about if texts is not None else self._pkg.title

    async def _placed(self) -> None:
        """An Update may arrive while the package loads; it lands once the order is placed
        (or waits, as a late order, for KiAP's answer)."""
        await workflow.wait_condition(
            lambda: self._state.timeline is not None or self._state.awaiting_approval
        )

    def _require_active(self, starting_ok: bool = False) -> None:
        self._kernel.refuse_if(
            refuse_inactive(self._state, cancelling=self._cancel_requested, starting_ok=starting_ok)
        )

    def _moved(self, cmd: Reschedule) -> OrderRequest:
        meeting = self._order.meeting.model_copy(update={"start": cmd.meeting})
        return self._order.model_copy(update={"meeting": meeting})

    def _replan(self, cmd: Reschedule) -> Timeline:
        try:
            return plan(
                self._moved(cmd),
                self._timeline.planned_at,
                allow_late=cmd.allow_late or self._input.allow_late,
                process=self._pkg.process,
            )
        except DomainError as exc:
            raise _domain(exc) from None

    def _record(self, event: DomainEvent) -> None:
        self._events.append(event)
        self._state = apply(self._state, event)
        self._publish()

    def _publish(self) -> None:
        updates = order_attributes(self._order, self._state, workbench=self._workbench)
        # Orders from before upserted on every event; they keep doing so, and replay.
        self._kernel.publish(
            self._details(), updates, lambda: workflow.patched(SEARCH_ATTRIBUTES_ON_CHANGE)
        )

    def _show_details(self) -> None:
        """What the UI shows above the history; a query answers it, so it is no command."""
        workflow.set_current_details(self._details())

    def _details(self) -> str:
        return current_details(
            self._order.cluster.name,
            self._order.municipality.name if self._order.municipality else None,
            self._state,
            self._now(),
            self._survey_progress,
        )

    async def _wait_until(
        self, due: Callable[[], datetime] | None, condition: Callable[[], bool] | None, summary: str
    ) -> bool:
        """Wait for ``condition`` or the planned time ``due()``; a reschedule re-reads ``due``.
        Returns whether the condition held. Raises _Cancelled when the order is cancelled."""
        return await self._kernel.wait(
            due,
            condition,
            summary,
            replans=lambda: self._replans_made,
            cancelled=lambda: self._cancel_requested,
        )

    def _recipients(self, *roles: Role) -> list[Person]:
        people: dict[Role, list[Person]] = {
            "coordinator": [self._order.coordinator],
            "consultant": [self._input.consultant],
            "jobcenter": partner_contacts(self._order, self._package),
            "members": list(self._order.members),
        }
        return [p for role in roles for p in people[role]]

    def _invite(
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
            uid=f"{occasion}.{workflow.info().workflow_id}@klyngepakke.kiap.dk",
            summary=summary,
            start=start,
            minutes=minutes,
            location=location,
            sequence=self._replans_made if sequence is None else sequence,
            attendees=self._recipients(*attendees),
            cancelled=cancelled,
        )

    def _meeting_invite(self, cancelled: bool = False) -> CalendarInvite:
        """The cluster meeting in the members' and the job centre's calendars: one UID for
        the order, its SEQUENCE raised by every move (and once more when it is called off)."""
        program = self._pkg.program(self._order.meeting.program_variant)
        return self._invite(
            "meeting",
            f"Klyngemøde: {self._pkg.title}",
            self._order.meeting.start,
            program.minutes,
            location=self._order.meeting.location,
            sequence=self._replans_made + (1 if cancelled else 0),
            attendees=("members", "jobcenter"),
            cancelled=cancelled,
        )

    async def _mail(
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
    ) -> None:
        """Mail the people in ``roles`` – or ``to``, when the mail is for named people (who
        share one message per ``groups`` entry, when given)."""
        # A package without a partner organisation has no one in the "jobcenter" role.
        roles = tuple(r for r in roles if to is not None or self._recipients(r))
        recipients = to if to is not None else self._recipients(*roles)
        if not recipients:
            return
        state = self._state
        request = MailRequest(
            mail=mail,
            key=key,
            recipients=recipients,
            groups=groups,
            attachments=attachments or [],
            calendar=calendar,
            upload_to=workflow.info().workflow_id if upload_link else None,
            practice_labels=practice_labels,
            minutes_link=minutes_link,
            context=MailContext(
                order_id=workflow.info().workflow_id,
                order=self._order,
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
            ),
        )
        result = await self._kernel.send_mail(
            MailActivities.send_mail,
            request,
            f"Mail: {mail} til " + (", ".join(roles) if to is None else f"{len(to)} ansvarlige"),
        )
        self._record(
            MailSent(
                at=self._now(),
                mail=mail,
                roles=list(roles),
                recipients=len(recipients),
                message_ids=result.message_ids,
            )
        )
        if result.refused:
            self._record(
                MailRefused(
                    at=self._now(), mail=mail, refused=result.refused, code=result.refusal_code
                )
            )

    async def _render(self, kinds: list[str]) -> list[ArtifactRef]:
        """Render ``kinds``; when a render still fails after its retries, the order tells the
        consultant and waits for an operator's ``retry_render`` instead of failing."""
        return await self._kernel.render(kinds, self._facts, self._pkg, self._render_failed)

    async def _render_failed(self, kinds: list[str], message: str) -> None:
        self._record(RenderFailed(at=self._now(), kinds=kinds, message=message))
        failures = sum(1 for e in self._events if isinstance(e, RenderFailed))
        problem = f"Dokumenterne ({', '.join(kinds)}) kunne ikke laves: {message}"
        await self._mail(
            "render_failed", f"render_failed-{failures}", "consultant", problem=problem
        )
        await self._wait_until(
            None, lambda: self._state.render_failed is None, "Venter på retry_render"
        )

    def _facts(self) -> DocumentFacts:
        state = self._state
        return DocumentFacts(
            order_id=workflow.info().workflow_id,
            order=self._order,
            consultant=self._input.consultant,
            timeline=self._timeline,
            consultation=state.consultation,
            survey_results=state.survey_results,
            premeeting_at=state.premeeting_at,
            minutes=state.minutes,
            program_changes=state.program_changes,
            extract=state.extract,
        )

    async def _replan_survey_round(self, timeline: Timeline) -> None:
        """A moved meeting moves the running round's reminders and close with it."""
        material_sent = self._state.steps[Step.MATERIAL].done_at
        if self._round is None or self._round_finished or material_sent is None:
            return
        if workflow.patched("replan-survey-round"):
            handle = workflow.get_external_workflow_handle(self._round.id)
            await self._tell_child(
                self._round.id,
                "replan",
                handle.signal(SurveyRound.replan, round_plan(timeline, material_sent)),
            )

    async def _tell_child(self, workflow_id: str, signal: str, sending: Awaitable[None]) -> None:
        """Signal a child; one that has already finished no longer needs the news, so its
        refusal (ExternalWorkflowExecutionNotFound) is recorded and the order goes on."""
        try:
            await sending
        except ApplicationError:
            self._record(ChildSignalDropped(at=self._now(), workflow_id=workflow_id, signal=signal))

    async def _child_failed(self, workflow_id: str, what: str, exc: ChildWorkflowError) -> None:
        """A child that failed: recorded (status, current details), the consultant told; the
        order goes on without it."""
        message = failure_text(exc)
        self._record(
            ChildFailed(at=self._now(), workflow_id=workflow_id, what=what, message=message)
        )
        failures = len(self._state.child_failures)
        await self._mail(
            "child_failed",
            f"child_failed-{failures}",
            "consultant",
            problem=f"{what} stoppede med en fejl: {message}",
        )

    async def _stop_survey_round(self) -> None:
        """A cancelled order sends no more survey mail: its round is cancelled with it."""
        if self._round is None or self._round_finished:
            return
        handle = workflow.get_external_workflow_handle(self._round.id)
        with contextlib.suppress(Exception):
            await handle.cancel()
