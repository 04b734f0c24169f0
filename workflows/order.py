"""The order workflow: one order of a cluster package, stage by stage (DESIGN.md's table).

Each stage is a short method that waits on a due date from the timeline planner or on a
person's Update. Decisions live in schemas/; side effects in activities/.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.workflow import ChildWorkflowHandle

with workflow.unsafe.imports_passed_through():
    from activities.calendar_invite import CalendarInvite
    from activities.catalog_lookup import CatalogActivities
    from activities.mail import MailActivities, MailContext, MailRequest
    from activities.rendering import RenderActivities, RenderRequest
    from schemas.artifacts import ArtifactRef
    from schemas.business_days import add_business_days, at_workday_start
    from schemas.catalog import Package
    from schemas.clock import OrderClock
    from schemas.commands import (
        Cancel,
        ConsultationDone,
        MeetingRecord,
        OrderInput,
        PremeetingDone,
        PremeetingSchedule,
        Reschedule,
        StepAccepted,
        SurveyImport,
    )
    from schemas.danish_format import datetime_long
    from schemas.documents import DocumentSource
    from schemas.errors import DomainError, DomainErrors
    from schemas.events import (
        ArtifactsDelivered,
        ArtifactsRendered,
        ConsultationCompleted,
        ConsultationEscalated,
        DomainEvent,
        ExtractMissing,
        FollowUpSummarySent,
        InvitationSent,
        JobcenterGuideSent,
        MailSent,
        MaterialSent,
        MeetingRecorded,
        OrderCancelled,
        OrderCompleted,
        OrderPlaced,
        OrderRescheduled,
        PremeetingCompleted,
        PremeetingScheduled,
        Role,
        StepOverdue,
        StepSkipped,
        SurveyReminderSent,
        SurveyResultsImported,
    )
    from schemas.minutes import check_minutes
    from schemas.order import ContactBy, OrderRequest
    from schemas.people import Person
    from schemas.program import adjusted
    from schemas.state import OrderState, OrderStatus, apply, status_of
    from schemas.steps import Step, StepState
    from schemas.summary import current_details
    from schemas.survey import aggregate, check_response
    from schemas.survey_round import RoundInput, RoundOutcome, RoundProgress, round_plan
    from schemas.timeline import LateOrder, Timeline, plan
    from workflows import activity_options, search_attributes
    from workflows.survey_round import SurveyRound, round_id


class _Cancelled(Exception):
    """Raised inside a stage when the order was cancelled while it waited."""


def _refuse(message: str) -> ApplicationError:
    return ApplicationError(message, type="StepRefused", non_retryable=True)


def _domain(exc: DomainError | DomainErrors) -> ApplicationError:
    return ApplicationError(str(exc), type="InvalidInput", non_retryable=True)


@workflow.defn
class OrderWorkflow:
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
        self._replans = 0
        self._cancel_requested = False
        self._premeetings_scheduled = 0
        self._premeetings_announced = 0
        self._round: ChildWorkflowHandle[Any, RoundOutcome] | None = None
        self._survey_progress: RoundProgress | None = None
        self._round_finished = False

    # ---- the stages -------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: OrderInput) -> OrderStatus:
        self._package = await workflow.execute_activity_method(
            CatalogActivities.load_package,
            inp.order.package,
            summary="Hent pakken fra kataloget",
            start_to_close_timeout=activity_options.LOOKUP_TIMEOUT,
            retry_policy=activity_options.LOOKUP_RETRY,
        )
        try:
            timeline = plan(self._order, self._now(), allow_late=inp.allow_late)
        except DomainError as exc:
            kind = "LateOrder" if isinstance(exc, LateOrder) else "InvalidOrder"
            raise ApplicationError(str(exc), type=kind, non_retryable=True) from None
        self._record(OrderPlaced(at=self._now(), timeline=timeline))
        try:
            await self._order_placed()
            await self._consultation()
            await self._material()
            await self._survey()
            await self._artifacts()
            await asyncio.gather(self._premeeting(), self._invitation())
            await self._meeting()
            await self._follow_up()
            self._record(OrderCompleted(at=self._now()))
        except _Cancelled:
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
                "consultation", "Telefonkonsultation: klyngepakke", self._order.call_at, 30
            ),
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
        guide = (await self._render(["jobcenter_guide"]))[0]
        consultation = self._state.consultation
        assert consultation is not None
        await self._mail("material", "material", "coordinator", attachments=[guide])
        self._record(MaterialSent(at=self._now()))
        if consultation.contact_by == ContactBy.KIAP:
            await self._mail("jobcenter_guide", "jobcenter_guide", "jobcenter", attachments=[guide])
        self._record(
            JobcenterGuideSent(at=self._now(), contact_by=consultation.contact_by, artifact=guide)
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

    async def _replan_survey_round(self, timeline: Timeline) -> None:
        """A moved meeting moves the running round's reminders and close with it."""
        material_sent = self._state.steps[Step.MATERIAL].done_at
        if self._round is None or self._round_finished or material_sent is None:
            return
        if workflow.patched("replan-survey-round"):
            handle = workflow.get_external_workflow_handle(self._round.id)
            await handle.signal(SurveyRound.replan, round_plan(timeline, material_sent))

    async def _stop_survey_round(self) -> None:
        """A cancelled order sends no more survey mail: its round is cancelled with it."""
        if self._round is None or self._round_finished:
            return
        handle = workflow.get_external_workflow_handle(self._round.id)
        with contextlib.suppress(Exception):
            await handle.cancel()

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
            await handle.signal(SurveyRound.close_now)
            await round_done
            return
        outcome = round_done.result()
        self._survey_progress = outcome.progress
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

    async def _deliver_documents(self, *roles: Role) -> None:
        """Render the meeting documents; deliver them when any changed since the last time."""
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
        )
        self._record(ArtifactsDelivered(at=self._now(), version=version, roles=list(roles)))

    async def _premeeting(self) -> None:
        """Announce each scheduling of the pre-meeting; flag it overdue at its due date and
        skip it at the meeting if it was never held."""
        while True:
            await self._wait_until(
                self._premeeting_deadline, self._premeeting_news, "Venter på formødet"
            )
            if self._premeetings_scheduled != self._premeetings_announced:
                self._premeetings_announced = self._premeetings_scheduled
                await self._announce_premeeting(self._premeetings_announced)
                continue
            if self._state.is_done(Step.PREMEETING):
                # Orders that held their pre-meeting before this existed did not re-render.
                if workflow.patched("rerender-after-premeeting"):
                    await self._deliver_documents("coordinator", "jobcenter")
                return
            if self._state.state_of(Step.PREMEETING) != StepState.OVERDUE:
                self._record(StepOverdue(at=self._now(), step=Step.PREMEETING))
                continue
            reason = "formødet blev ikke registreret før klyngemødet"
            self._record(StepSkipped(at=self._now(), step=Step.PREMEETING, reason=reason))
            return

    def _premeeting_deadline(self) -> datetime:
        if self._state.state_of(Step.PREMEETING) == StepState.OVERDUE:
            return self._timeline.meeting
        return self._timeline.due[Step.PREMEETING]

    def _premeeting_news(self) -> bool:
        return (
            self._state.is_done(Step.PREMEETING)
            or self._premeetings_scheduled != self._premeetings_announced
        )

    async def _announce_premeeting(self, number: int) -> None:
        at = self._state.premeeting_at
        assert at is not None
        invite = self._invite(
            "premeeting", "Formøde: klyngemøde om attester", at, 60, sequence=number - 1
        )
        await self._mail(
            "premeeting_scheduled",
            f"premeeting_scheduled-{number}",
            "coordinator",
            "jobcenter",
            calendar=invite,
        )

    async def _invitation(self) -> None:
        await self._wait_until(
            lambda: self._timeline.due[Step.INVITATION], None, "Venter til invitationen skal sendes"
        )
        program = self._pkg.program(self._order.meeting.program_variant)
        invite = self._invite(
            "meeting",
            f"Klyngemøde: {self._pkg.title}",
            self._order.meeting.start,
            program.minutes,
            location=self._order.meeting.location,
        )
        await self._mail("invitation", f"invitation-{self._replans}", "members", calendar=invite)
        self._record(InvitationSent(at=self._now(), invited=len(self._order.members)))
        await self._mail(
            "practical_checklist", f"practical_checklist-{self._replans}", "coordinator"
        )

    async def _meeting(self) -> None:
        recorded = lambda: self._state.is_done(Step.MEETING)  # noqa: E731
        if not await self._wait_until(
            lambda: self._timeline.meeting_escalation,
            recorded,
            "Venter på referatet fra klyngemødet",
        ):
            self._record(StepOverdue(at=self._now(), step=Step.MEETING))
            await self._mail("meeting_escalation", "meeting_escalation", "coordinator")
            await self._wait_until(None, recorded, "Venter på referatet (rykket)")

    async def _follow_up(self) -> None:
        recorded_at = self._state.steps[Step.MEETING].done_at
        assert recorded_at is not None
        send_at = at_workday_start(add_business_days(recorded_at.date(), 1))
        await self._wait_until(lambda: send_at, None, "Venter til opsummeringen sendes")
        await self._mail("follow_up_summary", "follow_up_summary", "members", "jobcenter")
        self._record(FollowUpSummarySent(at=self._now()))

    async def _notify_cancelled(self) -> None:
        roles = [
            r
            for r in ("coordinator", "consultant", "jobcenter", "members")
            if r in self._state.told
        ]
        await self._mail("cancelled", "cancelled", *roles)

    # ---- human steps: Updates with validators -----------------------------------------

    @workflow.update(name="consultation_done")
    async def consultation_done(self, cmd: ConsultationDone) -> StepAccepted:
        await self._placed()
        mode = cmd.mode or self._order.meeting.mode
        self._record(
            ConsultationCompleted(
                at=self._now(), contact_by=cmd.contact_by, mode=mode, notes=cmd.notes
            )
        )
        who = "KiAP" if cmd.contact_by == ContactBy.KIAP else "klyngen"
        return StepAccepted(
            message=f"Telefonkonsultationen er registreret; {who} kontakter "
            "jobcenteret. Materialemailen sendes nu."
        )

    @consultation_done.validator
    def _check_consultation(self, cmd: ConsultationDone) -> None:
        self._require_active(starting_ok=True)
        if self._state.is_done(Step.CONSULTATION):
            raise _refuse("Telefonkonsultationen er allerede registreret.")

    @workflow.update(name="survey_import")
    def survey_import(self, cmd: SurveyImport) -> StepAccepted:
        results = aggregate(self._pkg.survey, cmd.responses)
        self._record(SurveyResultsImported(at=self._now(), source=cmd.source, results=results))
        return StepAccepted(
            message=f"{results.respondents} besvarelser er indlæst og kommer med i PowerPointen."
        )

    @survey_import.validator
    def _check_survey_import(self, cmd: SurveyImport) -> None:
        self._require_active()
        state = self._state.state_of(Step.SURVEY)
        if state == StepState.PENDING:
            raise _refuse(
                "Spørgeskemaet er ikke sendt ud endnu: telefonkonsultationen og "
                "materialemailen kommer først."
            )
        if state == StepState.DONE:
            raise _refuse("Svarene er allerede indlæst.")
        if state == StepState.SKIPPED:
            raise _refuse("PowerPointen er allerede lavet uden svarene; kontakt KiAP.")
        for index, response in enumerate(cmd.responses):
            try:
                check_response(self._pkg.survey, response, f"responses[{index}]")
            except (DomainError, DomainErrors) as exc:
                raise _domain(exc) from None

    @workflow.update(name="premeeting_schedule")
    def premeeting_schedule(self, cmd: PremeetingSchedule) -> StepAccepted:
        self._record(PremeetingScheduled(at=self._now(), premeeting_at=cmd.at))
        self._premeetings_scheduled += 1
        return StepAccepted(
            message=f"Formødet er sat til {datetime_long(cmd.at)}; koordinator "
            "og jobcenter får en kalenderinvitation."
        )

    @premeeting_schedule.validator
    def _check_premeeting_schedule(self, cmd: PremeetingSchedule) -> None:
        self._require_active()
        if not self._state.is_done(Step.ARTIFACTS):
            raise _refuse(
                "Formødet planlægges, når PowerPointen er leveret (senest "
                f"{datetime_long(self._timeline.due[Step.ARTIFACTS])})."
            )
        if self._state.is_done(Step.PREMEETING):
            raise _refuse("Formødet er allerede holdt og registreret.")
        if not self._now() < cmd.at < self._timeline.meeting:
            raise _refuse(
                "at: formødet skal ligge mellem nu og klyngemødet "
                f"({datetime_long(self._timeline.meeting)})."
            )

    @workflow.update(name="premeeting_done")
    def premeeting_done(self, cmd: PremeetingDone) -> StepAccepted:
        self._record(PremeetingCompleted(at=self._now(), notes=cmd.notes, program=cmd.program))
        return StepAccepted(message="Formødet er registreret som holdt.")

    @premeeting_done.validator
    def _check_premeeting_done(self, cmd: PremeetingDone) -> None:
        self._require_active()
        at = self._state.premeeting_at
        if at is None:
            raise _refuse("Formødet er ikke planlagt: brug først premeeting_schedule.")
        if self._state.state_of(Step.PREMEETING) in (StepState.DONE, StepState.SKIPPED):
            raise _refuse("Formødet er allerede afsluttet.")
        if cmd.program is not None:
            source_variant = cmd.program.variant or self._order.meeting.program_variant
            try:
                adjusted(self._pkg.program(source_variant), cmd.program)
            except KeyError:
                known = ", ".join(p.id for p in self._pkg.programs)
                raise _refuse(f"program.variant: ukendt variant – brug en af: {known}") from None
            except DomainError as exc:
                raise _domain(exc) from None
        if self._now() < at:
            raise _refuse(
                f"Formødet er sat til {datetime_long(at)} og kan først registreres bagefter."
            )

    @workflow.update(name="meeting_record")
    def meeting_record(self, cmd: MeetingRecord) -> StepAccepted:
        self._record(MeetingRecorded(at=self._now(), minutes=cmd.minutes))
        return StepAccepted(
            message=f"Referatet med {len(cmd.minutes.agreements)} aftaler er "
            "registreret; opsummeringen sendes næste hverdag."
        )

    @meeting_record.validator
    def _check_meeting_record(self, cmd: MeetingRecord) -> None:
        self._require_active()
        if self._state.is_done(Step.MEETING):
            raise _refuse("Referatet er allerede registreret.")
        try:
            check_minutes(cmd.minutes, self._timeline.meeting, self._now())
        except DomainError as exc:
            raise _domain(exc) from None

    @workflow.update(name="reschedule")
    async def reschedule(self, cmd: Reschedule) -> StepAccepted:
        previous = self._timeline.meeting
        self._order = self._moved(cmd)
        timeline = self._replan(cmd)
        self._record(OrderRescheduled(at=self._now(), previous_meeting=previous, timeline=timeline))
        self._replans += 1
        await self._replan_survey_round(timeline)
        roles = [
            r
            for r in ("coordinator", "consultant", "jobcenter", "members")
            if r in self._state.told
        ]
        await self._mail(
            "rescheduled",
            f"rescheduled-{self._replans}",
            *roles,
            previous_meeting=previous,
        )
        return StepAccepted(
            message=f"Klyngemødet er flyttet til {datetime_long(timeline.meeting)}"
            "; fristerne er planlagt igen."
        )

    @reschedule.validator
    def _check_reschedule(self, cmd: Reschedule) -> None:
        self._require_active()
        if self._state.is_done(Step.MEETING) or self._now() >= self._timeline.meeting:
            raise _refuse("Klyngemødet er holdt og kan ikke flyttes.")
        if cmd.meeting - self._now() <= timedelta(days=14):
            raise _refuse("meeting: det nye mødetidspunkt skal ligge mindst 2 uger ude.")
        self._replan(cmd)

    @workflow.update(name="cancel")
    async def cancel(self, cmd: Cancel) -> StepAccepted:
        await self._placed()
        self._record(OrderCancelled(at=self._now(), reason=cmd.reason))
        self._cancel_requested = True
        return StepAccepted(
            message="Bestillingen er annulleret; alle, der har fået mails om den, får besked."
        )

    @cancel.validator
    def _check_cancel(self, cmd: Cancel) -> None:
        self._require_active(starting_ok=True)

    @workflow.signal(name="survey_progress")
    def survey_progress(self, progress: RoundProgress) -> None:
        self._survey_progress = progress
        if self._state.timeline is not None:
            self._publish()

    @workflow.query(name="status")
    def status(self) -> OrderStatus:
        return status_of(
            workflow.info().workflow_id,
            self._order.package,
            self._order.cluster.name,
            len(self._order.members),
            self._events,
            self._now(),
            self._clock,
            self._survey_progress,
        )

    # ---- plumbing ---------------------------------------------------------------------

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
        return self._clock.planned(workflow.now())

    async def _placed(self) -> None:
        """An Update may arrive while the package loads; it lands once the order is placed."""
        await workflow.wait_condition(lambda: self._state.timeline is not None)

    def _require_active(self, starting_ok: bool = False) -> None:
        if self._state.timeline is None and not starting_ok:
            raise _refuse("Ordren er ved at starte; prøv igen om et øjeblik.")
        if self._state.status != "active" or self._cancel_requested:
            raise _refuse(
                f"Ordren er {'annulleret' if self._cancel_requested else 'afsluttet'}"
                " og kan ikke ændres."
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
            )
        except DomainError as exc:
            raise _domain(exc) from None

    def _record(self, event: DomainEvent) -> None:
        self._events.append(event)
        self._state = apply(self._state, event)
        self._publish()

    def _publish(self) -> None:
        state = self._state
        timeline = self._timeline
        workflow.upsert_search_attributes(
            [
                search_attributes.PACKAGE.value_set(self._order.package),
                search_attributes.CLUSTER.value_set(self._order.cluster.name),
                search_attributes.REGION.value_set(self._order.cluster.region.value),
                search_attributes.MUNICIPALITY.value_set(self._order.municipality.name),
                search_attributes.CURRENT_STEP.value_set(
                    state.status if state.status != "active" else state.current_step.value
                ),
                search_attributes.MEETING_DATE.value_set(timeline.meeting),
                search_attributes.OVERDUE.value_set(state.overdue),
            ]
        )
        workflow.set_current_details(
            current_details(
                self._order.cluster.name,
                self._order.municipality.name,
                state,
                self._now(),
                self._survey_progress,
            )
        )

    async def _wait_until(
        self, due: Callable[[], datetime] | None, condition: Callable[[], bool] | None, summary: str
    ) -> bool:
        """Wait for ``condition`` or the planned time ``due()``; a reschedule re-reads ``due``.
        Returns whether the condition held. Raises _Cancelled when the order is cancelled."""
        met = condition or (lambda: False)
        while True:
            if self._cancel_requested:
                raise _Cancelled()
            if met():
                return True
            woken = functools.partial(self._woken, met, self._replans)
            if due is None:
                await workflow.wait_condition(woken)
                continue
            delay = self._clock.real_delay(workflow.now(), due())
            if delay <= timedelta(0):
                return met()
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(woken, timeout=delay, timeout_summary=summary)

    def _woken(self, met: Callable[[], bool], replans_seen: int) -> bool:
        return met() or self._cancel_requested or self._replans != replans_seen

    def _recipients(self, *roles: Role) -> list[Person]:
        people: dict[Role, list[Person]] = {
            "coordinator": [self._order.coordinator],
            "consultant": [self._input.consultant],
            "jobcenter": [self._order.municipality.jobcenter_contact],
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
    ) -> CalendarInvite:
        return CalendarInvite(
            uid=f"{occasion}.{workflow.info().workflow_id}@klyngepakke.kiap.dk",
            summary=summary,
            start=start,
            minutes=minutes,
            location=location,
            sequence=self._replans if sequence is None else sequence,
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
    ) -> None:
        recipients = self._recipients(*roles)
        if not recipients:
            return
        state = self._state
        request = MailRequest(
            mail=mail,
            key=key,
            recipients=recipients,
            attachments=attachments or [],
            calendar=calendar,
            context=MailContext(
                order_id=workflow.info().workflow_id,
                order=self._order,
                timeline=self._timeline,
                consultation=state.consultation,
                minutes=state.minutes,
                premeeting_at=state.premeeting_at,
                artifacts=attachments or [],
                survey_results=state.survey_results,
                extract_received=state.extract_received,
                reason=state.cancel_reason,
                previous_meeting=previous_meeting,
                delivery=delivery,
            ),
        )
        result = await workflow.execute_activity_method(
            MailActivities.send_mail,
            request,
            summary=f"Mail: {mail} til {', '.join(roles)}",
            start_to_close_timeout=activity_options.MAIL_TIMEOUT,
            retry_policy=activity_options.MAIL_RETRY,
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

    async def _render(self, kinds: list[str]) -> list[ArtifactRef]:
        state = self._state
        source = DocumentSource(
            order_id=workflow.info().workflow_id,
            order=self._order,
            consultant=self._input.consultant,
            package=self._pkg,
            timeline=self._timeline,
            consultation=state.consultation,
            survey_results=state.survey_results,
            premeeting_at=state.premeeting_at,
            minutes=state.minutes,
            program_changes=state.program_changes,
        )
        result = await workflow.execute_activity_method(
            RenderActivities.render_documents,
            RenderRequest(kinds=kinds, source=source),
            summary=f"Dokumenter: {', '.join(kinds)}",
            start_to_close_timeout=activity_options.RENDER_TIMEOUT,
            retry_policy=activity_options.RENDER_RETRY,
        )
        artifacts: list[ArtifactRef] = result.artifacts
        return artifacts
