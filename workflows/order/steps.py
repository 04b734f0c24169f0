"""The people's steps on an order: what each Update does and the check its validator makes
(a refused step never enters history; the rules themselves are pure, in
schemas/order/refusals.py). The workflow's handlers call these (workflows/order/workflow.py)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from activities.extract_check import (
        ExtractCheckRequest,
        ExtractCheckResult,
        accepted_message,
    )
    from schemas.order.agreements import AgreementState, check_owners
    from schemas.order.commands import (
        AgreementDoneCommand,
        Cancel,
        ConsultationDone,
        ExtractAccepted,
        ExtractSubmit,
        LateDecision,
        MeetingRecord,
        MembersChange,
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
        LateDecisionReceived,
        MeetingRecorded,
        MembersChanged,
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
        refuse_late_decision,
        refuse_meeting_record,
        refuse_members_change,
        refuse_premeeting_done,
        refuse_premeeting_schedule,
        refuse_reschedule,
        refuse_retry_render,
        refuse_survey_import,
    )
    from schemas.order.request import ContactBy, OrderRequest
    from schemas.order.status import UploadPage
    from schemas.order.steps import Step
    from schemas.order.timeline import plan
    from schemas.package.program import adjusted
    from schemas.shared.assignment import (
        TaskAction,
        TaskAssign,
        assignment_event,
        assignment_text,
        refuse_assignment,
    )
    from schemas.shared.danish_format import datetime_long
    from schemas.shared.errors import DomainError, DomainErrors, from_validation_error
    from schemas.shared.people import Person
    from schemas.survey.answers import aggregate, check_response
    from workflows.order.after_meeting import AfterMeeting
    from workflows.order.run import OrderRun
    from workflows.order.survey import SurveyStage
    from workflows.order.views import OrderViews
    from workflows.refusals import invalid, refuse


class OrderSteps:
    def __init__(
        self, run: OrderRun, survey: SurveyStage, after: AfterMeeting, views: OrderViews
    ) -> None:
        self.run = run
        self.survey = survey
        self.after = after
        self.views = views

    # ---- the phone call ----------------------------------------------------------------

    async def consultation_done(self, cmd: ConsultationDone) -> StepAccepted:
        run = self.run
        await run.placed()
        mode = cmd.mode or run.order.meeting.mode
        run.record(
            ConsultationCompleted(
                at=run.now(),
                actor=cmd.actor,
                contact_by=cmd.contact_by,
                mode=mode,
                notes=cmd.notes,
                practice_labels_by_mail=cmd.practice_labels_by_mail,
            )
        )
        texts = run.pkg.texts
        partner = texts.partner.definite if texts and texts.partner else None
        if not run.pkg.process.partner or partner is None:
            return StepAccepted(
                message="Telefonkonsultationen er registreret. Materialemailen sendes nu."
            )
        who = "KiAP" if cmd.contact_by == ContactBy.KIAP else "klyngen"
        return StepAccepted(
            message=f"Telefonkonsultationen er registreret; {who} kontakter {partner}."
            " Materialemailen sendes nu."
        )

    def check_consultation(self, cmd: ConsultationDone) -> None:
        self.run.require_active(starting_ok=True)
        self.run.kernel.refuse_if(refuse_consultation(self.run.state))

    # ---- the survey's results from KiAP's own tool ---------------------------------------

    def survey_import(self, cmd: SurveyImport) -> StepAccepted:
        run = self.run
        results = aggregate(run.pkg.survey, cmd.responses)
        run.record(SurveyResultsImported(at=run.now(), source=cmd.source, results=results))
        return StepAccepted(
            message=f"{results.respondents} besvarelser er indlæst og kommer med i PowerPointen."
        )

    def check_survey_import(self, cmd: SurveyImport) -> None:
        run = self.run
        run.require_active()
        run.kernel.refuse_if(refuse_survey_import(run.state))
        for index, response in enumerate(cmd.responses):
            try:
                check_response(run.pkg.survey, response, f"responses[{index}]")
            except (DomainError, DomainErrors) as exc:
                raise invalid(exc) from None

    # ---- the extract (its Update and page: workflows/extract_intake.py) ------------------

    def intake_refusal(self) -> str | None:
        state = self.run.state
        return refuse_extract(state, self.run.now(), cancelling=state.cancel_requested)

    def intake_keep(self, cmd: ExtractSubmit, result: ExtractCheckResult) -> ExtractAccepted:
        run = self.run
        assert result.receipt is not None and result.anonymised is not None
        version = run.state.extract_version + 1
        run.record(
            ExtractReceived(
                at=run.now(),
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
            if run.state.is_done(Step.ARTIFACTS)
            else " Tallene kommer med i PowerPointen."
        )
        return ExtractAccepted(
            message=accepted_message(version, result) + after,
            version=version,
            receipt=result.receipt,
        )

    def intake_request(self, cmd: ExtractSubmit) -> ExtractCheckRequest:
        run = self.run
        return ExtractCheckRequest(
            order_id=run.order_id,
            upload=cmd.upload,
            practices=run.order.practices,
            package=run.order.package,
        )

    def intake_page(self, accepting: bool) -> UploadPage:
        return self.views.upload_page(accepting)

    # ---- the pre-meeting ---------------------------------------------------------------

    def premeeting_schedule(self, cmd: PremeetingSchedule) -> StepAccepted:
        run = self.run
        run.record(PremeetingScheduled(at=run.now(), premeeting_at=cmd.at))
        return StepAccepted(
            message=f"Formødet er sat til {datetime_long(cmd.at)}; du og "
            f"{run.partner_definite} får en kalenderinvitation."
        )

    def check_premeeting_schedule(self, cmd: PremeetingSchedule) -> None:
        run = self.run
        run.require_active()
        run.kernel.refuse_if(refuse_premeeting_schedule(run.state, cmd, run.now()))

    def premeeting_done(self, cmd: PremeetingDone) -> StepAccepted:
        run = self.run
        run.record(PremeetingCompleted(at=run.now(), notes=cmd.notes, program=cmd.program))
        return StepAccepted(message="Formødet er registreret som holdt.")

    def check_premeeting_done(self, cmd: PremeetingDone) -> None:
        run = self.run
        run.require_active()
        run.kernel.refuse_if(refuse_premeeting_done(run.state, run.now()))
        if cmd.program is not None:
            source_variant = cmd.program.variant or run.order.meeting.program_variant
            try:
                adjusted(run.pkg.program(source_variant), cmd.program)
            except KeyError:
                known = ", ".join(p.id for p in run.pkg.programs)
                raise refuse(f"program.variant: ukendt variant – brug en af: {known}") from None
            except DomainError as exc:
                raise invalid(exc) from None

    # ---- the meeting and its agreements ------------------------------------------------

    def meeting_record(self, cmd: MeetingRecord) -> StepAccepted:
        run = self.run
        run.record(MeetingRecorded(at=run.now(), minutes=cmd.minutes))
        return StepAccepted(
            message=f"Referatet med {len(cmd.minutes.agreements)} aftaler er "
            "registreret; opsummeringen sendes næste hverdag."
        )

    def check_meeting_record(self, cmd: MeetingRecord) -> None:
        run = self.run
        run.require_active()
        run.kernel.refuse_if(refuse_meeting_record(run.state))
        try:
            check_minutes(cmd.minutes, run.timeline.meeting, run.now())
            check_owners(cmd.minutes.agreements, run.order, run.partner_words)
        except DomainError as exc:
            raise invalid(exc) from None

    async def agreement_done(self, cmd: AgreementDoneCommand) -> StepAccepted:
        run = self.run
        run.record(AgreementDone(at=run.now(), actor=cmd.actor, number=cmd.number, by=cmd.by))
        await self.after.tell_follow_up()
        views = run.state.agreement_views()
        still_open = sum(1 for v in views if v.state == AgreementState.OPEN)
        return StepAccepted(
            message=f"Aftale {cmd.number} er markeret som udført; der sendes ikke flere "
            f"påmindelser om den. {still_open} af {len(views)} aftaler er stadig åbne."
        )

    def check_agreement_done(self, cmd: AgreementDoneCommand) -> None:
        self.run.require_active()
        self.run.kernel.refuse_if(refuse_agreement_done(self.run.state, cmd))

    # ---- moving and cancelling the order -----------------------------------------------

    async def reschedule(self, cmd: Reschedule) -> StepAccepted:
        run = self.run
        previous = run.timeline.meeting
        timeline = run.replan(cmd)
        run.record(
            OrderRescheduled(
                at=run.now(), actor=cmd.actor, previous_meeting=previous, timeline=timeline
            )
        )
        await self.survey.replan(timeline)
        roles = [
            r for r in ("coordinator", "consultant", "partner", "members") if r in run.state.told
        ]
        await run.mail(
            "rescheduled",
            f"rescheduled-{run.replans_made}",
            *roles,
            previous_meeting=previous,
            # Where the invitation went out, the calendars move the meeting (same UID).
            calendar=run.meeting_invite() if run.state.is_done(Step.INVITATION) else None,
        )
        return StepAccepted(
            message=f"Klyngemødet er flyttet til {datetime_long(timeline.meeting)}"
            "; fristerne er planlagt igen."
        )

    def check_reschedule(self, cmd: Reschedule) -> None:
        run = self.run
        run.require_active()
        run.kernel.refuse_if(refuse_reschedule(run.state, cmd, run.now()))
        run.replan(cmd)

    # ---- who at KiAP has the order's tasks ----------------------------------------------

    async def assign_task(self, cmd: TaskAssign) -> StepAccepted:
        run = self.run
        event = assignment_event(run.state.holder, cmd, run.now())
        run.record(event)
        to = cmd.to
        if cmd.action == TaskAction.ASSIGN and to is not None and cmd.to_email is not None:
            # The colleague hears at once; one mail per hand-over (its number is the key).
            handovers = sum(1 for e in run.log.events if e.type == "TaskAssigned")
            await run.mail(
                "task_assigned",
                f"task_assigned-{handovers}",
                to=[Person(name=to.name, email=cmd.to_email)],
                assigned_by=cmd.actor.name,
            )
        return StepAccepted(message=assignment_text(event) + ".")

    def check_assign_task(self, cmd: TaskAssign) -> None:
        state = self.run.state
        open_tasks = state.status == "active"
        self.run.kernel.refuse_if(refuse_assignment(state.holder, cmd, open_tasks))

    async def cancel(self, cmd: Cancel) -> StepAccepted:
        run = self.run
        await run.placed()
        run.record(OrderCancelled(at=run.now(), actor=cmd.actor, reason=cmd.reason))
        return StepAccepted(
            message="Bestillingen er annulleret; alle, der har fået mails om den, får besked."
        )

    def check_cancel(self, cmd: Cancel) -> None:
        self.run.require_active(starting_ok=True)

    def retry_render(self, cmd: RetryRender) -> StepAccepted:
        run = self.run
        failed = run.state.render_failed
        assert failed is not None
        run.record(RenderRetried(at=run.now(), actor=cmd.actor, by=cmd.by))
        return StepAccepted(
            message=f"Dokumenterne ({', '.join(failed.kinds)}) forsøges lavet igen nu."
        )

    def check_retry_render(self, cmd: RetryRender) -> None:
        self.run.require_active()
        self.run.kernel.refuse_if(refuse_retry_render(self.run.state))

    # ---- a late order, sent to KiAP from the order form --------------------------------

    def decide_late(self, cmd: LateDecision) -> StepAccepted:
        run = self.run
        by = cmd.actor.name if cmd.actor else cmd.by
        run.record(
            LateDecisionReceived(
                at=run.now(), actor=cmd.actor, approve=cmd.approve, by=by, reason=cmd.reason
            )
        )
        if cmd.approve:
            return StepAccepted(
                message="Den sene bestilling er godkendt; fristerne planlægges nu, og "
                "koordinatoren får sin bekræftelse."
            )
        return StepAccepted(message="Den sene bestilling er afvist; koordinatoren får besked.")

    def check_decide_late(self, cmd: LateDecision) -> None:
        run = self.run
        run.kernel.refuse_if(refuse_late_decision(run.state, cmd))
        if cmd.approve:
            try:
                plan(run.order, run.now(), allow_late=True, process=run.pkg.process)
            except DomainError as exc:
                raise refuse(f"{exc.field}: {exc.message}") from None

    # ---- the member list ----------------------------------------------------------------

    def _changed_members(self, cmd: MembersChange) -> OrderRequest:
        """The order with the change applied; DomainError naming what is wrong."""
        order = self.run.order
        current = {m.email for m in order.members}
        for email in cmd.remove:
            if email not in current:
                raise DomainError("remove", f"{email} er ikke på medlemslisten")
        for member in cmd.add:
            if member.email in current and member.email not in cmd.remove:
                raise DomainError("add.email", f"{member.email} er allerede medlem")
        kept = [m for m in order.members if m.email not in cmd.remove]
        if not kept and not cmd.add:
            raise DomainError("remove", "klyngen skal have mindst ét medlem")
        members = [m.model_dump() for m in [*kept, *cmd.add]]
        try:
            return OrderRequest.model_validate({**order.model_dump(), "members": members})
        except ValidationError as exc:
            first = from_validation_error(exc).errors[0]
            raise DomainError(first.field, first.message) from None

    async def change_members(self, cmd: MembersChange) -> StepAccepted:
        run = self.run
        changed = self._changed_members(cmd)
        run.record(
            MembersChanged(
                at=run.now(),
                added=len(cmd.add),
                removed=len(cmd.remove),
                members=list(changed.members),
            )
        )
        await self.survey.tell_members()
        progress = run.state.survey_progress
        sent = bool(cmd.add) and progress is not None and progress.dispatched
        return StepAccepted(
            message=f"Medlemslisten er opdateret: {len(run.order.members)} medlemmer."
            + (" Nye medlemmer får deres link til spørgeskemaet nu." if sent else "")
        )

    def check_change_members(self, cmd: MembersChange) -> None:
        run = self.run
        run.require_active()
        run.kernel.refuse_if(refuse_members_change(run.state, cmd))
        try:
            self._changed_members(cmd)
        except DomainError as exc:
            raise refuse(f"{exc.field}: {exc.message}") from None
