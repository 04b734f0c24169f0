"""The human steps of an order: Updates with validators (a refused step never enters
history), the survey progress signal and the status query."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.extract_check import ExtractCheckResult, accepted_message
    from schemas.order.agreements import AgreementState, check_owners, known_owners
    from schemas.order.commands import (
        AgreementDoneCommand,
        Cancel,
        ConsultationDone,
        ExtractAccepted,
        ExtractSubmit,
        MeetingRecord,
        PremeetingDone,
        PremeetingSchedule,
        Reschedule,
        RetryRender,
        StepAccepted,
        SurveyImport,
    )
    from schemas.order.events import (
        AgreementDone,
        ConsultationCompleted,
        ExtractReceived,
        MeetingRecorded,
        OrderCancelled,
        OrderRescheduled,
        PremeetingCompleted,
        PremeetingScheduled,
        RenderRetried,
        SurveyResultsImported,
    )
    from schemas.order.minutes import check_minutes
    from schemas.order.refusals import (
        refuse_agreement_done,
        refuse_consultation,
        refuse_extract,
        refuse_meeting_record,
        refuse_premeeting_done,
        refuse_premeeting_schedule,
        refuse_reschedule,
        refuse_survey_import,
    )
    from schemas.order.request import ContactBy
    from schemas.order.status import MinutesPage, OrderStatus, UploadPage, status_of, upload_views
    from schemas.order.steps import Step
    from schemas.package.process import extract_columns
    from schemas.package.program import adjusted
    from schemas.shared.danish_format import datetime_long
    from schemas.shared.errors import DomainError, DomainErrors
    from schemas.survey.answers import aggregate, check_response
    from schemas.survey.progress import RoundProgress
    from workflows.extract_intake import ExtractIntake
    from workflows.order_base import OrderBase, _domain, _refuse


class OrderSteps(ExtractIntake, OrderBase):
    @workflow.update(name="consultation_done")
    async def consultation_done(self, cmd: ConsultationDone) -> StepAccepted:
        await self._placed()
        mode = cmd.mode or self._order.meeting.mode
        self._record(
            ConsultationCompleted(
                at=self._now(),
                actor=cmd.actor,
                contact_by=cmd.contact_by,
                mode=mode,
                notes=cmd.notes,
                practice_labels_by_mail=cmd.practice_labels_by_mail,
            )
        )
        texts = self._pkg.texts
        partner = texts.partner.definite if texts and texts.partner else None
        if not self._pkg.process.partner or partner is None:
            return StepAccepted(
                message="Telefonkonsultationen er registreret. Materialemailen sendes nu."
            )
        who = "KiAP" if cmd.contact_by == ContactBy.KIAP else "klyngen"
        return StepAccepted(
            message=f"Telefonkonsultationen er registreret; {who} kontakter {partner}."
            " Materialemailen sendes nu."
        )

    @consultation_done.validator
    def _check_consultation(self, cmd: ConsultationDone) -> None:
        self._require_active(starting_ok=True)
        self._kernel.refuse_if(refuse_consultation(self._state))

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
        self._kernel.refuse_if(refuse_survey_import(self._state))
        for index, response in enumerate(cmd.responses):
            try:
                check_response(self._pkg.survey, response, f"responses[{index}]")
            except (DomainError, DomainErrors) as exc:
                raise _domain(exc) from None

    # ---- the extract (the Update and the page's query: workflows/extract_intake.py) ------

    def _intake_refusal(self) -> str | None:
        return refuse_extract(self._state, self._now(), cancelling=self._cancel_requested)

    def _intake_practices(self) -> list[str]:
        return self._order.practices

    def _intake_package(self) -> str:
        return self._order.package

    def _intake_labels_of(self) -> str:
        return workflow.info().workflow_id

    def _intake_keep(self, cmd: ExtractSubmit, result: ExtractCheckResult) -> ExtractAccepted:
        assert result.receipt is not None and result.anonymised is not None
        version = self._state.extract_version + 1
        self._record(
            ExtractReceived(
                at=self._now(),
                version=version,
                uploaded_by=cmd.uploaded_by,
                filename=cmd.upload.name,
                upload_sha256=cmd.upload.sha256,
                receipt=result.receipt,
                extract=result.anonymised,
                rows=result.rows,
                missing=result.missing,
            )
        )
        after = (
            " PowerPointen laves igen med de nye tal."
            if self._state.is_done(Step.ARTIFACTS)
            else " Tallene kommer med i PowerPointen."
        )
        return ExtractAccepted(
            message=accepted_message(version, result) + after,
            version=version,
            receipt=result.receipt,
        )

    def _intake_page(self, accepting: bool) -> UploadPage:
        return UploadPage(
            cluster=self._order.cluster.name,
            municipality=self._order.municipality.name if self._order.municipality else None,
            due=self._timeline.due.get(Step.JOBCENTER, self._timeline.meeting),
            meeting=self._timeline.meeting,
            open=accepting,
            uploads=upload_views(self._state),
            premeeting_at=self._state.premeeting_at,
            columns=extract_columns(self._pkg.extract),
        )

    @workflow.update(name="premeeting_schedule")
    def premeeting_schedule(self, cmd: PremeetingSchedule) -> StepAccepted:
        self._record(PremeetingScheduled(at=self._now(), premeeting_at=cmd.at))
        return StepAccepted(
            message=f"Formødet er sat til {datetime_long(cmd.at)}; du og "
            f"{self._partner_definite} får en kalenderinvitation."
        )

    @premeeting_schedule.validator
    def _check_premeeting_schedule(self, cmd: PremeetingSchedule) -> None:
        self._require_active()
        self._kernel.refuse_if(refuse_premeeting_schedule(self._state, cmd, self._now()))

    @workflow.update(name="premeeting_done")
    def premeeting_done(self, cmd: PremeetingDone) -> StepAccepted:
        self._record(PremeetingCompleted(at=self._now(), notes=cmd.notes, program=cmd.program))
        return StepAccepted(message="Formødet er registreret som holdt.")

    @premeeting_done.validator
    def _check_premeeting_done(self, cmd: PremeetingDone) -> None:
        self._require_active()
        self._kernel.refuse_if(refuse_premeeting_done(self._state, self._now()))
        if cmd.program is not None:
            source_variant = cmd.program.variant or self._order.meeting.program_variant
            try:
                adjusted(self._pkg.program(source_variant), cmd.program)
            except KeyError:
                known = ", ".join(p.id for p in self._pkg.programs)
                raise _refuse(f"program.variant: ukendt variant – brug en af: {known}") from None
            except DomainError as exc:
                raise _domain(exc) from None

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
        self._kernel.refuse_if(refuse_meeting_record(self._state))
        try:
            check_minutes(cmd.minutes, self._timeline.meeting, self._now())
            check_owners(cmd.minutes.agreements, self._order, self._partner_words)
        except DomainError as exc:
            raise _domain(exc) from None

    @workflow.update(name="agreement_done")
    async def agreement_done(self, cmd: AgreementDoneCommand) -> StepAccepted:
        self._record(AgreementDone(at=self._now(), actor=cmd.actor, number=cmd.number, by=cmd.by))
        await self._tell_follow_up()
        views = self._state.agreement_views()
        still_open = sum(1 for v in views if v.state == AgreementState.OPEN)
        return StepAccepted(
            message=f"Aftale {cmd.number} er markeret som udført; der sendes ikke flere "
            f"påmindelser om den. {still_open} af {len(views)} aftaler er stadig åbne."
        )

    @agreement_done.validator
    def _check_agreement_done(self, cmd: AgreementDoneCommand) -> None:
        self._require_active()
        self._kernel.refuse_if(refuse_agreement_done(self._state, cmd))

    @workflow.update(name="reschedule")
    async def reschedule(self, cmd: Reschedule) -> StepAccepted:
        previous = self._timeline.meeting
        self._order = self._moved(cmd)
        timeline = self._replan(cmd)
        self._record(
            OrderRescheduled(
                at=self._now(), actor=cmd.actor, previous_meeting=previous, timeline=timeline
            )
        )
        await self._replan_survey_round(timeline)
        roles = [
            r
            for r in ("coordinator", "consultant", "jobcenter", "members")
            if r in self._state.told
        ]
        await self._mail(
            "rescheduled",
            f"rescheduled-{self._replans_made}",
            *roles,
            previous_meeting=previous,
            # Where the invitation went out, the calendars move the meeting (same UID).
            calendar=self._meeting_invite() if self._state.is_done(Step.INVITATION) else None,
        )
        return StepAccepted(
            message=f"Klyngemødet er flyttet til {datetime_long(timeline.meeting)}"
            "; fristerne er planlagt igen."
        )

    @reschedule.validator
    def _check_reschedule(self, cmd: Reschedule) -> None:
        self._require_active()
        self._kernel.refuse_if(refuse_reschedule(self._state, cmd, self._now()))
        self._replan(cmd)

    @workflow.update(name="cancel")
    async def cancel(self, cmd: Cancel) -> StepAccepted:
        await self._placed()
        self._record(OrderCancelled(at=self._now(), actor=cmd.actor, reason=cmd.reason))
        self._cancel_requested = True
        return StepAccepted(
            message="Bestillingen er annulleret; alle, der har fået mails om den, får besked."
        )

    @cancel.validator
    def _check_cancel(self, cmd: Cancel) -> None:
        self._require_active(starting_ok=True)

    @workflow.update(name="retry_render")
    def retry_render(self, cmd: RetryRender) -> StepAccepted:
        failed = self._state.render_failed
        assert failed is not None
        self._record(RenderRetried(at=self._now(), actor=cmd.actor, by=cmd.by))
        return StepAccepted(
            message=f"Dokumenterne ({', '.join(failed.kinds)}) forsøges lavet igen nu."
        )

    @retry_render.validator
    def _check_retry_render(self, cmd: RetryRender) -> None:
        self._require_active()
        if self._state.render_failed is None:
            raise _refuse("Ingen dokumenter venter på at blive lavet igen.")

    @workflow.signal(name="survey_progress")
    def survey_progress(self, progress: RoundProgress) -> None:
        self._survey_progress = progress
        if self._state.timeline is None:
            return
        if self._replay_safe:  # no command from a signal handler (workflows/waiting.py)
            self._show_details()
        else:
            self._publish()

    @workflow.query(name="minutes_page")
    def minutes_page(self) -> MinutesPage:
        state = self._state
        recorded = state.is_done(Step.MEETING)
        started = self._clock.planned(workflow.now()) >= self._timeline.meeting
        return MinutesPage(
            cluster=self._order.cluster.name,
            package=self._order.package,
            municipality=self._order.municipality.name if self._order.municipality else None,
            meeting=self._timeline.meeting,
            open=state.status == "active"
            and not self._cancel_requested
            and started
            and not recorded,
            recorded=recorded,
            members=[m.name for m in self._order.members],
            owners=known_owners(self._order, self._partner_words),
        )

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
            partner=self._partner_words,
        )
