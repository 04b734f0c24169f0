"""What the coordinator's page and KiAP ask of an order beyond its stages: the answer to a
late order from the order form, changes to the member list until the survey closes, and the
overview the coordinator's page shows."""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from schemas.order.commands import LateDecision, MembersChange, StepAccepted
    from schemas.order.events import LateOrderDecided, LateOrderRequested, MembersChanged
    from schemas.order.overview import OrderOverview
    from schemas.order.refusals import refuse_members_change
    from schemas.order.request import OrderRequest
    from schemas.order.timeline import plan, weeks_missing
    from schemas.shared.errors import DomainError, from_validation_error
    from schemas.survey_round.round import RoundMembers
    from workflows.order_base import OrderBase, _refuse
    from workflows.survey_round import SurveyRound


class OrderRequests(OrderBase):
    _late_decision: LateDecision | None

    # ---- a late order, sent to KiAP from the order form ---------------------------------

    async def _await_late_decision(self, accepted: datetime) -> bool:
        """Tell the coordinator and the consultant, and wait for KiAP's answer; whether the
        order goes ahead (a refusal or a cancel ends it)."""
        missing = weeks_missing(accepted, self._order.meeting.start)
        self._record(LateOrderRequested(at=self._now(), weeks_missing=missing))
        await self._mail("late_order_received", "late_order_received", "coordinator")
        await self._mail("late_order_request", "late_order_request", "consultant")
        await workflow.wait_condition(
            lambda: self._late_decision is not None or self._cancel_requested
        )
        decision = self._late_decision
        if decision is None:  # cancelled while it waited
            await self._mail("cancelled", "cancelled", "coordinator", "consultant")
            return False
        self._record(
            LateOrderDecided(
                at=self._now(),
                actor=decision.actor,
                approved=decision.approve,
                by=decision.actor.name if decision.actor else decision.by,
                reason=decision.reason,
            )
        )
        if not decision.approve:
            await self._mail("late_order_rejected", "late_order_rejected", "coordinator")
        return decision.approve

    @workflow.update(name="decide_late")
    def decide_late(self, cmd: LateDecision) -> StepAccepted:
        self._late_decision = cmd
        if cmd.approve:
            return StepAccepted(
                message="Den sene bestilling er godkendt; fristerne planlægges nu, og "
                "koordinatoren får sin bekræftelse."
            )
        return StepAccepted(message="Den sene bestilling er afvist; koordinatoren får besked.")

    @decide_late.validator
    def _check_decide_late(self, cmd: LateDecision) -> None:
        if not self._state.awaiting_approval or self._late_decision is not None:
            raise _refuse("Bestillingen venter ikke på KiAPs svar.")
        if self._cancel_requested:
            raise _refuse("Bestillingen er annulleret.")
        if not cmd.approve and not (cmd.reason or "").strip():
            raise _refuse("reason: skriv en begrundelse til koordinatoren.")
        if cmd.approve:
            try:
                plan(self._order, self._now(), allow_late=True, process=self._pkg.process)
            except DomainError as exc:
                raise _refuse(f"{exc.field}: {exc.message}") from None

    # ---- the member list ----------------------------------------------------------------

    def _changed_members(self, cmd: MembersChange) -> OrderRequest:
        """The order with the change applied; DomainError naming what is wrong."""
        current = {m.email for m in self._order.members}
        for email in cmd.remove:
            if email not in current:
                raise DomainError("remove", f"{email} er ikke på medlemslisten")
        for member in cmd.add:
            if member.email in current and member.email not in cmd.remove:
                raise DomainError("add.email", f"{member.email} er allerede medlem")
        kept = [m for m in self._order.members if m.email not in cmd.remove]
        if not kept and not cmd.add:
            raise DomainError("remove", "klyngen skal have mindst ét medlem")
        members = [m.model_dump() for m in [*kept, *cmd.add]]
        try:
            return OrderRequest.model_validate({**self._order.model_dump(), "members": members})
        except ValidationError as exc:
            first = from_validation_error(exc).errors[0]
            raise DomainError(first.field, first.message) from None

    @workflow.update(name="change_members")
    async def change_members(self, cmd: MembersChange) -> StepAccepted:
        self._order = self._changed_members(cmd)
        self._record(MembersChanged(at=self._now(), added=len(cmd.add), removed=len(cmd.remove)))
        if self._round is not None and not self._round_finished:
            handle = workflow.get_external_workflow_handle(self._round.id)
            await self._tell_child(
                self._round.id,
                "members_changed",
                handle.signal(
                    SurveyRound.members_changed, RoundMembers(members=list(self._order.members))
                ),
            )
        progress = self._survey_progress
        sent = bool(cmd.add) and progress is not None and progress.dispatched
        return StepAccepted(
            message=f"Medlemslisten er opdateret: {len(self._order.members)} medlemmer."
            + (" Nye medlemmer får deres link til spørgeskemaet nu." if sent else "")
        )

    @change_members.validator
    def _check_change_members(self, cmd: MembersChange) -> None:
        self._require_active()
        self._kernel.refuse_if(refuse_members_change(self._state, cmd))
        try:
            self._changed_members(cmd)
        except DomainError as exc:
            raise _refuse(f"{exc.field}: {exc.message}") from None

    # ---- what the coordinator's page shows -----------------------------------------------

    @workflow.query(name="overview")
    def overview(self) -> OrderOverview:
        state = self._state
        package = self._package
        return OrderOverview(
            status=self.status(),  # type: ignore[attr-defined]
            order=self._order,
            package_title=package.title if package else self._order.package,
            timeline=state.timeline,
            premeeting_at=state.premeeting_at,
            program_changes=state.program_changes,
            cancel_reason=state.cancel_reason,
            now=self._now(),
            cluster_id=self._input.cluster_id,
        )
