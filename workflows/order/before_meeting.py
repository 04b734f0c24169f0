"""The order's stages up to its meeting (DESIGN.md's table, stages 0–2, 7 and 8): the
confirmation and the consultant's task, the phone call, the material, the invitation, the
meeting's minutes – and a late order's wait for KiAP's answer, and telling everyone of a
cancel."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.order.events import (
        ConsultationEscalated,
        InvitationSent,
        LateOrderDecided,
        LateOrderRequested,
        MaterialSent,
        PartnerGuideSent,
        StepOverdue,
    )
    from schemas.order.request import ContactBy
    from schemas.order.steps import Step
    from schemas.order.timeline import weeks_missing
    from workflows.order.run import OrderRun
    from workflows.order.survey import SurveyStage


class BeforeMeeting:
    def __init__(self, run: OrderRun, survey: SurveyStage) -> None:
        self.run = run
        self.survey = survey

    async def late_decision(self, accepted: datetime) -> bool:
        """A late order from the form: tell the coordinator and the consultant, and wait for
        KiAP's answer; whether the order goes ahead (a refusal or a cancel ends it)."""
        run = self.run
        missing = weeks_missing(accepted, run.order.meeting.start)
        run.record(LateOrderRequested(at=run.now(), weeks_missing=missing))
        await run.mail("late_order_received", "late_order_received", "coordinator")
        await run.mail("late_order_request", "late_order_request", "consultant")
        await workflow.wait_condition(
            lambda: run.state.late_decision is not None or run.state.cancel_requested
        )
        decision = run.state.late_decision
        if decision is None:  # cancelled while it waited
            await run.mail("cancelled", "cancelled", "coordinator", "consultant")
            return False
        run.record(
            LateOrderDecided(
                at=run.now(),
                actor=decision.actor,
                approved=decision.approve,
                by=decision.by,
                reason=decision.reason,
            )
        )
        if not decision.approve:
            await run.mail("late_order_rejected", "late_order_rejected", "coordinator")
        return decision.approve

    async def order_placed(self) -> None:
        run = self.run
        await run.mail("order_confirmation", "order_confirmation", "coordinator")
        await run.mail(
            "consultant_task",
            "consultant_task",
            "consultant",
            calendar=run.invite(
                "consultation",
                "Telefonkonsultation: klyngepakke",
                run.order.call_at,
                30,
                attendees=("consultant",),
            ),
            # The chosen time went by before the order got here: call as soon as possible.
            call_passed=run.now() >= run.order.call_at,
        )

    async def consultation(self) -> None:
        run = self.run
        done = await run.wait_until(
            lambda: run.timeline.consultation_escalation,
            lambda: run.state.is_done(Step.CONSULTATION),
            "Venter på telefonkonsultationen",
        )
        if not done:
            run.record(StepOverdue(at=run.now(), step=Step.CONSULTATION))
            run.record(ConsultationEscalated(at=run.now()))
            await run.mail("consultation_escalation", "consultation_escalation", "consultant")
            await run.wait_until(
                None,
                lambda: run.state.is_done(Step.CONSULTATION),
                "Venter på telefonkonsultationen (rykket)",
            )

    async def material(self) -> None:
        run = self.run
        if not run.pkg.process.partner:
            # Nothing to pass on to a partner: the coordinator gets the links and the survey.
            await run.mail("material", "material", "coordinator")
            run.record(MaterialSent(at=run.now()))
            await self.survey.start_round()
            return
        with_template = run.pkg.process.extract and workflow.patched("jobcenter-extract")
        kinds = ["partner_guide", "extract_template"] if with_template else ["partner_guide"]
        rendered = await run.render(kinds)
        guide, template = rendered[0], (rendered[1] if with_template else None)
        sent = [guide, template] if template else [guide]
        consultation = run.state.consultation
        assert consultation is not None
        # Whoever contacts the job centre passes on the upload link with the template.
        by_kiap = consultation.contact_by == ContactBy.KIAP
        await run.mail(
            "material",
            "material",
            "coordinator",
            attachments=sent,
            upload_link=with_template and not by_kiap,
        )
        run.record(MaterialSent(at=run.now()))
        if by_kiap:
            await run.mail(
                "partner_guide",
                "partner_guide",
                "partner",
                attachments=sent,
                upload_link=with_template,
            )
        run.record(
            PartnerGuideSent(
                at=run.now(),
                contact_by=consultation.contact_by,
                artifact=guide,
                template=template,
            )
        )
        # Orders placed before the web survey existed keep importing their results.
        if workflow.patched("survey-round"):
            await self.survey.start_round()

    async def invitation(self) -> None:
        run = self.run
        await run.wait_until(
            lambda: run.timeline.due[Step.INVITATION], None, "Venter til invitationen skal sendes"
        )
        # The job centre gives two talks at the meeting: it is invited with the members.
        await run.mail(
            "invitation",
            f"invitation-{run.replans_made}",
            "members",
            "partner",
            calendar=run.meeting_invite(),
        )
        run.record(InvitationSent(at=run.now(), invited=len(run.order.members)))
        await run.mail(
            "practical_checklist",
            f"practical_checklist-{run.replans_made}",
            "coordinator",
            minutes_link=True,
        )

    async def meeting(self) -> None:
        run = self.run
        recorded = lambda: run.state.is_done(Step.MEETING)  # noqa: E731
        if not await run.wait_until(
            lambda: run.timeline.meeting_escalation,
            recorded,
            "Venter på referatet fra klyngemødet",
        ):
            run.record(StepOverdue(at=run.now(), step=Step.MEETING))
            await run.mail(
                "meeting_escalation", "meeting_escalation", "coordinator", minutes_link=True
            )
            await run.wait_until(None, recorded, "Venter på referatet (rykket)")

    async def tell_cancelled(self) -> None:
        run = self.run
        roles = [
            r for r in ("coordinator", "consultant", "partner", "members") if r in run.state.told
        ]
        # Calendars that hold the meeting drop it (METHOD:CANCEL under the same UID).
        invited = run.state.is_done(Step.INVITATION)
        await run.mail(
            "cancelled",
            "cancelled",
            *roles,
            calendar=run.meeting_invite(cancelled=True) if invited else None,
        )
