"""The cluster as a long-lived workflow (id from its name and region, no personal data): its
member list, its coordinator and its year. It mails the coordinator each of the year's
reminders on its day (schemas/cluster/state.py plans them from the catalog's rules), stops a duty's
reminders once it is done, and continues as new at each new year so its history stays small."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from activities.catalog_lookup import CatalogActivities
    from activities.cluster_mail import (
        ClusterMailActivities,
        ClusterMailContext,
        ClusterMailRequest,
    )
    from schemas.cluster.commands import (
        AssemblySet,
        CoordinatorChange,
        DutyConfirm,
        HandoverConfirm,
        MeetingNote,
        MembersReplace,
        PayoutRecord,
        PayoutReported,
    )
    from schemas.cluster.events import (
        AssemblyScheduled,
        ClusterEvent,
        CoordinatorChanged,
        DutyConfirmed,
        HandoverConfirmed,
        MailNotDelivered,
        MeetingNoted,
        MembersChanged,
        PayoutMarkedReported,
        PayoutRecorded,
        ReminderSent,
        YearRulesLoaded,
    )
    from schemas.cluster.input import ClusterInput
    from schemas.cluster.refusals import (
        refuse_change,
        refuse_confirm,
        refuse_handover,
        refuse_members,
        refuse_payout,
        refuse_reported,
    )
    from schemas.cluster.state import (
        ClusterState,
        apply,
        due_now,
        member_changes,
        open_handover,
        planned_reminders,
    )
    from schemas.cluster.view import (
        ClusterPage,
        ClusterSummary,
        cluster_page,
        summary,
        unreported_deadlines,
    )
    from schemas.cluster.year import ClusterYearRules, Duty, Reminder
    from schemas.order.commands import StepAccepted
    from schemas.shared.assignment import (
        TaskAssign,
        assignment_event,
        assignment_text,
        refuse_assignment,
    )
    from schemas.shared.clock import OrderClock
    from schemas.shared.copenhagen import COPENHAGEN
    from schemas.shared.event_log import EventLog
    from schemas.shared.people import Person
    from workflows import names, search_attributes
    from workflows.kernel import RUN_SCOPED_MAIL, Kernel


@workflow.defn(name=names.CLUSTER)
class ClusterWorkflow:
    @workflow.init
    def __init__(self, inp: ClusterInput) -> None:
        self._inp = inp
        self._clock = OrderClock(
            real_origin=workflow.now(),
            planned_origin=inp.accepted_at or workflow.now(),
            seconds_per_day=inp.seconds_per_day,
        )
        # The cluster's state is only the fold of its events (schemas/cluster/state.py).
        self._log: EventLog[ClusterState, ClusterEvent | YearRulesLoaded] = EventLog(
            apply, inp.carried or ClusterState()
        )
        # A cluster started after the replay-safe waits existed: always on that path.
        self._kernel = Kernel(self._clock, replay_safe=True)

    def _now(self) -> datetime:
        return self._kernel.now()

    def _today(self) -> datetime:
        return self._now().astimezone(COPENHAGEN)

    @property
    def _state(self) -> ClusterState:
        return self._log.state

    @property
    def _rules(self) -> ClusterYearRules | None:
        return self._log.state.rules

    def _record(self, event: ClusterEvent | YearRulesLoaded) -> None:
        self._log.record(event)

    @workflow.run
    async def run(self, inp: ClusterInput) -> ClusterState:
        self._kernel.patched(RUN_SCOPED_MAIL)
        rules = await self._kernel.look_up(
            CatalogActivities.load_cluster_year, summary="Hent klyngens årshjul fra kataloget"
        )
        self._record(YearRulesLoaded(at=self._now(), rules=rules))
        if inp.carried is None:
            joined = len(inp.members)
            self._record(
                MembersChanged(
                    at=self._now(), version=1, members=inp.members, joined=joined, left=0
                )
            )
            await self._mail("cluster_started", "started")
        year = self._today().year
        while True:
            await self._send_due()
            self._publish()
            if self._today().year != year:
                # A new year: the next run carries the state, not the year's events.
                await workflow.wait_condition(workflow.all_handlers_finished)
                # and its clock goes on from the planned now, not from the cluster's start.
                carried = self._state.model_copy(update={"events": [], "rules": None})
                workflow.continue_as_new(
                    inp.model_copy(update={"carried": carried, "accepted_at": self._now()})
                )
            await self._wait_for_next()

    def _publish(self) -> None:
        """Search attributes for operations (region, members, next deadline, overdue), only
        when one changed: an upsert is an event."""
        rules = self._rules
        assert rules is not None
        now = self._today()
        seen = summary(rules, self._state, now.date())
        deadline = (
            datetime.combine(seen.next_deadline, time(0, 0), COPENHAGEN)
            if seen.next_deadline is not None
            else None
        )
        updates: list[SearchAttributeUpdate[Any]] = [
            search_attributes.CLUSTER.value_set(self._inp.cluster.name),
            search_attributes.REGION.value_set(self._inp.cluster.region.value),
            search_attributes.MEMBERS.value_set(seen.members),
            search_attributes.OVERDUE.value_set(bool(seen.overdue)),
            search_attributes.NEXT_DUE.value_unset()
            if deadline is None
            else search_attributes.NEXT_DUE.value_set(deadline),
            # Clusters started since mails are given up on: a failed mail is a task.
            *(
                [search_attributes.ATTENTION.value_set(self._state.mail_problems > 0)]
                if self._kernel.patches.get(RUN_SCOPED_MAIL, False)
                else []
            ),
            *search_attributes.assignees(self._state.holder, self._state.assigned_ever),
        ]
        self._kernel.publish(None, updates)

    async def _send_due(self) -> None:
        rules = self._rules
        assert rules is not None
        plan = planned_reminders(rules, self._state, self._today().date())
        for reminder, stands_for in due_now(plan, self._now()):
            await self._mail("cluster_reminder", reminder.key, reminder)
            self._record(
                ReminderSent(
                    at=self._now(), key=reminder.key, duty=reminder.duty, stands_for=stands_for
                )
            )

    async def _wait_for_next(self) -> None:
        """Until the next reminder's time, the new year, or a change by the coordinator."""
        rules = self._rules
        assert rules is not None
        now = self._now()
        plan = planned_reminders(rules, self._state, now.astimezone(COPENHAGEN).date())
        new_year = datetime(now.astimezone(COPENHAGEN).year + 1, 1, 1, tzinfo=COPENHAGEN)
        later = [r.at for r in plan if r.at > now]
        # The morning after a deadline too: operations see it overdue from then.
        passing = [
            datetime.combine(d + timedelta(days=1), time(0, 0), COPENHAGEN)
            for d in unreported_deadlines(rules, self._state)
        ]
        due = min([*later, *(p for p in passing if p > now), new_year])
        # Woken by any change the coordinator records meanwhile.
        seen = len(self._log.events)
        await self._kernel.wait_once(due, lambda: len(self._log.events) != seen, "Næste påmindelse")

    def _coordinator(self) -> Person:
        return self._state.coordinator or self._inp.coordinator

    def _recipients(self, reminder: Reminder | None) -> list[Person]:
        """The coordinator; for a handover's reminder, whoever of the two has not confirmed."""
        if reminder is not None and reminder.duty == Duty.HANDOVER:
            handover = next(h for h in self._state.handovers if h.number == reminder.number)
            return handover.waiting_for()
        # The year's mails go to the coordinator and the co-coordinators alike.
        return [self._coordinator(), *self._inp.co_coordinators]

    async def _mail(
        self,
        mail: str,
        key: str,
        reminder: Reminder | None = None,
        to: list[Person] | None = None,
        **extra: object,
    ) -> None:
        recipients = to if to is not None else self._recipients(reminder)
        if not recipients:
            return
        payout = None
        if reminder is not None and reminder.duty == Duty.PAYOUT_REPORT:
            payout = next(p for p in self._state.payouts if p.number == reminder.number)
        request = ClusterMailRequest(
            mail=mail,
            key=self._kernel.mail_key(key),
            recipients=recipients,
            context=ClusterMailContext(
                cluster_id=workflow.info().workflow_id,
                run=workflow.info().first_execution_run_id,
                cluster=self._inp.cluster,
                members=len(self._state.members),
                reminder=reminder,
                payout=payout,
                **extra,
            ),
        )
        result = await self._kernel.send_mail(
            ClusterMailActivities.send_cluster_mail, request, f"Mail: {mail} til koordinatoren"
        )
        failed = result.refused + result.delayed
        if failed:
            code = result.refusal_code or result.delay_code
            self._record(
                MailNotDelivered(
                    at=self._now(),
                    mail=mail,
                    recipients=failed,
                    code=code,
                    login_refused=result.login_refused,
                )
            )

    # --- What the coordinator records ----------------------------------------------------

    @workflow.update(name="assign_task")
    async def assign_task(self, cmd: TaskAssign) -> StepAccepted:
        """KiAP's workbench: take the cluster's tasks, give them to a colleague (who is told at
        once), or let go."""
        event = assignment_event(self._state.holder, cmd, self._now())
        self._record(event)
        self._publish()
        await self._kernel.tell_new_holder(cmd, event, f"klyngeåret for {self._inp.cluster.name}")
        return StepAccepted(message=assignment_text(event) + ".")

    @assign_task.validator
    def _check_assign_task(self, cmd: TaskAssign) -> None:
        if self._rules is None:
            raise self._kernel.refuse("Klyngen er ved at starte – prøv igen om et øjeblik.")
        self._kernel.refuse_if(refuse_assignment(self._state.holder, cmd, True))

    @workflow.update(name="members_replace")
    def members_replace(self, cmd: MembersReplace) -> StepAccepted:
        joined, left = member_changes(self._state.members, cmd.members)
        version = self._state.member_list_version + 1
        self._record(
            MembersChanged(
                at=self._now(), version=version, members=cmd.members, joined=joined, left=left
            )
        )
        return StepAccepted(
            message=f"Medlemslisten er gemt (version {version}): {joined} nye, {left} stoppet.",
        )

    @members_replace.validator
    def _check_members(self, cmd: MembersReplace) -> None:
        self._kernel.refuse_if(refuse_members(cmd.members))

    @workflow.update(name="duty_confirm")
    async def duty_confirm(self, cmd: DutyConfirm) -> StepAccepted:
        self._record(
            DutyConfirmed(at=self._now(), duty=cmd.duty, year=cmd.year, received=cmd.received)
        )
        if cmd.duty == Duty.GRANT and not cmd.received:
            rules = self._rules
            assert rules is not None
            await self._mail(
                "grant_missing",
                f"grant-missing-{cmd.year}",
                year=cmd.year,
                deadline=rules.grant.paid_by.in_year(cmd.year),
            )
            return StepAccepted(message="Noteret: tilskuddet er ikke kommet. Kontakt regionen.")
        return StepAccepted(message="Tak – opgaven er markeret som gjort.")

    @duty_confirm.validator
    def _check_confirm(self, cmd: DutyConfirm) -> None:
        if self._rules is None:
            raise self._kernel.refuse("Klyngen er ved at starte – prøv igen om et øjeblik.")
        if f"{cmd.duty}-{cmd.year}" in self._state.confirmed:
            raise self._kernel.refuse(
                f"year: opgaven for {cmd.year} er allerede markeret som gjort."
            )
        self._kernel.refuse_if(refuse_confirm(self._rules, cmd, self._today().date()))

    @workflow.update(name="payout_record")
    def payout_record(self, cmd: PayoutRecord) -> StepAccepted:
        number = len(self._state.payouts) + 1
        self._record(
            PayoutRecorded(at=self._now(), number=number, paid_on=cmd.paid_on, purpose=cmd.purpose)
        )
        return StepAccepted(
            message=f"Udbetaling nr. {number} er registreret; du får en påmindelse om at "
            "indberette den til SKAT.",
        )

    @payout_record.validator
    def _check_payout(self, cmd: PayoutRecord) -> None:
        self._kernel.refuse_if(refuse_payout(cmd, self._today().date()))

    @workflow.update(name="payout_reported")
    def payout_reported(self, cmd: PayoutReported) -> StepAccepted:
        self._record(PayoutMarkedReported(at=self._now(), number=cmd.payout))
        return StepAccepted(message="Tak – udbetalingen er markeret som indberettet.")

    @payout_reported.validator
    def _check_reported(self, cmd: PayoutReported) -> None:
        self._kernel.refuse_if(refuse_reported(self._state, cmd))

    @workflow.update(name="assembly_set")
    def assembly_set(self, cmd: AssemblySet) -> StepAccepted:
        self._record(AssemblyScheduled(at=self._now(), on=cmd.on))
        return StepAccepted(message="Generalforsamlingens dato er gemt.")

    @assembly_set.validator
    def _check_assembly(self, cmd: AssemblySet) -> None:
        if cmd.on < self._today().date():
            raise self._kernel.refuse(
                "on: generalforsamlingen kan ikke ligge i fortiden – vælg en senere dato"
            )

    @workflow.update(name="coordinator_change")
    async def coordinator_change(self, cmd: CoordinatorChange) -> StepAccepted:
        outgoing = self._coordinator()
        number = len(self._state.handovers) + 1
        self._record(
            CoordinatorChanged(at=self._now(), number=number, outgoing=outgoing, incoming=cmd.new)
        )
        await self._mail(
            "handover",
            f"handover-{number}-start",
            to=[outgoing, cmd.new],
            outgoing=outgoing,
            incoming=cmd.new,
        )
        return StepAccepted(
            message=f"{cmd.new.name} er ny koordinator. I har begge fået tjeklisten til "
            "overdragelsen."
        )

    @coordinator_change.validator
    def _check_change(self, cmd: CoordinatorChange) -> None:
        self._kernel.refuse_if(refuse_change(self._state, self._coordinator(), cmd))

    @workflow.update(name="handover_confirm")
    def handover_confirm(self, cmd: HandoverConfirm) -> StepAccepted:
        handover = open_handover(self._state)
        assert handover is not None
        self._record(HandoverConfirmed(at=self._now(), number=handover.number, side=cmd.side))
        done = open_handover(self._state) is None
        return StepAccepted(
            message="Overdragelsen er færdig – tak til jer begge."
            if done
            else "Tak – din del af overdragelsen er markeret som gjort."
        )

    @handover_confirm.validator
    def _check_handover(self, cmd: HandoverConfirm) -> None:
        self._kernel.refuse_if(refuse_handover(self._state, cmd))

    @workflow.update(name="meeting_note")
    def meeting_note(self, cmd: MeetingNote) -> StepAccepted:
        self._record(MeetingNoted(at=self._now(), on=cmd.on, order_id=cmd.order_id))
        return StepAccepted(message="Mødet er noteret i klyngens år.")

    @workflow.query(name="state")
    def state(self) -> ClusterState:
        return self._state

    @workflow.query(name="page")
    def page(self, real_now: datetime) -> ClusterPage | None:
        """The coordinator's page at the caller's ``real_now`` (a query answers as of the last
        workflow task; the page needs the cluster's time now)."""
        if self._rules is None:
            return None
        today = self._clock.planned(real_now).astimezone(COPENHAGEN).date()
        coordinators = (self._inp.coordinator, self._inp.co_coordinators)
        page = cluster_page(self._rules, self._inp.cluster, coordinators, self._state, today)
        return page.model_copy(update={"run": workflow.info().first_execution_run_id})

    @workflow.query(name="summary")
    def overview(self) -> ClusterSummary | None:
        """None while the cluster is loading its rules (its first moment)."""
        if self._rules is None:
            return None
        return summary(self._rules, self._state, self._today().date())
